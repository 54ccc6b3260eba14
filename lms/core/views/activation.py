"""Activation: a unit's letters and e-mails (for its managers), and the public page that activates an account.

Endpoints others link to: `activation.unit` (unit_id), the page of a unit's actions; `activation.letters`
(unit_id, POST), which issues the letters and answers with the file; `activation.send_mails` (unit_id, POST).
"""
from __future__ import annotations

import io
import zipfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, Unit, User
from lms.core.notifications.services import recipient_address
from lms.core.password_policy.common import MIN_LENGTH
from lms.core.services import activation
from lms.core.services.activation_letters import letters_pdf, letters_xlsx
from lms.core.views.activation_forms import ActivateByLetterForm, ActivateByLinkForm, LettersForm, SendMailsForm
from lms.core.views.auth import log_in
from lms.core.views.transaction import commits
from lms.core.xlsx import XLSX_MIMETYPE

bp = Blueprint("activation", __name__)


def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    # Someone else's unit is not there at all, as elsewhere.
    if unit is None or not activation.may_activate_unit(current_user, unit):
        abort(404)
    return unit


@bp.get("/activation/units/<int:unit_id>")
@login_required
def unit(unit_id: int):
    unit = _unit_or_404(unit_id)
    waiting = activation.unit_accounts(unit)
    with_email = sum(1 for user in waiting if recipient_address(user))
    officials = db.session.scalar(select(func.count()).select_from(Official)
                                  .where(Official.unit_id == unit.id, Official.active.is_(True)))
    activated = db.session.scalar(select(func.count()).select_from(User).join(Official, User.official_id == Official.id)
                                  .where(Official.unit_id == unit.id, Official.active.is_(True),
                                         User.password_set_at.is_not(None)))
    return render_template("core/activation/unit.html", unit=unit, officials=officials, activated=activated,
                           waiting=len(waiting), with_email=with_email, letters_form=LettersForm(),
                           mails_form=SendMailsForm())


@bp.post("/activation/units/<int:unit_id>/letters")
@login_required
@commits
def letters(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = LettersForm()
    if not form.validate_on_submit():
        abort(400)
    issued = activation.issue_letters(unit, issued_by=current_user.id, with_email=form.with_email.data)
    if not issued:
        flash(_("No official of this unit is waiting for a letter: nothing was issued."), "info")
        return redirect(url_for("activation.unit", unit_id=unit.id))
    name = f"kich-hoat-{unit.code}"
    if form.file_format.data == "xlsx":
        return _download(letters_xlsx(issued, unit.name_vi), f"{name}.xlsx", XLSX_MIMETYPE)
    if form.file_format.data == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.pdf", letters_pdf(issued))
            archive.writestr(f"{name}.xlsx", letters_xlsx(issued, unit.name_vi))
        return _download(buffer.getvalue(), f"{name}.zip", "application/zip")
    return _download(letters_pdf(issued), f"{name}.pdf", "application/pdf")


def _download(data: bytes, filename: str, mimetype: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"  # the codes are secrets until used
    return response


@bp.post("/activation/units/<int:unit_id>/mails")
@login_required
@commits
def send_mails(unit_id: int):
    unit = _unit_or_404(unit_id)
    if not SendMailsForm().validate_on_submit():
        abort(400)
    sent = activation.send_unit_mails(unit, issued_by=current_user.id)
    flash(_("%(n)s activation e-mails are on their way.", n=sent), "success")
    return redirect(url_for("activation.unit", unit_id=unit.id))


@bp.route("/activate", methods=["GET", "POST"])
@commits  # a wrong code is committed too: the failure is what the limit counts
def activate():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = ActivateByLetterForm()
    if request.method == "GET":  # the QR code fills both in
        form.code.data = request.args.get("code", "")[:40]
        form.employee_code.data = request.args.get("employee_code", "")[:40]
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = activation.activate_by_letter(form.code.data, form.employee_code.data, form.new.data,
                                                 form.confirm.data, request.remote_addr or "")
        except DomainError as refused:
            error, status = str(refused), _status(refused)
        else:
            return _logged_in(user)
    return render_template("core/activation/activate.html", form=form, error=error, min_length=MIN_LENGTH), status


@bp.route("/activate/<token>", methods=["GET", "POST"])
@commits
def activate_link(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    if request.method == "GET" and activation.valid_link(token) is None:
        return render_template("core/activation/link_invalid.html"), 404
    form = ActivateByLinkForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = activation.activate_by_link(token, form.new.data, form.confirm.data, request.remote_addr or "")
        except DomainError as refused:
            error, status = str(refused), _status(refused)
        else:
            return _logged_in(user)
    return render_template("core/activation/activate.html", form=form, error=error, min_length=MIN_LENGTH), status


def _status(refused: DomainError) -> int:
    return 429 if isinstance(refused, activation.ActivationThrottled) else 400


def _logged_in(user: User):
    log_in(user)
    flash(_("Your account is activated. Welcome!"), "success")
    return redirect(url_for("core.home"))
