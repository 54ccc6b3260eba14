"""Units, officials and the bulk import page."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.core import audit
from lms.core.db import db
from lms.core.forms import options
from lms.core.models import Official, OfficialKind, Role, Unit, UnitLevel
from lms.core.permissions import may_see_official, official_visibility, roles_required, unit_visibility
from lms.core.services import official_accounts, official_import, org, org_import, role_import
from lms.core.services.tabular import FileUnreadable
from lms.core.text import nfc
from lms.core.views.forms import ImportForm, MergeForm, OfficialForm, OfficialImportForm, UnitForm
from lms.core.views.pagination import paginate
from lms.core.views.saving import save_with_audit
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors
from lms.core.vocab import KIND_LABELS

bp = Blueprint("org", __name__, url_prefix="/org")

POLITICAL_THEORY_LABELS = {"elementary": _l("Elementary"), "intermediate": _l("Intermediate"),
                           "advanced": _l("Advanced")}
LEVEL_LABELS = {"central": "Trung ương / Central", "province": "Tỉnh / Province", "commune": "Xã / Commune",
                "district": "Huyện (trước 2025) / District (before 2025)"}


@bp.get("/units")
@roles_required(Role.admin, Role.unit_manager)
def units():
    q = request.args.get("q", "")
    statement = select(Unit).where(unit_visibility(current_user)).order_by(Unit.path)
    condition = org.search_units_condition(q)
    if condition is not None:
        statement = statement.where(condition)
    return render_template("core/org/units.html", page=paginate(statement, per_page=200), q=q)


def _unit_choices(exclude: Unit | None = None):
    statement = select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path)
    return options([(0, "—")] + [(u.id, f"{'· ' * (u.path.count('/') - 2)}{u.name_vi} ({u.code})")
                                 for u in db.session.scalars(statement) if not exclude or u.id != exclude.id])


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def edit_unit(unit_id: int | None = None):
    unit = db.session.get(Unit, unit_id) if unit_id else Unit(path="/")
    if unit is None:
        abort(404)
    form = UnitForm(obj=unit)
    form.level.choices = options((level.value, LEVEL_LABELS[level.value]) for level in UnitLevel)
    form.parent_id.choices = _unit_choices(unit if unit_id else None)
    if request.method == "GET":
        form.level.data = unit.level.value if unit.level else UnitLevel.commune.value
        form.parent_id.data = unit.parent_id or 0
    merge_form = MergeForm(prefix="merge")
    merge_form.successor_id.choices = _unit_choices(unit)
    if form.validate_on_submit():
        with flash_domain_errors(duplicate=_("Another unit already has that code.")):
            unit.code = form.code.data.strip()
            unit.name_vi, unit.name_en = nfc(form.name_vi.data), nfc(form.name_en.data)
            unit.level, unit.kind = UnitLevel(form.level.data), (form.kind.data or "").strip()
            unit.valid_from, unit.valid_to = form.valid_from.data, form.valid_to.data
            if unit.id is None:
                db.session.add(unit)
                db.session.flush()
            parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
            org.set_parent(unit, parent)
            audit.record("unit.saved", "unit", unit.id)
            db.session.flush()  # a code already taken fails here, where it can be told, not in the commit
            flash(_("Saved."), "success")
            return redirect(url_for("org.units"))
    return render_template("core/org/unit.html", form=form, unit=unit, merge_form=merge_form)


@bp.post("/units/<int:unit_id>/merge")
@roles_required(Role.admin)
@commits
def merge_unit(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = MergeForm(prefix="merge")
    form.successor_id.choices = _unit_choices(unit)
    successor = db.session.get(Unit, form.successor_id.data or 0) if form.validate_on_submit() else None
    if successor is None:
        flash(_("Choose the unit to merge into and the date."), "error")
        return redirect(url_for("org.edit_unit", unit_id=unit_id))
    with flash_domain_errors():
        org.merge_units([unit], successor, form.effective_on.data)
        flash(_("The unit was merged; its officials now belong to %(name)s.", name=successor.name_vi), "success")
    return redirect(url_for("org.units"))


@bp.get("/officials")
@roles_required(Role.admin, Role.unit_manager)
def officials():
    q = request.args.get("q", "")
    statement = (select(Official).where(official_visibility(current_user))
                 .join(Unit, Official.unit_id == Unit.id).order_by(Official.name_folded))
    condition = org.search_officials_condition(q)
    if condition is not None:
        statement = statement.where(condition)
    page = paginate(statement)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({o.unit_id for o in page.items})))}
    return render_template("core/org/officials.html", page=page, q=q, units=units)


@bp.get("/officials/<int:official_id>")
@login_required
def official(official_id: int):
    person = db.session.get(Official, official_id)
    if person is None or not may_see_official(current_user, person):
        abort(404)
    return render_template("core/org/official.html", official=person, pt_labels=POLITICAL_THEORY_LABELS)


@bp.route("/officials/new", methods=["GET", "POST"])
@bp.route("/officials/<int:official_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def edit_official(official_id: int | None = None):
    person = db.session.get(Official, official_id) if official_id else Official()
    if person is None:
        abort(404)
    form = OfficialForm(obj=person)
    form.unit_id.choices = _unit_choices()[1:]
    form.kind.choices = options((k.value, KIND_LABELS[k.value]) for k in OfficialKind)
    if request.method == "GET" and person.kind:
        form.kind.data = person.kind.value
    if form.validate_on_submit():
        form.populate_obj(person)
        person.employee_code = person.employee_code.strip()
        person.full_name = nfc(person.full_name)
        person.kind = OfficialKind(form.kind.data)
        person.email = (form.email.data or "").strip() or None
        if save_with_audit(person, "official.saved", "official", _("Another official already has that employee code."),
                           then=official_accounts.keep_account_of):
            return redirect(url_for("org.official", official_id=person.id))
    return render_template("core/org/official_edit.html", form=form, official=person)


IMPORTERS = {"officials": (official_import.import_officials, OfficialImportForm),
             "units": (org_import.import_units, ImportForm),
             "roles": (role_import.import_roles, ImportForm)}


@bp.route("/import/<kind>", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def import_file(kind: str):
    """Upload, see the report; a file with problems changes nothing until the user picks 'valid rows'."""
    importer, form_class = IMPORTERS.get(kind) or abort(404)
    form = form_class()
    report = None
    pending_key = f"import-{kind}"
    if request.method == "POST" and request.form.get("action") == "valid-only" and session.get(pending_key):
        data, filename, options = _load_pending(session[pending_key])
        report = _run_import(importer, data, filename, valid_only=True, **options)
        session.pop(pending_key, None)
    elif form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        options = {name: form[name].data for name in ("full", "mail_activation") if name in form}
        report = _run_import(importer, data, upload.filename or "upload", **options)
        if report is not None and not report.applied and report.total > report.skipped:
            session[pending_key] = _store_pending(data, upload.filename or "upload", options)
    return render_template("core/org/import.html", form=form, report=report, kind=kind)


def _run_import(importer, data: bytes, filename: str, valid_only: bool = False, **options):
    try:
        report = importer(io.BytesIO(data), filename, valid_only=valid_only, actor_id=current_user.id, **options)
    except FileUnreadable as problem:
        discard_changes()
        flash(str(problem), "error")
        return None
    if report.applied:
        flash(_("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(skipped)s skipped.",
                created=report.created, updated=report.updated, unchanged=report.unchanged,
                skipped=report.skipped), "success")
        if getattr(report, "activation_mails", 0):
            flash(_("%(n)s activation e-mails are on their way.", n=report.activation_mails), "success")
    else:
        discard_changes()  # all or nothing: a file with problems changes nothing
    return report


def _store_pending(data: bytes, filename: str, options: dict) -> dict:
    """Keep the uploaded file until the user decides; it lives in storage, not in the cookie."""
    from lms.core import storage
    stored = storage.save_bytes(data, filename, "application/octet-stream", uploaded_by=current_user.id)
    return {"file_id": stored.id, "filename": filename, "options": options}


def _load_pending(pending: dict) -> tuple[bytes, str, dict]:
    from lms.core import storage
    from lms.core.models import StoredFile
    stored = db.session.get(StoredFile, pending["file_id"])
    if stored is None or stored.uploaded_by != current_user.id:
        abort(400)
    with storage.open_file(stored) as handle:
        return handle.read(), pending["filename"], pending.get("options", {})
