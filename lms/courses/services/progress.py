"""Progress and completion.

An activity is complete when its type says so (viewed, marked done, file opened, video watched far
enough, or as another plugin's type reports through the core's `report_outcome`). A course is complete
for an enrolment when its rules hold: required activities complete (online and blended classes), enough
attendance (in-person and blended classes), prerequisite courses complete. Completion is recorded once,
by a conditional UPDATE, and only then is `course_completed` sent; each enrolment stores its percentage,
refreshed when something changes rather than recomputed on every page view.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, update

from lms.core import activities, audit, events
from lms.core.db import db, utcnow
from lms.core.models import User
from lms.courses.models import (
    Activity,
    ActivityProgress,
    Attendance,
    AttendanceStatus,
    ClassMode,
    ClassSession,
    Course,
    CourseClass,
    Enrolment,
    EnrolmentStatus,
)
from lms.courses.progress_dates import local_date
from lms.courses.services.rows import insert_if_absent


def progress_row(activity_id: int, user_id: int) -> ActivityProgress:
    """The person's progress on an activity, created on first use (two requests at once make one row)."""
    statement = select(ActivityProgress).where(ActivityProgress.activity_id == activity_id,
                                               ActivityProgress.user_id == user_id)
    row = db.session.scalar(statement)
    if row is None:
        now = utcnow()
        insert_if_absent(ActivityProgress, {"activity_id": activity_id, "user_id": user_id, "percent": 0.0,
                                            "updated_at": now}, ["activity_id", "user_id"])
        row = db.session.scalar(statement)
    return row


def progress_map(user_id: int, activity_ids) -> dict[int, ActivityProgress]:
    ids = list(activity_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(ActivityProgress).where(ActivityProgress.user_id == user_id,
                                                             ActivityProgress.activity_id.in_(ids)))
    return {row.activity_id: row for row in rows}


def record(activity: Activity, user_id: int, *, completed: bool = False, opened: bool = False,
           percent: float | None = None, score: float | None = None, passed: bool | None = None,
           uncomplete: bool = False, at: datetime | None = None) -> ActivityProgress:
    """Write what happened on one activity for one person (idempotent: replays change nothing)."""
    at = at or utcnow()
    row = progress_row(activity.id, user_id)
    if opened and row.opened_at is None:
        row.opened_at = at
    if percent is not None and percent > (row.percent or 0):
        row.percent = min(100.0, float(percent))
    if score is not None:
        row.score = float(score)
    if passed is not None:
        row.passed = passed
    if completed and row.completed_at is None:
        row.completed_at = at
    elif uncomplete and row.completed_at is not None:
        row.completed_at = None
    db.session.flush()
    return row


def after_change(user_id: int, course_ids, *, activity_id: int | None = None) -> None:
    """Refresh the person's enrolments in these courses and complete those whose rules now hold."""
    enrolments = db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == user_id, Enrolment.course_id.in_(set(course_ids)),
        Enrolment.status == EnrolmentStatus.active))
    for enrolment in enrolments:
        if activity_id is not None:
            touch(enrolment, activity_id)
        refresh_enrolment(enrolment)
        evaluate_completion(enrolment)


TOUCH_EVERY = timedelta(minutes=5)


def _was_here(last_activity_id, last_activity_at, activity_id: int, now: datetime) -> bool:
    return last_activity_id == activity_id and last_activity_at is not None and now - last_activity_at < TOUCH_EVERY


def touch(enrolment: Enrolment, activity_id: int) -> bool:
    """Note where the learner is; False (nothing written) when it is where they were minutes ago."""
    now = utcnow()
    if _was_here(enrolment.last_activity_id, enrolment.last_activity_at, activity_id, now):
        return False
    enrolment.last_activity_id = activity_id
    enrolment.last_activity_at = now
    return True


def note_position(enrolment_id: int, last_activity_id, last_activity_at, activity_id: int) -> bool:
    """`touch` for an enrolment read as plain columns: one UPDATE, or nothing when they were just here."""
    now = utcnow()
    if _was_here(last_activity_id, last_activity_at, activity_id, now):
        return False
    db.session.execute(_NOTE_POSITION, {"enrolment_id": enrolment_id, "activity_id": activity_id, "now": now})
    return True


def completed_ids(user_id: int, activity_ids) -> set[int]:
    """Which of these activities the person has completed (one query, plain ids)."""
    ids = list(activity_ids)
    if not ids:
        return set()
    return set(db.session.scalars(_COMPLETED_IDS, {"user_id": user_id, "ids": ids}))


# Run on every outcome (each graded submit) and every lesson page: built once, with parameters (SQLAlchemy
# then computes their cache key once).
_NOTE_POSITION = (update(Enrolment).where(Enrolment.id == bindparam("enrolment_id"))
                  .values(last_activity_id=bindparam("activity_id"), last_activity_at=bindparam("now"))
                  .execution_options(synchronize_session=False))
_ACTIVITIES_OF = select(Activity).where(Activity.type == bindparam("type"), Activity.ref == bindparam("ref"))
_COMPLETED_IDS = select(ActivityProgress.activity_id).where(
    ActivityProgress.user_id == bindparam("user_id"),
    ActivityProgress.activity_id.in_(bindparam("ids", expanding=True)), ActivityProgress.completed_at.is_not(None))


def on_outcome(user_id: int, activity_type: str, activity_ref: str, *, completed: bool,
               score: float | None = None, passed: bool | None = None, uncomplete: bool = False,
               at: datetime | None = None) -> int:
    """Apply an outcome reported for type+ref to every matching activity; returns how many matched."""
    matched = list(db.session.scalars(_ACTIVITIES_OF, {"type": activity_type, "ref": str(activity_ref)}))
    for activity in matched:
        record(activity, user_id, completed=completed, score=score, passed=passed, uncomplete=uncomplete,
               opened=True, at=at)
    if matched:
        after_change(user_id, {a.course_id for a in matched})
    return len(matched)


# --- the numbers ----------------------------------------------------------------------------------

@dataclass
class _CourseShape:
    required_ids: list[int]
    graded_ids: list[int]


def _shape(course_id: int) -> _CourseShape:
    rows = db.session.execute(select(Activity.id, Activity.required, Activity.type)
                              .where(Activity.course_id == course_id)).all()
    required = [r.id for r in rows if r.required] or [r.id for r in rows]
    return _CourseShape(required_ids=required, graded_ids=[r.id for r in rows if activities.is_graded(r.type)])


def attended_statuses() -> tuple[AttendanceStatus, ...]:
    statuses = [AttendanceStatus.present, AttendanceStatus.late]
    if current_app.config["COURSES_EXCUSED_COUNTS_AS_ATTENDED"]:
        statuses.append(AttendanceStatus.excused)
    return tuple(statuses)


def _session_counts(class_ids) -> dict[int, int]:
    ids = {c for c in class_ids if c}
    if not ids:
        return {}
    return dict(db.session.execute(select(ClassSession.class_id, func.count()).where(ClassSession.class_id.in_(ids))
                                   .group_by(ClassSession.class_id)).all())


def _attended_counts(enrolment_ids) -> dict[int, int]:
    ids = list(enrolment_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Attendance.enrolment_id, func.count()).where(
        Attendance.enrolment_id.in_(ids), Attendance.status.in_(attended_statuses()))
        .group_by(Attendance.enrolment_id)).all())


def _mode(course_class: CourseClass | None) -> ClassMode:
    return course_class.mode if course_class is not None else ClassMode.online


def min_attendance(course: Course, course_class: CourseClass | None) -> float:
    for value in (course_class.min_attendance if course_class else None, course.min_attendance):
        if value is not None:
            return value
    return current_app.config["COURSES_DEFAULT_MIN_ATTENDANCE"]


def _fraction(mode: ClassMode, done: int, required: int, attended: int, sessions: int) -> float:
    if mode is ClassMode.in_person:
        parts, total = attended, sessions
    elif mode is ClassMode.blended:
        parts, total = done + attended, required + sessions
    else:
        parts, total = done, required
    return min(1.0, parts / total) if total else 0.0


def _apply_numbers(enrolment: Enrolment, course_class, shape: _CourseShape, done: int, scores: list[float],
                   sessions: int, attended: int) -> None:
    mode = _mode(course_class)
    enrolment.attendance_rate = (attended / sessions) if sessions and mode is not ClassMode.online else None
    enrolment.final_score = sum(scores) / len(scores) if scores else None
    if enrolment.completed_at is None:
        enrolment.progress = _fraction(mode, done, len(shape.required_ids), attended, sessions)


def refresh_enrolment(enrolment: Enrolment) -> None:
    """Recompute one enrolment's stored percentage, attendance rate and score."""
    shape = _shape(enrolment.course_id)
    rows = progress_map(enrolment.user_id, set(shape.required_ids) | set(shape.graded_ids))
    done = sum(1 for i in shape.required_ids if i in rows and rows[i].completed_at is not None)
    scores = [rows[i].score for i in shape.graded_ids if i in rows and rows[i].score is not None]
    course_class = db.session.get(CourseClass, enrolment.class_id) if enrolment.class_id else None
    sessions = _session_counts([enrolment.class_id]).get(enrolment.class_id, 0)
    attended = _attended_counts([enrolment.id]).get(enrolment.id, 0)
    _apply_numbers(enrolment, course_class, shape, done, scores, sessions, attended)
    db.session.flush()


def refresh_course_progress(course: Course, *, class_id: int | None = None) -> None:
    """Recompute every active enrolment of a course (or of one class) in a fixed number of queries,
    then complete those whose rules now hold (after a re-import or a change of attendance)."""
    statement = select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.status == EnrolmentStatus.active)
    if class_id is not None:
        statement = statement.where(Enrolment.class_id == class_id)
    enrolments = list(db.session.scalars(statement))
    if not enrolments:
        return
    shape = _shape(course.id)
    users = {e.user_id for e in enrolments}
    done: dict[int, int] = defaultdict(int)
    scores: dict[int, list[float]] = defaultdict(list)
    ids = set(shape.required_ids) | set(shape.graded_ids)
    if ids:
        rows = db.session.execute(select(ActivityProgress.user_id, ActivityProgress.activity_id,
                                         ActivityProgress.completed_at, ActivityProgress.score)
                                  .where(ActivityProgress.activity_id.in_(ids), ActivityProgress.user_id.in_(users)))
        required = set(shape.required_ids)
        graded = set(shape.graded_ids)
        for row in rows:
            if row.activity_id in required and row.completed_at is not None:
                done[row.user_id] += 1
            if row.activity_id in graded and row.score is not None:
                scores[row.user_id].append(row.score)
    classes = {c.id: c for c in db.session.scalars(select(CourseClass).where(
        CourseClass.id.in_({e.class_id for e in enrolments if e.class_id})))}
    sessions = _session_counts(classes)
    attended = _attended_counts(e.id for e in enrolments)
    ready = []
    for enrolment in enrolments:
        course_class = classes.get(enrolment.class_id)
        numbers = (done[enrolment.user_id], len(shape.required_ids), attended.get(enrolment.id, 0),
                   sessions.get(enrolment.class_id, 0))
        _apply_numbers(enrolment, course_class, shape, numbers[0], scores[enrolment.user_id], numbers[3], numbers[2])
        if enrolment.completed_at is None and _numbers_hold(_mode(course_class), *numbers,
                                                            min_attendance(course, course_class)):
            ready.append(enrolment)
    db.session.flush()
    for enrolment in ready:  # only these can complete: the full check runs for them alone
        evaluate_completion(enrolment)


# --- completion ---------------------------------------------------------------------------------

def prerequisites_met(user_id: int, course: Course) -> bool:
    wanted = set(course.prerequisites or [])
    if not wanted:
        return True
    done = set(db.session.scalars(select(Course.key).join(Enrolment, Enrolment.course_id == Course.id).where(
        Enrolment.user_id == user_id, Enrolment.completed_at.is_not(None), Course.key.in_(wanted))))
    return done == wanted


def _numbers_hold(mode: ClassMode, done: int, required: int, attended: int, sessions: int, minimum: float) -> bool:
    """The activity and attendance rules (not prerequisites) for one enrolment's counts."""
    if mode in (ClassMode.online, ClassMode.blended) and (required == 0 or done < required):
        return False
    if mode is ClassMode.in_person and sessions == 0:
        return False
    if mode in (ClassMode.in_person, ClassMode.blended) and sessions:
        return attended / sessions + 1e-9 >= minimum
    return True


def rules_hold(enrolment: Enrolment) -> bool:
    course = enrolment.course
    course_class = db.session.get(CourseClass, enrolment.class_id) if enrolment.class_id else None
    shape = _shape(course.id)
    rows = progress_map(enrolment.user_id, shape.required_ids)
    done = sum(1 for i in shape.required_ids if i in rows and rows[i].completed_at is not None)
    sessions = _session_counts([enrolment.class_id]).get(enrolment.class_id, 0) if course_class else 0
    attended = _attended_counts([enrolment.id]).get(enrolment.id, 0) if sessions else 0
    if not _numbers_hold(_mode(course_class), done, len(shape.required_ids), attended, sessions,
                         min_attendance(course, course_class)):
        return False
    return prerequisites_met(enrolment.user_id, course)


def evaluate_completion(enrolment: Enrolment) -> bool:
    """Complete the enrolment if its rules hold; True only for the one call that recorded it."""
    if enrolment.completed_at is not None or enrolment.status is not EnrolmentStatus.active:
        return False
    if not rules_hold(enrolment):
        return False
    course = enrolment.course
    now = utcnow()
    # Conditional update: of two requests completing at once, exactly one sees a changed row.
    result = db.session.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=now, completed_version=course.version, progress=1.0)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(enrolment)
        return False
    enrolment.completed_at, enrolment.completed_version, enrolment.progress = now, course.version, 1.0
    db.session.flush()
    course_class = db.session.get(CourseClass, enrolment.class_id) if enrolment.class_id else None
    audit.record("course.completed", "enrolment", enrolment.id, actor_id=None,
                 data={"user_id": enrolment.user_id, "course_key": course.key, "class_id": enrolment.class_id})
    events.send(events.course_completed, events.CourseCompleted(
        user_id=enrolment.user_id, course_id=course.id, course_key=course.key, enrolment_id=enrolment.id,
        completed_at=now, class_id=enrolment.class_id, final_score=enrolment.final_score,
        attendance_rate=enrolment.attendance_rate))
    if course_class is not None and course_class.mode is ClassMode.in_person and course_class.credit_on_attendance:
        official_id = db.session.scalar(select(User.official_id).where(User.id == enrolment.user_id))
        if official_id is not None:
            events.send(events.class_attended, events.ClassAttended(
                official_id=official_id, class_id=course_class.id, school_id=course_class.school_id,
                title_vi=course_class.title_vi, title_en=course_class.title_en or course.title_en,
                content_area=course.content_area, topics=tuple(course.topics or ()), periods=float(course.periods),
                earned_on=local_date(now)))
    _complete_dependents(enrolment.user_id, course.key)
    return True


def _complete_dependents(user_id: int, key: str) -> None:
    """Courses that had this one as a prerequisite may now be complete for the person."""
    waiting = db.session.scalars(select(Enrolment).join(Course, Course.id == Enrolment.course_id).where(
        Enrolment.user_id == user_id, Enrolment.completed_at.is_(None), Enrolment.status == EnrolmentStatus.active))
    for enrolment in list(waiting):
        if key in (enrolment.course.prerequisites or []):
            evaluate_completion(enrolment)
