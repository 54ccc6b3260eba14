"""Admin pages of the training record: requirements and API tokens."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.i18n import locale_code
from lms.core.models import Official, Role, Unit, UnitLevel
from lms.core.permissions import roles_required
from lms.core.views.transaction import commits, flash_domain_errors
from lms.core.vocab import KIND_LABELS, area_label
from lms.records import requirements as rq
from lms.records import tokens
from lms.records.dates import local_today
from lms.records.forms import RequirementForm, TokenForm
from lms.records.labels import LEVEL_LABELS
from lms.records.models import ApiToken, Requirement
from lms.records.views import bp


def _unit_choices(blank: str = "—") -> list[tuple[int, str]]:
    locale = locale_code()
    units = db.session.scalars(select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path))
    return [(0, blank)] + [(u.id, f"{'· ' * (u.path.count('/') - 2)}{u.name(locale)} ({u.code})") for u in units]


def _requirement_form(requirement: Requirement | None) -> RequirementForm:
    form = RequirementForm(obj=requirement if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices(_("every unit"))
    form.unit_level.choices = [("", _("any level"))] + [(level.value, str(LEVEL_LABELS[level.value]))
                                                         for level in UnitLevel]
    form.official_kind.choices = [("", _("any kind"))] + [(k, str(label)) for k, label in KIND_LABELS.items()]
    positions = sorted(p for p in db.session.scalars(select(Official.position).distinct()) if p)
    form.position.choices = [("", _("any position"))] + [(p, p) for p in positions]
    if request.method == "GET":
        if requirement is None:
            form.year_from.data = local_today().year
            form.include_subunits.data = True
        else:
            form.unit_id.data = requirement.unit_id or 0
            form.unit_level.data = requirement.unit_level or ""
            form.official_kind.data = requirement.official_kind or ""
            form.position.data = requirement.position or ""
            for area, field in form.area_fields():
                value = (requirement.area_minimums or {}).get(area)
                field.data = Decimal(str(value)) if value else None
    return form


@bp.get("/requirements")
@roles_required(Role.admin)
def requirements_index():
    rows = list(db.session.scalars(select(Requirement).options(joinedload(Requirement.unit))
                                   .order_by(Requirement.active.desc(), Requirement.year_from.desc(), Requirement.id)))
    return render_template("records/requirements.html", requirements=rows, area_label=area_label,
                           level_labels=LEVEL_LABELS, kind_labels=KIND_LABELS)


@bp.route("/requirements/new", methods=["GET", "POST"])
@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def edit_requirement(requirement_id: int | None = None):
    requirement = db.session.get(Requirement, requirement_id) if requirement_id else None
    if requirement_id and requirement is None:
        abort(404)
    form = _requirement_form(requirement)
    if form.validate_on_submit():
        data = rq.RequirementInput(
            name_vi=form.name_vi.data, name_en=form.name_en.data or "", year_from=form.year_from.data,
            year_to=form.year_to.data, unit_id=form.unit_id.data or None, include_subunits=form.include_subunits.data,
            unit_level=form.unit_level.data or None, official_kind=form.official_kind.data or None,
            position=form.position.data or "",
            min_periods=float(form.min_periods.data) if form.min_periods.data is not None else None,
            area_minimums={area: float(field.data) for area, field in form.area_fields() if field.data},
            active=form.active.data, note=form.note.data or "")
        with flash_domain_errors():
            rq.save_requirement(data, requirement, actor_id=current_user.id)
            flash(_("The requirement is saved."), "success")
            return redirect(url_for("records.requirements_index"))
    return render_template("records/requirement_edit.html", form=form, requirement=requirement,
                           area_label=area_label)


@bp.post("/requirements/<int:requirement_id>/switch")
@roles_required(Role.admin)
@commits
def switch_requirement(requirement_id: int):
    requirement = db.session.get(Requirement, requirement_id) or abort(404)
    on = request.form.get("active") == "1"
    with flash_domain_errors():
        rq.set_active(requirement, on, actor_id=current_user.id)
        flash(_("The requirement is now in force.") if on else _("The requirement is switched off."), "success")
    return redirect(url_for("records.requirements_index"))


@bp.post("/requirements/<int:requirement_id>/delete")
@roles_required(Role.admin)
@commits
def delete_requirement(requirement_id: int):
    requirement = db.session.get(Requirement, requirement_id) or abort(404)
    rq.delete_requirement(requirement, actor_id=current_user.id)
    flash(_("The requirement was deleted."), "success")
    return redirect(url_for("records.requirements_index"))


@bp.post("/requirements/example")
@roles_required(Role.admin)
@commits
def add_example_requirement():
    rq.ensure_example(local_today().year, actor_id=current_user.id)
    return redirect(url_for("records.requirements_index"))


# --- API tokens ---------------------------------------------------------------------------------------

@bp.route("/api-tokens", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def api_tokens():
    form = TokenForm()
    form.unit_id.choices = _unit_choices()
    new_token = None
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data or 0)
        with flash_domain_errors():
            if unit is None:
                raise DomainError(_("Choose the unit the token may see."))
            _row, new_token = tokens.create_token(form.name.data, unit, actor_id=current_user.id)
            form = TokenForm(formdata=None)
            form.unit_id.choices = _unit_choices()
    rows = list(db.session.scalars(select(ApiToken).options(joinedload(ApiToken.unit))
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))
    response = render_template("records/api_tokens.html", form=form, tokens=rows, new_token=new_token)
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/api-tokens/<int:token_id>/revoke")
@roles_required(Role.admin)
@commits
def revoke_api_token(token_id: int):
    row = db.session.get(ApiToken, token_id) or abort(404)
    tokens.revoke_token(row, actor_id=current_user.id)
    flash(_("The token is revoked: systems using it are refused from now on."), "success")
    return redirect(url_for("records.api_tokens"))

