"""Authoring a course's outline: sections, activities, order, and each activity's editor with preview."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from sqlalchemy import select

from lms.core import activities
from lms.core.db import db
from lms.core.forms import options
from lms.core.views.transaction import commits, flash_domain_errors
from lms.courses.forms import ActivityForm, NewActivityForm, SectionForm
from lms.courses.models import Activity, Asset, LessonContent, Section
from lms.courses.services import authoring
from lms.courses.services.content import VIDEO_EXTENSIONS
from lms.courses.types import OWN_TYPES, with_asset_urls
from lms.courses.views import bp
from lms.courses.views.author import editable
from lms.courses.views.common import activity_or_404


def _back(key: str, anchor: str = "outline"):
    return redirect(url_for("courses.edit_course", key=key) + f"#{anchor}")


def _section(course, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.course_id != course.id:
        abort(404)
    return section


def _direction() -> int:
    return -1 if request.form.get("direction") == "up" else 1


@bp.post("/author/c/<key>/sections")
@login_required
@commits
def add_section(key: str):
    course = editable(key)
    form = SectionForm()
    if form.validate_on_submit():
        with flash_domain_errors(duplicate=""):  # quietly: the twin of a double-submitted form got there first
            authoring.add_section(course, form.title_vi.data, form.title_en.data or "")
            db.session.flush()
    else:
        flash(_("Give the section a title."), "error")
    return _back(key)


@bp.post("/author/c/<key>/sections/<int:section_id>")
@login_required
@commits
def rename_section(key: str, section_id: int):
    course = editable(key)
    section = _section(course, section_id)
    form = SectionForm()
    if form.validate_on_submit():
        section.title_vi, section.title_en = form.title_vi.data.strip(), (form.title_en.data or "").strip()
    return _back(key)


@bp.post("/author/c/<key>/sections/<int:section_id>/move")
@login_required
@commits
def move_section(key: str, section_id: int):
    course = editable(key)
    authoring.move_section(_section(course, section_id), _direction())
    return _back(key)


@bp.post("/author/c/<key>/sections/<int:section_id>/delete")
@login_required
@commits
def delete_section(key: str, section_id: int):
    course = editable(key)
    authoring.delete_section(course, _section(course, section_id))
    flash(_("The section and its activities were deleted."), "success")
    return _back(key)


@bp.post("/author/c/<key>/activities")
@login_required
@commits
def add_activity(key: str):
    course = editable(key)
    form = NewActivityForm()
    form.type.choices = options((name, name) for name in activities.all_types())
    if not form.validate_on_submit():
        flash(_("Give the activity a title and a type."), "error")
        return _back(key)
    with flash_domain_errors(duplicate=""):  # quietly: the twin of a double-submitted form got there first
        activity = authoring.add_activity(course, _section(course, form.section_id.data), form.type.data,
                                          form.title_vi.data, form.title_en.data or "", bool(form.required.data))
        db.session.flush()
        return redirect(url_for("courses.edit_activity", key=key, activity_key=activity.key))
    return _back(key)


@bp.post("/author/c/<key>/a/<activity_key>/move")
@login_required
@commits
def move_activity(key: str, activity_key: str):
    course = editable(key)
    authoring.move_activity(activity_or_404(course, activity_key), _direction())
    return _back(key)


@bp.post("/author/c/<key>/a/<activity_key>/delete")
@login_required
@commits
def delete_activity(key: str, activity_key: str):
    course = editable(key)
    authoring.delete_activity(course, activity_or_404(course, activity_key))
    flash(_("The activity was deleted."), "success")
    return _back(key)


def _activity_form(course, activity: Activity, content: LessonContent | None) -> ActivityForm:
    form = ActivityForm(obj=activity)
    paths = list(db.session.scalars(select(Asset.path).where(Asset.course_id == course.id).order_by(Asset.path)))
    if activity.type == "video":
        paths = [p for p in paths if "." + p.rsplit(".", 1)[-1].lower() in VIDEO_EXTENSIONS]
    form.asset_path.choices = options([("", "—")] + [(p, p) for p in paths])
    kind = activities.get(activity.type)
    if activity.type not in OWN_TYPES and kind is not None:
        form.ref.choices = options([("", "—")] + [(str(r), label)
                                                  for r, label in kind.choices(course.id, course.school_id)])
    if request.method == "GET":
        if content is not None:
            form.format.data = content.format or "markdown"
            form.body_vi.data, form.body_en.data = content.source_vi, content.source_en
            form.asset_path.data, form.url.data = content.asset_path, content.url
        form.manual.data = (activity.settings or {}).get("completion") == "manual"
        form.percent.data = (activity.settings or {}).get("complete_at_percent", 80)
        form.ref.data = activity.ref
    return form


def _save(course, activity: Activity, form: ActivityForm) -> list:
    authoring.update_activity(course, activity, title_vi=form.title_vi.data, title_en=form.title_en.data or "",
                              required=bool(form.required.data))
    if activity.type == "page":
        return authoring.save_page(course, activity, fmt=form.format.data, source_vi=form.body_vi.data or "",
                                   source_en=form.body_en.data or "", manual=bool(form.manual.data))
    if activity.type == "file":
        authoring.save_file_activity(activity, form.asset_path.data or "")
    elif activity.type == "video":
        authoring.save_video(activity, url=form.url.data or "", asset_path=form.asset_path.data or "",
                             percent=form.percent.data or 80)
    elif activity.type == "link":
        authoring.save_link(activity, form.url.data or "")
    elif form.ref.data:
        authoring.save_foreign_ref(course, activity, form.ref.data)
    return []


@bp.route("/author/c/<key>/a/<activity_key>", methods=["GET", "POST"])
@login_required
@commits
def edit_activity(key: str, activity_key: str):
    course = editable(key)
    activity = activity_or_404(course, activity_key)
    content = (db.session.get(LessonContent, int(activity.ref))
               if activity.type in OWN_TYPES and activity.ref.isdigit() else None)
    form = _activity_form(course, activity, content)
    preview, removed = None, []
    if form.validate_on_submit():
        if request.form.get("action") == "preview" and activity.type == "page":
            stored, removed = authoring.preview_page(course, form.format.data, form.body_vi.data or "")
            preview = Markup(with_asset_urls(stored, course.key))
        else:
            with flash_domain_errors():
                removed = _save(course, activity, form)
                flash(_("Saved."), "success")
                for problem in removed:
                    flash(str(problem.message), "warning")
                return redirect(url_for("courses.edit_activity", key=key, activity_key=activity_key))
    kind = activities.get(activity.type)
    return render_template("courses/author/activity.html", course=course, activity=activity, form=form,
                           content=content, preview=preview, removed=removed, kind=kind)


@bp.post("/author/c/<key>/preview")
@login_required
def preview(key: str):
    """Live preview for the editor's script: the sanitised HTML, exactly as learners will get it."""
    course = editable(key)
    data = request.get_json(silent=True) or {}
    stored, removed = authoring.preview_page(course, "html" if data.get("format") == "html" else "markdown",
                                             str(data.get("text", ""))[:500_000])
    return jsonify({"html": with_asset_urls(stored, course.key), "removed": [str(p.message) for p in removed]})
