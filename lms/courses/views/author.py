"""Authoring: the lecturer's courses, course details and status, folder upload and export, files, lecturers."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.core import activities
from lms.core.db import db
from lms.core.forms import options
from lms.core.i18n import locale_code
from lms.core.models import School, User
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors
from lms.core.vocab import CONTENT_AREAS, TOPICS, area_label, topic_label
from lms.courses.access import editable_courses_condition, is_author, lecturer_school_ids, may_edit_course
from lms.courses.forms import CourseForm, ImportForm, LecturerForm, NewActivityForm, SectionForm, UploadForm
from lms.courses.labels import LEVEL, STATUS
from lms.courses.models import Asset, Course, CourseLecturer, CourseStatus
from lms.courses.services import authoring
from lms.courses.services.exporter import export_zip
from lms.courses.services.folder import FolderRejected
from lms.courses.services.importer import import_course
from lms.courses.views import bp
from lms.courses.views.common import outline


def author_required() -> None:
    if not current_user.is_authenticated or not is_author(current_user):
        abort(403)


def editable(key: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.key == key))
    if course is None:
        abort(404)
    if not may_edit_course(current_user, course):
        abort(403)
    return course


def _school_choices() -> list[tuple[int, str]]:
    statement = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if not current_user.is_admin:
        statement = statement.where(School.id.in_(lecturer_school_ids(current_user) or {0}))
    choices = [(s.id, s.name(locale_code())) for s in db.session.scalars(statement)]
    return options(([(0, "—")] if current_user.is_admin else []) + choices)


def _course_form(course: Course | None = None) -> CourseForm:
    form = CourseForm(obj=course)
    form.content_area.choices = options((code, area_label(code, locale_code())) for code in CONTENT_AREAS)
    form.topics.choices = options((code, topic_label(code, locale_code())) for code in TOPICS)
    form.level.choices = options(LEVEL.items())
    form.school_id.choices = _school_choices()
    if course is not None and request.method == "GET":
        form.level.data = course.level.value
        form.school_id.data = course.school_id or 0
        form.prerequisites.data = ", ".join(course.prerequisites or [])
        form.sources.data = "\n".join(course.sources or [])
        form.min_attendance.data = round(course.min_attendance * 100) if course.min_attendance is not None else None
    return form


def _fields(form: CourseForm) -> authoring.CourseFields:
    return authoring.CourseFields(
        title_vi=form.title_vi.data or "", title_en=form.title_en.data or "", summary_vi=form.summary_vi.data or "",
        summary_en=form.summary_en.data or "", content_area=form.content_area.data, topics=list(form.topics.data or []),
        periods=float(form.periods.data), level=form.level.data, school_id=form.school_id.data or None,
        self_enrol=bool(form.self_enrol.data),
        prerequisites=[k.strip() for k in (form.prerequisites.data or "").split(",") if k.strip()],
        min_attendance=(form.min_attendance.data / 100) if form.min_attendance.data is not None else None,
        sources=(form.sources.data or "").splitlines())


@bp.get("/author", endpoint="authoring")
@login_required
def authoring_index():
    author_required()
    courses = list(db.session.scalars(select(Course).where(editable_courses_condition(current_user))
                                      .order_by(Course.updated_at.desc())))
    return render_template("courses/author/index.html", courses=courses, import_form=ImportForm())


@bp.post("/author/import")
@login_required
@commits
def import_zip():
    author_required()
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a .zip file."), "error")
        return redirect(url_for("courses.authoring"))
    upload = form.file.data
    try:
        report = import_course(stream=upload.stream, name=upload.filename or "upload.zip", user=current_user)
    except FolderRejected as rejected:
        discard_changes()
        courses = list(db.session.scalars(select(Course).where(editable_courses_condition(current_user))))
        return render_template("courses/author/index.html", courses=courses, import_form=form,
                               problems=rejected.problems, upload_name=upload.filename), 422
    flash(_("The course %(key)s was imported (version %(version)s).", key=report.course_key, version=report.version),
          "success")
    for warning in report.warnings:
        flash(f"{warning.file}: {warning.message}", "warning")
    return redirect(url_for("courses.edit_course", key=report.course_key))


@bp.route("/author/new", methods=["GET", "POST"])
@login_required
@commits
def new_course():
    author_required()
    form = _course_form()
    if form.validate_on_submit():
        with flash_domain_errors():
            course = authoring.create_course(current_user, _fields(form), key=form.key.data or "")
            flash(_("The course was created as a draft. Add sections and lessons, then publish it."), "success")
            return redirect(url_for("courses.edit_course", key=course.key))
    return render_template("courses/author/course_form.html", form=form, course=None)


@bp.route("/author/c/<key>", methods=["GET", "POST"])
@login_required
@commits
def edit_course(key: str):
    course = editable(key)
    form = _course_form(course)
    del form.key  # a key never changes: progress and exports depend on it
    if form.validate_on_submit():
        with flash_domain_errors():
            authoring.update_course(current_user, course, _fields(form))
            flash(_("Saved."), "success")
            return redirect(url_for("courses.edit_course", key=key))
    sections = outline(course)
    new_activity = NewActivityForm()
    new_activity.section_id.choices = options((s.id, s.title_vi) for s in sections)
    new_activity.type.choices = options((name, kind.label or name)
                                        for name, kind in sorted(activities.all_types().items()))
    assets = list(db.session.scalars(select(Asset).where(Asset.course_id == course.id).order_by(Asset.path)))
    lecturers = list(db.session.scalars(select(User).join(CourseLecturer, CourseLecturer.user_id == User.id)
                                        .where(CourseLecturer.course_id == course.id).order_by(User.display_name)))
    return render_template("courses/author/course.html", course=course, form=form, sections=sections,
                           section_form=SectionForm(), activity_form=new_activity, upload_form=UploadForm(),
                           lecturer_form=LecturerForm(), assets=assets, lecturers=lecturers)


@bp.post("/author/c/<key>/status")
@login_required
@commits
def course_status(key: str):
    course = editable(key)
    action = request.form.get("action", "")
    with flash_domain_errors():
        if action == "revise":
            authoring.publish_revision(current_user, course)
        elif action in ("draft", "published", "archived"):
            authoring.set_status(current_user, course, CourseStatus(action))
        else:
            abort(400)
        flash(_("The course is now: %(status)s, version %(version)s.",
                status=_status_text(course.status), version=course.version), "success")
    return redirect(url_for("courses.edit_course", key=key))


def _status_text(status: CourseStatus) -> str:
    return str(STATUS[status.value])


@bp.get("/author/c/<key>/export")
@login_required
def export_course_zip(key: str):
    course = editable(key)
    return Response(export_zip(course), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{course.key}-v{course.version}.zip"'})


@bp.post("/author/c/<key>/files")
@login_required
@commits
def upload_file(key: str):
    course = editable(key)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("courses.edit_course", key=key) + "#files")
    with flash_domain_errors():
        asset = authoring.upload_asset(course, form.file.data, current_user.id)
        flash(_("Uploaded as %(path)s. Use this path in lessons to show or link it.", path=asset.path), "success")
    return redirect(url_for("courses.edit_course", key=key) + "#files")


@bp.post("/author/c/<key>/files/delete")
@login_required
@commits
def delete_file(key: str):
    course = editable(key)
    with flash_domain_errors():
        authoring.delete_asset(course, request.form.get("path", ""))
    return redirect(url_for("courses.edit_course", key=key) + "#files")


@bp.post("/author/c/<key>/lecturers")
@login_required
@commits
def add_lecturer(key: str):
    course = editable(key)
    form = LecturerForm()
    if form.validate_on_submit():
        with flash_domain_errors():
            user = authoring.assign_lecturer(course, form.email.data)
            flash(_("%(name)s may now edit this course.", name=user.display_name), "success")
    else:
        flash(_("Give the lecturer's e-mail address."), "error")
    return redirect(url_for("courses.edit_course", key=key) + "#lecturers")


@bp.post("/author/c/<key>/lecturers/<int:user_id>/delete")
@login_required
@commits
def remove_lecturer(key: str, user_id: int):
    course = editable(key)
    authoring.unassign_lecturer(course, user_id)
    return redirect(url_for("courses.edit_course", key=key) + "#lecturers")


from lms.courses.views import author_outline  # noqa: E402,F401  (sections and activities)
