"""One certificate, for the people who may act on it: its history, revoke, re-issue a copy, correct."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.certificates.dates import local_today
from lms.certificates.forms import CopyForm, CorrectForm, RevokeForm
from lms.certificates.models import Certificate
from lms.certificates.services import lifecycle, public
from lms.certificates.views import bp
from lms.certificates.views.holder import certificate_or_404
from lms.certificates.vocabulary import (
    GROUND_LABELS,
    KIND_LABELS,
    STATE_BADGES,
    STATE_LABELS,
    VARIANT_LABELS,
    area_name,
)
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import AuditEntry, User
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors

ACTION_LABELS = {
    "certificate.issued": _l("Issued"), "certificate.copied": _l("Copy issued"),
    "certificate.corrected": _l("Correction issued"), "certificate.revoked": _l("Revoked"),
    "certificate.superseded": _l("Superseded"), "certificate.expired": _l("Expired"),
}


def _correct_form(cert: Certificate, formdata=None) -> CorrectForm:
    form = CorrectForm(formdata=formdata)
    if formdata is None:
        form.holder_name.data, form.holder_birth_date.data = cert.holder_name, cert.holder_birth_date
        form.course_title_vi.data, form.course_title_en.data = cert.course_title_vi, cert.course_title_en
        form.periods.data, form.starts_on.data, form.ends_on.data = cert.periods, cert.starts_on, cert.ends_on
        form.content_area.data = cert.content_area
    return form


def _history(cert: Certificate) -> list[tuple[AuditEntry, str]]:
    rows = db.session.execute(
        select(AuditEntry, User.display_name).outerjoin(User, AuditEntry.actor_id == User.id)
        .where(AuditEntry.target_type == "certificate", AuditEntry.target_id == str(cert.id))
        .order_by(AuditEntry.at, AuditEntry.id))
    return [(entry, name or "") for entry, name in rows]


@bp.get("/<int:certificate_id>")
@login_required
def detail(certificate_id: int):
    cert = certificate_or_404(certificate_id)
    return _render_detail(cert)


def _render_detail(cert: Certificate, *, revoke_form=None, copy_form=None, correct_form=None, status=200):
    manage = lifecycle.may_manage(current_user, cert)
    view = public.public_view(cert, local_today())
    return render_template(
        "certificates/detail.html", cert=cert, view=view, manage=manage, history=_history(cert),
        revoke_form=revoke_form or RevokeForm(formdata=None), copy_form=copy_form or CopyForm(formdata=None),
        correct_form=correct_form or _correct_form(cert), state_labels=STATE_LABELS, state_badges=STATE_BADGES,
        ground_labels=GROUND_LABELS, kind_labels=KIND_LABELS, variant_labels=VARIANT_LABELS, area_name=area_name,
        action_labels=ACTION_LABELS), status


def _managed(certificate_id: int) -> Certificate:
    cert = certificate_or_404(certificate_id)
    if not lifecycle.may_manage(current_user, cert):
        abort(403)
    return cert


@bp.post("/<int:certificate_id>/revoke")
@login_required
@commits
def revoke(certificate_id: int):
    cert = _managed(certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _render_detail(cert, revoke_form=form, status=400)
    try:
        revoked = lifecycle.revoke(cert, ground=form.ground.data, note=form.note.data, actor_id=current_user.id)
    except lifecycle.AlreadyDone as done:
        discard_changes()
        flash(str(done), "warning")
    except DomainError as problem:
        discard_changes()
        flash(str(problem), "error")
        return _render_detail(cert, revoke_form=form, status=400)
    else:
        flash(_("Certificate %(number)s was revoked.", number=cert.register_number)
              + (" " + _("Its %(n)s copies were revoked with it.", n=len(revoked) - 1) if len(revoked) > 1 else ""),
              "success")
    return redirect(url_for("certificates.detail", certificate_id=cert.id))


@bp.post("/<int:certificate_id>/copy")
@login_required
@commits
def copy(certificate_id: int):
    cert = _managed(certificate_id)
    form = CopyForm()
    if not form.validate_on_submit():
        return _render_detail(cert, copy_form=form, status=400)
    with flash_domain_errors():
        new = lifecycle.reissue_copy(cert, reason=form.reason.data, actor_id=current_user.id,
                                     request_key=form.request_key.data)
        flash(_("A copy was issued with register number %(number)s.", number=new.register_number), "success")
        return redirect(url_for("certificates.detail", certificate_id=new.id))
    return _render_detail(cert, copy_form=form, status=400)


@bp.post("/<int:certificate_id>/correct")
@login_required
@commits
def correct(certificate_id: int):
    cert = _managed(certificate_id)
    form = CorrectForm()
    if not form.validate_on_submit():
        return _render_detail(cert, correct_form=form, status=400)
    corrected = lifecycle.Correction(
        holder_name=form.holder_name.data, holder_birth_date=form.holder_birth_date.data,
        course_title_vi=form.course_title_vi.data, course_title_en=form.course_title_en.data or "",
        periods=float(form.periods.data), starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        content_area=form.content_area.data or "")
    try:
        new = lifecycle.correct(cert, corrected, reason=form.reason.data, actor_id=current_user.id,
                                request_key=form.request_key.data)
    except lifecycle.AlreadyDone as done:
        discard_changes()
        flash(str(done), "warning")
        return redirect(url_for("certificates.detail", certificate_id=cert.id))
    except DomainError as problem:
        discard_changes()
        flash(str(problem), "error")
        return _render_detail(cert, correct_form=form, status=400)
    flash(_("The corrected certificate has register number %(number)s; the old one is marked as replaced.",
            number=new.register_number), "success")
    return redirect(url_for("certificates.detail", certificate_id=new.id))

