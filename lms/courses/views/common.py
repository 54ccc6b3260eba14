"""What the plugin's pages share: loading a course, its outline, and the facts handed to activity types."""
from __future__ import annotations

from types import SimpleNamespace

from flask import abort, g, redirect, send_file
from flask_login import current_user
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from lms.core import storage, untrusted
from lms.core.activities import ActivityInfo
from lms.core.db import db
from lms.core.i18n import pick
from lms.core.models import StoredFile
from lms.courses.access import may_edit_course
from lms.courses.models import Activity, Course, CourseStatus, Enrolment, EnrolmentStatus, Section
from lms.courses.services import snapshot as snapshots
from lms.courses.services.enrolment import find_enrolment


def course_or_404(key: str) -> Course:
    course = db.session.scalar(select(Course).options(joinedload(Course.school)).where(Course.key == key))
    if course is None:
        abort(404)
    return course


def outline(course: Course) -> list[Section]:
    """Sections with their activities, in order: two queries whatever their number."""
    return list(db.session.scalars(select(Section).options(selectinload(Section.activities))
                                   .where(Section.course_id == course.id).order_by(Section.position)))


def activity_or_404(course: Course, key: str) -> Activity:
    activity = db.session.scalar(select(Activity).where(Activity.course_id == course.id, Activity.key == key))
    if activity is None:
        abort(404)
    return activity


def info(activity: Activity, course: Course) -> ActivityInfo:
    return ActivityInfo(id=activity.id, course_id=course.id, course_key=course.key, school_id=course.school_id,
                        key=activity.key, type=activity.type, ref=activity.ref, title=pick(activity, "title"),
                        settings=dict(activity.settings or {}))


def learner_access(course: Course) -> tuple[Enrolment | None, bool]:
    """(active enrolment, may edit) for the current user; 404 when they may see neither."""
    enrolment = find_enrolment(current_user.id, course.id)
    if enrolment is not None and enrolment.status is not EnrolmentStatus.active:
        enrolment = None
    editor = may_edit_course(current_user, course)
    if enrolment is None and not editor:
        abort(404 if course.status is CourseStatus.draft else 403)
    return enrolment, editor


# Statements the busiest pages run are built once, with parameters: SQLAlchemy then computes their cache
# key once, not on every page.
_COURSE_AND_ENROLMENT = (
    select(Course.id, Course.updated_at, Enrolment.id, Enrolment.status, Enrolment.progress,
           Enrolment.last_activity_id, Enrolment.last_activity_at)
    .outerjoin(Enrolment, and_(Enrolment.course_id == Course.id, Enrolment.user_id == bindparam("user_id")))
    .where(Course.key == bindparam("key")))


def learner_snapshot(key: str) -> tuple[snapshots.Snapshot, SimpleNamespace | None, bool]:
    """(the course's snapshot, the current user's active enrolment as plain columns, may edit) in one query
    when this process has the course; 404 when they may see neither. The snapshot goes into `g` so that
    the activity types read their contents from it."""
    row = db.session.execute(_COURSE_AND_ENROLMENT, {"user_id": current_user.id, "key": key}).one_or_none()
    if row is None:
        abort(404)
    snapshot = snapshots.get(row[0], row[1])
    g.course_snapshot = snapshot
    enrolment = None
    if row[2] is not None and row[3] is EnrolmentStatus.active:
        enrolment = SimpleNamespace(id=row[2], progress=row[4], last_activity_id=row[5], last_activity_at=row[6])
    # Whether a learner may also edit only matters (and costs a query) when they are not enrolled.
    editor = enrolment is None and may_edit_course(current_user, snapshot.course)
    if enrolment is None and not editor:
        abort(404 if snapshot.course.status is CourseStatus.draft else 403)
    return snapshot, enrolment, editor


def visible_to(course: Course, enrolment: Enrolment | None, editor: bool) -> bool:
    if editor:
        return True
    if course.status is CourseStatus.draft:
        return False
    return course.status is CourseStatus.published or enrolment is not None


def send_stored(file_id: int, *, inline: bool, download_name: str | None = None):
    """A course file, after the caller's access check. One that could run script (HTML, SVG, XML, anything
    unknown) is opened from /content/ by a token, in an origin of its own; the others carry the sandbox too."""
    stored = db.session.get(StoredFile, file_id) or abort(404)
    if untrusted.script_capable(stored.content_type):
        return redirect(untrusted.content_url(untrusted.FILE, str(stored.id), stored.filename))
    response = send_file(storage.path_for(stored.sha256), mimetype=stored.content_type, conditional=True,
                         as_attachment=not inline, download_name=download_name or stored.filename, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return untrusted.harden(response)
