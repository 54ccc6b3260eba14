"""Admin pages: users and their grants, training schools."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from lms.core import audit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.forms import options
from lms.core.models import Grant, Role, School, Unit, User
from lms.core.permissions import grant, roles_required
from lms.core.plugins import enabled_plugins
from lms.core.search import bounded, contains
from lms.core.services.accounts import set_new_password
from lms.core.text import nfc
from lms.core.views.forms import GrantForm, SchoolForm, UserForm
from lms.core.views.pagination import paginate
from lms.core.views.saving import save_with_audit
from lms.core.views.transaction import commits, flash_domain_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_LABELS = {
    Role.lecturer: _l("Lecturer"), Role.school_admin: _l("School administrator"),
    Role.unit_manager: _l("Unit manager"), Role.admin: _l("Administrator"), Role.official: _l("Official"),
}


@bp.get("/users")
@roles_required(Role.admin)
def users():
    q = bounded(request.args.get("q"))
    # Each row shows the user's grants with their school or unit: load them with the page, not row by row.
    statement = select(User).options(selectinload(User.grants).joinedload(Grant.school),
                                     selectinload(User.grants).joinedload(Grant.unit)).order_by(User.display_name)
    if q:
        statement = statement.where(or_(contains(User.display_name, q, ignore_case=True),
                                        contains(User.email, q, ignore_case=True),
                                        contains(User.login_code, q, ignore_case=True)))
    return render_template("core/admin/users.html", page=paginate(statement), q=q, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def edit_user(user_id: int | None = None):
    user = db.session.get(User, user_id) if user_id else User(active=True)
    if user is None:
        abort(404)
    form = UserForm(obj=user)
    grant_form = _grant_form()
    if form.validate_on_submit():
        with flash_domain_errors(duplicate=_("That e-mail or employee code is already used by another account.")):
            form.populate_obj(user)
            user.display_name = nfc(user.display_name)
            user.email = (form.email.data or "").strip().lower() or None
            user.login_code = (form.login_code.data or "").strip() or None
            if not user.email and not user.login_code:
                raise DomainError(_l("Give an e-mail or an employee code to log in with."))
            if form.password.data:  # the account's sessions end: whoever knew the old one is out
                set_new_password(user, form.password.data, form.password.data)
            if user.id is None:
                db.session.add(user)
            db.session.flush()
            audit.record("user.saved", "user", user.id)
            flash(_("Saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("core/admin/user.html", user=user, form=form, grant_form=grant_form,
                           role_labels=ROLE_LABELS)


def _grant_form() -> GrantForm:
    form = GrantForm(prefix="grant")
    form.role.choices = options((r.value, ROLE_LABELS[r]) for r in Role if r is not Role.official)
    form.school_id.choices = options([(0, "—")] + [(s.id, s.name_vi) for s in db.session.scalars(
        select(School).order_by(School.name_vi))])
    form.unit_id.choices = options([(0, "—")] + [(u.id, f"{u.name_vi} ({u.code})") for u in db.session.scalars(
        select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path))])
    return form


@bp.post("/users/<int:user_id>/grants")
@roles_required(Role.admin)
@commits
def add_grant(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _grant_form()
    if not form.validate_on_submit():
        abort(400)
    role = Role(form.role.data)
    school_id = form.school_id.data or None
    unit_id = form.unit_id.data or None
    if role in (Role.school_admin,) and not school_id:
        flash(_("A school administrator needs a school."), "error")
    elif role is Role.unit_manager and not unit_id:
        flash(_("A unit manager needs a unit."), "error")
    else:
        new = grant(user, role, school_id=school_id if role in (Role.school_admin, Role.lecturer) else None,
                    unit_id=unit_id if role is Role.unit_manager else None)
        db.session.flush()
        audit.record("grant.added", "user", user.id, data={"role": role.value, "grant_id": new.id})
        flash(_("Role granted."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/grants/<int:grant_id>/delete")
@roles_required(Role.admin)
@commits
def remove_grant(user_id: int, grant_id: int):
    found = db.session.get(Grant, grant_id)
    if found is None or found.user_id != user_id:
        abort(404)
    audit.record("grant.removed", "user", user_id, data={"role": found.role.value})
    db.session.delete(found)
    flash(_("Role removed."), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.get("/schools")
@roles_required(Role.admin)
def schools():
    rows = db.session.execute(select(School, Unit.name_vi).join(Unit, School.unit_id == Unit.id)
                              .order_by(School.name_vi)).all()
    return render_template("core/admin/schools.html", rows=rows)


@bp.route("/schools/new", methods=["GET", "POST"])
@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@roles_required(Role.admin)
@commits
def edit_school(school_id: int | None = None):
    school = db.session.get(School, school_id) if school_id else School()
    if school is None:
        abort(404)
    form = SchoolForm(obj=school)
    form.unit_id.choices = options((u.id, f"{u.name_vi} ({u.code})") for u in db.session.scalars(
        select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path)))
    if form.validate_on_submit():
        form.populate_obj(school)
        for field in ("name_vi", "name_en", "place", "signer_title", "signer_name", "governing_body"):
            setattr(school, field, nfc(getattr(school, field) or ""))
        if save_with_audit(school, "school.saved", "school", _("Another school already has that code.")):
            return redirect(url_for("admin.schools"))
    return render_template("core/admin/school.html", form=form, school=school)


@bp.get("/")
@roles_required(Role.admin)
def index():
    counts = {"users": db.session.scalar(select(func.count(User.id))),
              "schools": db.session.scalar(select(func.count(School.id))),
              "units": db.session.scalar(select(func.count(Unit.id)))}
    # A plugin adds its entries with a template templates/<plugin>/_admin_cards.html; the core names none.
    plugin_cards = [f"{name}/_admin_cards.html" for name in enabled_plugins()]
    return render_template("core/admin/index.html", counts=counts, plugin_cards=plugin_cards)
