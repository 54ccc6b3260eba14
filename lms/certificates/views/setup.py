"""School admins set up issuing: certificate templates (with a preview) and rules per course or class."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.certificates.forms import RuleForm, TemplateForm
from lms.certificates.models import (
    DEFAULT_SERIAL_FORMAT,
    NATIONAL_HEADING,
    NATIONAL_MOTTO,
    CertificateKind,
    CertificateRule,
    CertificateTemplate,
)
from lms.certificates.pdf import render
from lms.certificates.services import setup
from lms.certificates.services.eligibility import require_catalog
from lms.certificates.views import bp
from lms.certificates.vocabulary import KIND_LABELS, ORIENTATION_LABELS, area_name
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Role, School
from lms.core.permissions import may_run_school, roles_required
from lms.core.views.transaction import commits, flash_domain_errors

DEFAULT_WORDING = {
    CertificateKind.completion: ("GIẤY CHỨNG NHẬN", "HOÀN THÀNH KHÓA BỒI DƯỠNG", "Đã hoàn thành khóa bồi dưỡng"),
    CertificateKind.program: ("CHỨNG CHỈ", "", "Đã hoàn thành chương trình bồi dưỡng"),
}


def _school_from_request() -> School:
    schools = setup.schools_for(current_user)
    wanted = request.args.get("school", type=int)
    school = next((s for s in schools if s.id == wanted), schools[0] if schools and wanted is None else None)
    if school is None:
        abort(404)
    return school


def _school_of(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None or not may_run_school(current_user, school.id):
        abort(404)
    return school


@bp.get("/templates")
@roles_required(Role.school_admin)
def templates():
    schools = setup.schools_for(current_user)
    items = list(db.session.scalars(select(CertificateTemplate).where(
        CertificateTemplate.school_id.in_([s.id for s in schools] or [0]))
        .order_by(CertificateTemplate.school_id, CertificateTemplate.name)))
    return render_template("certificates/templates.html", schools=schools, templates=items,
                           missing=setup.missing_images(items), kind_labels=KIND_LABELS,
                           orientation_labels=ORIENTATION_LABELS)


@bp.route("/templates/new", methods=["GET", "POST"])
@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@roles_required(Role.school_admin)
@commits
def edit_template(template_id: int | None = None):
    if template_id:
        template = db.session.get(CertificateTemplate, template_id) or abort(404)
        school = _school_of(template.school_id)
    else:
        school = _school_from_request()
        template = CertificateTemplate(school_id=school.id)
    form = TemplateForm(obj=template if template_id else None)
    if request.method == "GET" and not template_id:
        kind = CertificateKind.completion
        form.title.data, form.subtitle.data, form.body.data = DEFAULT_WORDING[kind]
        form.national_heading.data, form.national_motto.data = NATIONAL_HEADING, NATIONAL_MOTTO
        form.serial_format.data = DEFAULT_SERIAL_FORMAT
    elif request.method == "GET":
        form.kind.data, form.orientation.data = template.kind.value, template.orientation.value
    if form.validate_on_submit():
        uploads = {name: setup.Upload(getattr(form, name).data.stream, getattr(form, name).data.filename)
                   if getattr(form, name).data else None for name in setup.IMAGE_FIELDS}
        remove = {name for name in setup.IMAGE_FIELDS if getattr(form, f"remove_{name}").data}
        fields = {name: getattr(form, name).data for name in (
            "name", "kind", "orientation", "national_heading", "national_motto", "title", "subtitle", "body",
            "signer_title", "signer_name", "serial_format", "active")}
        with flash_domain_errors():
            setup.save_template(template, fields=fields, uploads=uploads, remove=remove, actor_id=current_user.id)
            flash(_("The template was saved. Check it with the preview."), "success")
            return redirect(url_for("certificates.edit_template", template_id=template.id))
    missing = setup.missing_images([template]).get(template.id, []) if template.id else []
    return render_template("certificates/template_form.html", form=form, template=template, school=school,
                           missing=missing), 400 if form.errors else 200


@bp.get("/templates/<int:template_id>/preview.pdf")
@roles_required(Role.school_admin)
def preview_template(template_id: int):
    template = db.session.get(CertificateTemplate, template_id) or abort(404)
    school = _school_of(template.school_id)
    try:
        data = render.render_sample(template, school)
    except render.MissingImage as problem:
        flash(str(problem), "error")
        return redirect(url_for("certificates.edit_template", template_id=template.id))
    return data, 200, {"Content-Type": "application/pdf", "Content-Disposition": "inline; filename=preview.pdf",
                       "Cache-Control": "no-store"}


# --- rules -----------------------------------------------------------------------------------------

@bp.get("/rules")
@roles_required(Role.school_admin)
def rules():
    schools = setup.schools_for(current_user)
    items = list(db.session.scalars(select(CertificateRule).where(
        CertificateRule.school_id.in_([s.id for s in schools] or [0])).order_by(CertificateRule.school_id,
                                                                                CertificateRule.course_key)))
    provider = require_catalog_or_none()
    courses = {c.key: c for c in provider.courses(status=None)} if provider else {}
    classes = {r.class_id: provider.class_(r.class_id) for r in items if r.class_id} if provider else {}
    return render_template("certificates/rules.html", schools=schools, rules=items, courses=courses, classes=classes,
                           catalog_missing=provider is None, area_name=area_name)


def require_catalog_or_none():
    try:
        return require_catalog()
    except DomainError:
        return None


@bp.route("/rules/new", methods=["GET", "POST"])
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@roles_required(Role.school_admin)
@commits
def edit_rule(rule_id: int | None = None):
    if rule_id:
        rule = db.session.get(CertificateRule, rule_id) or abort(404)
        school = _school_of(rule.school_id)
    else:
        school = _school_from_request()
        rule = CertificateRule(school_id=school.id)
    provider = require_catalog_or_none()
    if provider is None:
        flash(_("No plugin provides the course catalogue, so classes and courses are not known here."), "error")
        return redirect(url_for("certificates.rules"))
    form = RuleForm(obj=rule if rule_id else None)
    courses = provider.courses(school_id=school.id, status=None) or provider.courses(status=None)
    form.course_key.choices = [(c.key, f"{c.title_vi} ({c.key})") for c in courses]
    form.class_id.choices = [(0, _("All classes of the course"))] + [
        (k.id, f"{k.code} – {k.title_vi}") for k in provider.classes(school_id=school.id)]
    templates = list(db.session.scalars(select(CertificateTemplate).where(
        CertificateTemplate.school_id == school.id, CertificateTemplate.active.is_(True))))
    form.template_id.choices = [(t.id, t.name) for t in templates]
    if request.method == "GET" and rule_id:
        form.class_id.data = rule.class_id or 0
        form.min_final_score.data = None if rule.min_final_score is None else round(rule.min_final_score * 100)
        form.min_attendance.data = None if rule.min_attendance is None else round(rule.min_attendance * 100)
        form.expiry_base.data = rule.expiry_base.value
    elif request.method == "GET":
        form.course_key.data = request.args.get("course_key") or form.course_key.data
        form.class_id.data = request.args.get("class_id", 0, type=int)
    if not templates:
        flash(_("Make a certificate template for this school first."), "warning")
    if form.validate_on_submit():
        data = setup.RuleInput(
            course_key=form.course_key.data, class_id=form.class_id.data or None, template_id=form.template_id.data,
            min_final_score=None if form.min_final_score.data is None else form.min_final_score.data / 100,
            min_attendance=None if form.min_attendance.data is None else form.min_attendance.data / 100,
            validity_months=form.validity_months.data, renewal_window_days=form.renewal_window_days.data or 0,
            expiry_base=form.expiry_base.data, periods=float(form.periods.data) if form.periods.data else None,
            content_area=form.content_area.data or "", auto_issue=form.auto_issue.data, active=form.active.data)
        with flash_domain_errors():
            setup.save_rule(rule, school, data, actor_id=current_user.id)
            flash(_("The rule was saved."), "success")
            return redirect(url_for("certificates.rules"))
    return render_template("certificates/rule_form.html", form=form, rule=rule, school=school), \
        400 if form.errors else 200
