"""Enrolment: one per person and course, by the person (open courses) or through a class."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.courses.models import Course, CourseClass, CourseStatus, Enrolment, EnrolmentStatus
from lms.courses.services import progress
from lms.courses.services.rows import insert_if_absent


class AlreadyInClass(DomainError):
    """The person is already in another class of this course."""


def find_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id))


def enrol(user_id: int, course: Course, *, course_class: CourseClass | None = None, source: str = "self",
          due_on: date | None = None) -> tuple[Enrolment, bool]:
    """Enrol a person (idempotent); returns (enrolment, whether anything changed)."""
    enrolment = find_enrolment(user_id, course.id)
    changed = False
    if enrolment is None:
        # One statement: of a double click's two requests, one enrols and the other finds the row.
        insert_if_absent(Enrolment, {
            "user_id": user_id, "course_id": course.id, "source": source, "course_version": course.version,
            "due_on": due_on, "progress": 0.0, "class_id": course_class.id if course_class else None,
            "enrolled_at": utcnow(), "status": EnrolmentStatus.active.value}, ["user_id", "course_id"])
        enrolment = find_enrolment(user_id, course.id)
        changed = True
    else:
        if course_class is not None and enrolment.class_id not in (None, course_class.id) \
                and enrolment.status is EnrolmentStatus.active:
            raise AlreadyInClass(_l("already in another class of this course"))
        if enrolment.status is not EnrolmentStatus.active:
            enrolment.status, enrolment.enrolled_at, changed = EnrolmentStatus.active, utcnow(), True
            enrolment.course_version = course.version if enrolment.completed_at is None else enrolment.course_version
        if course_class is not None and enrolment.class_id != course_class.id:
            enrolment.class_id, enrolment.source, changed = course_class.id, "class", True
        if due_on is not None and enrolment.due_on != due_on:
            enrolment.due_on, changed = due_on, True
    if changed:
        db.session.flush()
        progress.refresh_enrolment(enrolment)
        progress.evaluate_completion(enrolment)
    return enrolment, changed


def self_enrol(user, course: Course) -> Enrolment:
    """A person enrols in an open, published course."""
    if course.status is not CourseStatus.published or not course.self_enrol:
        existing = find_enrolment(user.id, course.id)
        if existing is not None and existing.status is EnrolmentStatus.active:
            return existing
        raise DomainError(_l("This course is not open for enrolment; ask your training school for a class."))
    enrolment, _changed = enrol(user.id, course, source="self")
    return enrolment


def withdraw(enrolment: Enrolment) -> None:
    """Take a person out of a course or class; their progress is kept should they come back."""
    enrolment.status = EnrolmentStatus.withdrawn
    db.session.flush()
