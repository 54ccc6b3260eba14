"""Who may do what with courses and classes (on top of lms.core.permissions)."""
from __future__ import annotations

import time

from flask import current_app, has_app_context
from sqlalchemy import event, exists, or_, select, true
from sqlalchemy.orm import Session

from lms.core.db import db
from lms.core.models import Role
from lms.core.permissions import may_run_school, school_ids
from lms.courses.models import (
    Activity,
    ClassLecturer,
    Course,
    CourseClass,
    CourseLecturer,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)


def lecturer_school_ids(user) -> set[int]:
    return school_ids(user, Role.lecturer)


def is_author(user) -> bool:
    """Sees the authoring pages: a lecturer grant, or assigned to some course, or admin."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin or user.has_role(Role.lecturer):
        return True
    return _assigned_to_a_course(user.id)


def _assigned_to_a_course(user_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(CourseLecturer.user_id == user_id))))


def shows_authoring(user) -> bool:
    """`is_author` for the menu, asked on every page: whether someone without a lecturer grant is assigned
    to a course is kept a minute per process (the authoring pages ask `is_author` itself). The process that
    changes an assignment forgets what it kept at once; logging in reads it afresh."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin or user.has_role(Role.lecturer):
        return True
    found = current_app.extensions.setdefault("courses.assigned", {}).get(user.id)
    if found is None or found[1] < time.monotonic():
        return remember_assignment(user)
    return found[0]


def remember_assignment(user) -> bool:
    """Read and keep whether `user` is assigned to a course (at log-in too: see the plugin)."""
    kept = current_app.extensions.setdefault("courses.assigned", {})
    if len(kept) > ASSIGNED_KEEP:
        kept.clear()
    assigned = _assigned_to_a_course(user.id)
    kept[user.id] = (assigned, time.monotonic() + ASSIGNED_FOR)
    return assigned


ASSIGNED_FOR, ASSIGNED_KEEP = 60.0, 50_000


@event.listens_for(Session, "after_flush")
def _forget_assignments(session, flush_context) -> None:
    if has_app_context() and any(isinstance(o, CourseLecturer) for o in (*session.new, *session.deleted)):
        current_app.extensions.get("courses.assigned", {}).clear()


def may_edit_course(user, course: Course) -> bool:
    """Admin; a lecturer of the course's school; or a lecturer assigned to the course."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    if course.school_id is not None and course.school_id in lecturer_school_ids(user):
        return True
    if course.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(CourseLecturer.course_id == course.id,
                                                        CourseLecturer.user_id == user.id))))


def may_create_course(user, school_id: int | None) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or (school_id is not None and school_id in lecturer_school_ids(user))


def editable_courses_condition(user):
    """A SQL condition on Course: the courses this user may edit."""
    if user.is_admin:
        return true()
    assigned = select(CourseLecturer.course_id).where(CourseLecturer.user_id == user.id)
    schools = lecturer_school_ids(user)
    conditions = [Course.id.in_(assigned)]
    if schools:
        conditions.append(Course.school_id.in_(schools))
    return or_(*conditions)


def may_run_class(user, course_class: CourseClass) -> bool:
    """Open, fill and change a class: the school admin of its school (or admin)."""
    return may_run_school(user, course_class.school_id)


def teaches(user, course_class: CourseClass) -> bool:
    if not user or not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(exists().where(ClassLecturer.class_id == course_class.id,
                                                        ClassLecturer.user_id == user.id))))


def may_teach_class(user, course_class: CourseClass) -> bool:
    """Take attendance and see the class report: its lecturers and those who run the class."""
    return may_run_class(user, course_class) or teaches(user, course_class)


def visible_classes_condition(user):
    """A SQL condition on CourseClass: classes this user runs or teaches."""
    if user.is_admin:
        return true()
    taught = select(ClassLecturer.class_id).where(ClassLecturer.user_id == user.id)
    conditions = [CourseClass.id.in_(taught)]
    schools = school_ids(user, Role.school_admin)
    if schools:
        conditions.append(CourseClass.school_id.in_(schools))
    return or_(*conditions)


def sees_classes(user) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or user.has_role(Role.school_admin) or user.has_role(Role.lecturer)


def may_take(user, activity_type: str, ref: str) -> bool:
    """The courses plugin's answer to the core's `activities.may_take`: the target is an activity of a
    course the user is actively enrolled in and may see (not a draft), or of a course they may edit (a
    lecturer trying out their own course). The same rule as the lesson pages."""
    placed = select(Activity.course_id).where(Activity.type == activity_type, Activity.ref == ref)
    learning = select(Enrolment.id).join(Course, Course.id == Enrolment.course_id).where(
        Enrolment.user_id == user.id, Enrolment.status == EnrolmentStatus.active,
        Enrolment.course_id.in_(placed), Course.status != CourseStatus.draft)
    if db.session.scalar(learning.limit(1)) is not None:
        return True
    editing = select(Course.id).where(Course.id.in_(placed), editable_courses_condition(user))
    return db.session.scalar(editing.limit(1)) is not None
