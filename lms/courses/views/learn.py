"""Learning: the catalogue, a course, a lesson, My learning, and what learners open, watch and follow."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import String, cast, select
from sqlalchemy.orm import joinedload

from lms.core import activities
from lms.core.db import db
from lms.core.models import StoredFile
from lms.core.search import contains
from lms.core.text import fold
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits, flash_domain_errors
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.courses.access import may_edit_course
from lms.courses.labels import LEVEL
from lms.courses.models import Asset, Course, CourseClass, CourseStatus, Enrolment, EnrolmentStatus, LessonContent
from lms.courses.services import progress
from lms.courses.services.content import INLINE_TYPES
from lms.courses.services.enrolment import find_enrolment, self_enrol
from lms.courses.views import bp
from lms.courses.views.common import (
    activity_or_404,
    course_or_404,
    info,
    learner_access,
    learner_snapshot,
    outline,
    send_stored,
    visible_to,
)

MANUAL = "manual"


@bp.get("/")
@login_required
def catalogue():
    q, area, topic, level = (request.args.get(k, "") for k in ("q", "area", "topic", "level"))
    statement = select(Course).options(joinedload(Course.school)).where(Course.status == CourseStatus.published)
    if fold(q):
        statement = statement.where(contains(Course.search_text, fold(q)))
    if area in CONTENT_AREAS:
        statement = statement.where(Course.content_area == area)
    if level in LEVEL:
        statement = statement.where(Course.level.in_([level, "all"]))
    if topic in TOPICS:  # a vocabulary key, quoted, inside the JSON list's text (its "_" matched literally)
        statement = statement.where(contains(cast(Course.topics, String), f'"{topic}"'))
    page = paginate(statement.order_by(Course.title_vi, Course.id), per_page=24)
    mine = {}
    if page.items:
        mine = {e.course_id: e for e in db.session.scalars(select(Enrolment).where(
            Enrolment.user_id == current_user.id, Enrolment.course_id.in_([c.id for c in page.items])))}
    return render_template("courses/catalogue.html", page=page, mine=mine, q=q, area=area, topic=topic, level=level)


@bp.get("/my")
@login_required
def my_learning():
    rows = db.session.execute(
        select(Enrolment, Course, CourseClass).join(Course, Course.id == Enrolment.course_id)
        .outerjoin(CourseClass, CourseClass.id == Enrolment.class_id)
        .where(Enrolment.user_id == current_user.id, Enrolment.status == EnrolmentStatus.active)
        .order_by(Enrolment.completed_at.is_not(None), Enrolment.due_on, Enrolment.enrolled_at.desc())).all()
    return render_template("courses/my_learning.html", rows=rows)


@bp.get("/c/<key>")
@login_required
def course(key: str):
    course = course_or_404(key)
    enrolment = find_enrolment(current_user.id, course.id)
    active = enrolment if enrolment is not None and enrolment.status is EnrolmentStatus.active else None
    editor = may_edit_course(current_user, course)
    if not visible_to(course, active, editor):
        abort(404)
    sections = outline(course)
    ids = [a.id for s in sections for a in s.activities]
    done = progress.progress_map(current_user.id, ids) if active else {}
    prerequisites = list(db.session.scalars(select(Course).where(Course.key.in_(course.prerequisites or []))))
    can_enrol = course.status is CourseStatus.published and course.self_enrol and active is None
    return render_template("courses/course.html", course=course, sections=sections, enrolment=active, done=done,
                           editor=editor, can_enrol=can_enrol, prerequisites=prerequisites)


@bp.post("/c/<key>/enrol")
@login_required
@commits
def enrol(key: str):
    course = course_or_404(key)
    with flash_domain_errors():
        self_enrol(current_user, course)
        flash(_("You are enrolled. Good luck!"), "success")
        return redirect(url_for("courses.resume", key=key))
    return redirect(url_for("courses.course", key=key))


@bp.get("/c/<key>/resume")
@login_required
def resume(key: str):
    """Where the learner left off: the last activity opened, else the first one not yet complete."""
    course = course_or_404(key)
    enrolment, _editor = learner_access(course)
    sections = outline(course)
    ordered = [a for s in sections for a in s.activities]
    if not ordered:
        return redirect(url_for("courses.course", key=key))
    target = next((a for a in ordered if enrolment and a.id == enrolment.last_activity_id), None)
    if target is None:
        done = progress.progress_map(current_user.id, [a.id for a in ordered]) if enrolment else {}
        target = next((a for a in ordered if a.id not in done or done[a.id].completed_at is None), ordered[0])
    return redirect(url_for("courses.lesson", key=key, activity_key=target.key))


def _completes_on_view(activity) -> bool:
    return activity.type == "page" and (activity.settings or {}).get("completion") != MANUAL


@bp.get("/c/<key>/a/<activity_key>")
@login_required
@commits
def lesson(key: str, activity_key: str):
    # The outline and contents come from the process's snapshot of the course: besides the user and the
    # header, a lesson costs one query for the course and enrolment and one for the learner's progress.
    snapshot, enrolment, editor = learner_snapshot(key)
    course, ordered = snapshot.course, snapshot.ordered
    index = snapshot.index_of(activity_key)
    if index is None or not visible_to(course, enrolment, editor):
        abort(404)
    activity = ordered[index]
    completed = progress.completed_ids(current_user.id, [a.id for a in ordered]) if enrolment else set()
    if enrolment is not None:
        # A first view of a page completes it (flushed now: the page shows the new progress); where the
        # learner is goes in after the page is rendered, and a repeat view within minutes writes nothing.
        # The one commit comes after the rendering, so nothing read is expired and read again.
        if _completes_on_view(activity) and activity.id not in completed:
            activities.report_outcome(current_user.id, activity.type, activity.ref, completed=True)
            db.session.flush()
            completed.add(activity.id)
            enrolment.progress = db.session.scalar(select(Enrolment.progress).where(Enrolment.id == enrolment.id))
        progress.note_position(enrolment.id, enrolment.last_activity_id, enrolment.last_activity_at, activity.id)
    kind = activities.get(activity.type)
    details = info(activity, course)
    body = Markup(kind.render(details, current_user)) if kind else None
    launch = kind.launch_url(details) if kind else None
    return render_template(
        "courses/lesson.html", course=course, activity=activity, sections=snapshot.sections, completed=completed,
        enrolment=enrolment, editor=editor, body=body, launch=launch, kind=kind,
        previous=ordered[index - 1] if index > 0 else None,
        following=ordered[index + 1] if index + 1 < len(ordered) else None,
        manual=_manual_done(activity, snapshot), percent_needed=_percent_needed(activity))


def _manual_done(activity, snapshot=None) -> bool:
    """Pages set to "mark as done", and embedded videos (their playback cannot be followed)."""
    if activity.type == "page":
        return (activity.settings or {}).get("completion") == MANUAL
    if activity.type == "video":
        if not activity.ref.isdigit():
            return False
        content = (snapshot.contents.get(int(activity.ref)) if snapshot is not None
                   else db.session.get(LessonContent, int(activity.ref)))
        return content is not None and bool(content.url)
    return False


def _percent_needed(activity) -> float:
    value = (activity.settings or {}).get("complete_at_percent", current_app.config["COURSES_VIDEO_DEFAULT_PERCENT"])
    return float(value)


@bp.post("/c/<key>/a/<activity_key>/done")
@login_required
@commits
def mark_done(key: str, activity_key: str):
    course = course_or_404(key)
    activity = activity_or_404(course, activity_key)
    enrolment, _editor = learner_access(course)
    if enrolment is None or not _manual_done(activity):
        abort(400)
    activities.report_outcome(current_user.id, activity.type, activity.ref, completed=True)
    flash(_("Marked as done."), "success")
    return redirect(url_for("courses.lesson", key=key, activity_key=activity_key))


def _own_content(course, activity, kind: str) -> LessonContent:
    if activity.type != kind or not activity.ref.isdigit():
        abort(404)
    content = db.session.get(LessonContent, int(activity.ref))
    if content is None or content.course_id != course.id:
        abort(404)
    return content


def _asset(course, path: str) -> Asset:
    asset = db.session.scalar(select(Asset).where(Asset.course_id == course.id, Asset.path == path))
    return asset or abort(404)


@bp.get("/c/<key>/a/<activity_key>/file")
@login_required
@commits
def open_file(key: str, activity_key: str):
    """Open (inline) or download a file activity; either completes it."""
    course = course_or_404(key)
    activity = activity_or_404(course, activity_key)
    enrolment, _editor = learner_access(course)
    content = _own_content(course, activity, "file")
    asset = _asset(course, content.asset_path)
    if enrolment is not None:
        activities.report_outcome(current_user.id, "file", activity.ref, completed=True)
        progress.touch(enrolment, activity.id)
    stored = db.session.get(StoredFile, asset.file_id)
    inline = request.args.get("inline") == "1" and stored.content_type in INLINE_TYPES
    return send_stored(asset.file_id, inline=inline)


@bp.get("/c/<key>/a/<activity_key>/stream")
@login_required
def stream_video(key: str, activity_key: str):
    """An uploaded video, served with HTTP range requests (seeking, resuming on a phone)."""
    course = course_or_404(key)
    activity = activity_or_404(course, activity_key)
    learner_access(course)
    content = _own_content(course, activity, "video")
    if not content.asset_path:
        abort(404)
    return send_stored(_asset(course, content.asset_path).file_id, inline=True)


@bp.post("/c/<key>/a/<activity_key>/watched")
@login_required
@commits
def video_watched(key: str, activity_key: str):
    """The player reports how much of the video has been watched (played ranges, not the position)."""
    course = course_or_404(key)
    activity = activity_or_404(course, activity_key)
    enrolment, _editor = learner_access(course)
    if activity.type != "video":
        abort(404)
    data = request.get_json(silent=True) or {}
    try:
        percent = max(0.0, min(100.0, float(data.get("percent", 0))))
    except (TypeError, ValueError):
        abort(400)
    if enrolment is None:
        return jsonify({"percent": percent, "completed": False})
    row = progress.record(activity, current_user.id, percent=percent, opened=True)
    if row.percent >= _percent_needed(activity) and row.completed_at is None:
        activities.report_outcome(current_user.id, "video", activity.ref, completed=True)
    progress.touch(enrolment, activity.id)
    return jsonify({"percent": row.percent, "completed": row.completed_at is not None})


@bp.get("/c/<key>/a/<activity_key>/go")
@login_required
@commits
def follow_link(key: str, activity_key: str):
    course = course_or_404(key)
    activity = activity_or_404(course, activity_key)
    enrolment, _editor = learner_access(course)
    content = _own_content(course, activity, "link")
    if enrolment is not None:
        activities.report_outcome(current_user.id, "link", activity.ref, completed=True)
        progress.touch(enrolment, activity.id)
    response = redirect(content.url)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/c/<key>/assets/<path:path>")
@login_required
def asset(key: str, path: str):
    """A course file named in a lesson (images, attachments)."""
    course = course_or_404(key)
    enrolment, editor = learner_access(course)
    if not visible_to(course, enrolment, editor):
        abort(404)
    found = _asset(course, path)
    stored = db.session.get(StoredFile, found.file_id)
    return send_stored(found.file_id, inline=stored.content_type in INLINE_TYPES)
