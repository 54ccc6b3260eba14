"""Reminders: an official hears of a course due soon and of a class about to start. Each reminder is
sent once (its dedupe key names the enrolment or class, the date and the threshold), so the job may run
as often as it likes and re-run after a crash."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from lms.core.db import db
from lms.core.notifications import notify
from lms.courses.models import Course, CourseClass, Enrolment, EnrolmentStatus
from lms.courses.progress_dates import today


def _path(endpoint: str, **values) -> str:
    """A path in the app, also from a scheduled job (no request): URLs are built as a request would."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def remind_due_courses(on: date | None = None) -> int:
    """Notify people whose unfinished course is due within a threshold (the nearest threshold only)."""
    on = on or today()
    thresholds = sorted(current_app.config["COURSES_DUE_REMINDER_DAYS"])
    horizon = on + timedelta(days=max(thresholds))
    rows = db.session.execute(
        select(Enrolment.id, Enrolment.user_id, Enrolment.due_on, Course.key, Course.title_vi, Course.title_en)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.status == EnrolmentStatus.active, Enrolment.completed_at.is_(None),
               Enrolment.due_on.is_not(None), Enrolment.due_on >= on, Enrolment.due_on <= horizon)
        .order_by(Enrolment.id)).all()
    sent = 0
    for row in rows:
        days = (row.due_on - on).days
        threshold = next(t for t in thresholds if days <= t)
        notice = notify(row.user_id, "courses/due_soon",
                        {"course_vi": row.title_vi, "course_en": row.title_en, "due_on": _day(row.due_on),
                         "days": days},
                        link=_path("courses.resume", key=row.key),
                        dedupe_key=f"courses:due:{row.id}:{row.due_on.isoformat()}:{threshold}")
        sent += notice is not None
    return sent


def remind_class_starts(on: date | None = None) -> int:
    """Notify the learners of a class that starts within the configured number of days."""
    on = on or today()
    horizon = on + timedelta(days=current_app.config["COURSES_CLASS_START_REMINDER_DAYS"])
    rows = db.session.execute(
        select(Enrolment.user_id, CourseClass.id, CourseClass.title_vi, CourseClass.title_en, CourseClass.starts_on,
               CourseClass.place, CourseClass.mode)
        .join(CourseClass, CourseClass.id == Enrolment.class_id)
        .where(Enrolment.status == EnrolmentStatus.active, Enrolment.completed_at.is_(None),
               CourseClass.starts_on >= on, CourseClass.starts_on <= horizon)
        .order_by(CourseClass.id, Enrolment.user_id)).all()
    sent = 0
    for row in rows:
        notice = notify(row.user_id, "courses/class_starts",
                        {"class_vi": row.title_vi, "class_en": row.title_en, "starts_on": _day(row.starts_on),
                         "place": row.place, "mode": row.mode.value},
                        link=_path("courses.my_learning"),
                        dedupe_key=f"courses:class-start:{row.id}:{row.user_id}:{row.starts_on.isoformat()}")
        sent += notice is not None
    return sent
