"""The accounts page: search, filter by unit, role and state, switch off and on in bulk, export; each person
within their scope (lms/core/services/account_directory.py). Admins also make the heads of units managers."""
from __future__ import annotations

import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from lms.core import audit
from lms.core.db import db
from lms.core.models import Grant, Official, Role, Unit, User
from lms.core.permissions import roles_required, unit_visibility
from lms.core.search import bounded
from lms.core.services import account_directory, activation, unit_managers
from lms.core.services.account_directory import AccountFilter, AccountState
from lms.core.views.admin import ROLE_LABELS
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits
from lms.core.xlsx import XLSX_MIMETYPE, table_xlsx

bp = Blueprint("accounts_admin", __name__, url_prefix="/accounts")

STATE_LABELS = {AccountState.active: _l("Active"), AccountState.not_activated: _l("Not activated"),
                AccountState.deactivated: _l("Deactivated")}
VIEWERS = (Role.admin, Role.unit_manager, Role.school_admin)


def _units():
    """The units the viewer may filter by: their own scope's (none for a school administrator)."""
    return list(db.session.scalars(select(Unit).where(unit_visibility(current_user), Unit.valid_to.is_(None))
                                   .order_by(Unit.path)))


def _choice(enum_class, value: str | None):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def _filter(units: list[Unit]) -> AccountFilter:
    unit_id = request.args.get("unit", type=int)
    return AccountFilter(q=bounded(request.args.get("q")), unit=next((u for u in units if u.id == unit_id), None),
                         role=_choice(Role, request.args.get("role")),
                         state=_choice(AccountState, request.args.get("state")))


@bp.get("/")
@roles_required(*VIEWERS)
def index():
    units = _units()
    wanted = _filter(units)
    # Each row shows its unit and grants: loaded with the page, never row by row.
    statement = account_directory.accounts_statement(current_user, wanted).options(
        joinedload(User.official).joinedload(Official.unit),
        selectinload(User.grants).joinedload(Grant.school), selectinload(User.grants).joinedload(Grant.unit))
    return render_template("core/admin/accounts.html", page=paginate(statement), wanted=wanted, units=units,
                           role_labels=ROLE_LABELS, state_labels=STATE_LABELS, state_of=account_directory.state_of,
                           head_titles=current_app.config["UNIT_HEAD_POSITIONS"])


@bp.get("/export.xlsx")
@roles_required(*VIEWERS)
def export():
    rows = account_directory.export_rows(current_user, _filter(_units()))
    data = table_xlsx(_("Accounts"), [_("Name"), _("Employee code"), _("E-mail"), _("Unit"), _("Roles"),
                                      _("State"), _("Last log-in")],
                      ((name, code, email, unit, _roles_text(grants), str(STATE_LABELS[state]), last_login)
                       for name, code, email, unit, grants, state, last_login in rows))
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="tai-khoan.xlsx")


def _roles_text(grants) -> str:
    return "; ".join(" · ".join(str(part) for part in (ROLE_LABELS[role], school, unit) if part)
                     for role, school, unit in grants)


@bp.post("/switch")
@roles_required(*VIEWERS)
@commits
def switch():
    """Switch the ticked accounts (or every account of the filtered list) off or on; back to the same list."""
    active = request.form.get("action") == "reactivate"
    if request.form.get("everyone"):  # every account of the filtered list, on every page
        chosen = account_directory.accounts_statement(current_user, _filter(_units())).subquery()
        ids = list(db.session.scalars(select(chosen.c.id)))
    else:
        ids = [int(i) for i in request.form.getlist("user_ids") if i.isdigit()]
    if request.form.get("action") == "send_activation":
        sent = activation.send_mails(account_directory.visible_accounts(current_user, ids), issued_by=current_user.id)
        flash(_("Activation links were sent to %(n)s accounts (those awaiting activation that have an e-mail "
                "address); any earlier code of theirs no longer works. Officials without e-mail get a letter "
                "from their unit's activation page.", n=sent), "success")
        return redirect(url_for("accounts_admin.index", **request.args))
    result = account_directory.set_active(current_user, ids, active)
    if active:
        flash(_("%(n)s accounts are active again.", n=result.changed), "success")
    else:
        flash(_("%(n)s accounts are deactivated; their sessions have ended.", n=result.changed), "success")
    if result.left:
        flash(_("%(n)s accounts belong to officials who have left: they come back through the officials import "
                "(without a leaving date).", n=result.left), "warning")
    return redirect(url_for("accounts_admin.index", **request.args))


@bp.post("/unit-heads")
@roles_required(Role.admin)
@commits
def unit_heads():
    """Make the heads of units (by position, UNIT_HEAD_POSITIONS) managers of their units."""
    within = db.session.get(Unit, request.form.get("unit_id", type=int) or 0)
    heads = unit_managers.heads_of_units(current_app.config["UNIT_HEAD_POSITIONS"], within)
    added = unit_managers.grant_unit_managers(heads)
    audit.record("unit_managers.granted", "unit", within.id if within else "all", data={"granted": added})
    flash(_("%(n)s heads of units are now managers of their units.", n=added), "success")
    return redirect(url_for("accounts_admin.index"))
