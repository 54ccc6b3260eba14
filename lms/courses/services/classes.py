"""Classes: a school opens a run of a course, fills it (by unit, by a list of codes, one by one), holds
in-person sessions and takes attendance. Filling is all or nothing when the class would overflow."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select, update

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotAllowed
from lms.core.models import Official, Role, Unit, User
from lms.core.permissions import may_run_school, school_ids
from lms.core.services.official_accounts import active_accounts
from lms.core.services.org import subtree_ids
from lms.core.services.tabular import FileUnreadable, read_rows
from lms.courses.models import (
    Attendance,
    AttendanceStatus,
    ClassLecturer,
    ClassMode,
    ClassSession,
    Course,
    CourseClass,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)
from lms.courses.services.progress import refresh_course_progress
from lms.courses.services.rows import insert_if_absent

CODE_COLUMNS = {"employee_code": ("mã cán bộ", "ma can bo", "mã nhân sự", "code", "employee code", "mã")}


@dataclass
class ClassFields:
    course_id: int
    code: str
    title_vi: str
    title_en: str
    school_id: int | None
    unit_id: int | None
    mode: str
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    place: str
    min_attendance: float | None
    credit_on_attendance: bool
    lecturer_ids: list[int] = field(default_factory=list)


def _apply(course_class: CourseClass, fields: ClassFields) -> None:
    course = db.session.get(Course, fields.course_id)
    keeps_its_course = course is not None and course.id == course_class.course_id
    if course is None or (course.status is not CourseStatus.published and not keeps_its_course):
        raise DomainError(_l("Choose a published course."))
    if fields.starts_on and fields.ends_on and fields.ends_on < fields.starts_on:
        raise DomainError(_l("A class cannot end before it starts."))
    taken = db.session.scalar(select(exists().where(CourseClass.code == fields.code.strip(),
                                                    CourseClass.id != (course_class.id or 0))))
    if taken:
        raise DomainError(_l("Another class already has the code %(code)s.", code=fields.code))
    if fields.capacity is not None and course_class.id is not None and fields.capacity < active_count(course_class):
        raise DomainError(_l("The class already holds more learners than that."))
    course_class.course_id, course_class.code = course.id, fields.code.strip()
    course_class.title_vi = fields.title_vi.strip() or course.title_vi
    course_class.title_en = fields.title_en.strip() or course.title_en
    course_class.school_id, course_class.unit_id = fields.school_id, fields.unit_id
    course_class.mode, course_class.starts_on, course_class.ends_on = (
        ClassMode(fields.mode), fields.starts_on, fields.ends_on)
    course_class.capacity, course_class.place = fields.capacity, fields.place.strip()
    course_class.min_attendance = fields.min_attendance
    course_class.credit_on_attendance = fields.credit_on_attendance


def lecturer_choices(school_id: int | None) -> list[User]:
    """Users with a lecturer grant (of any school: visiting lecturers teach too), the school's first."""
    from lms.core.models import Grant
    users = list(db.session.scalars(select(User).join(Grant, Grant.user_id == User.id)
                                    .where(Grant.role == Role.lecturer, User.active.is_(True))
                                    .distinct().order_by(User.display_name)))
    return sorted(users, key=lambda u: (school_id not in school_ids(u, Role.lecturer), u.display_name))


def set_lecturers(course_class: CourseClass, user_ids: list[int]) -> None:
    wanted = set(user_ids)
    lecturers = set(db.session.scalars(select(User.id).where(User.id.in_(wanted)))) if wanted else set()
    db.session.execute(delete(ClassLecturer).where(ClassLecturer.class_id == course_class.id,
                                                   ClassLecturer.user_id.not_in(lecturers or {0})))
    current = set(db.session.scalars(select(ClassLecturer.user_id).where(ClassLecturer.class_id == course_class.id)))
    for user_id in lecturers - current:
        db.session.add(ClassLecturer(class_id=course_class.id, user_id=user_id))
    db.session.flush()


def open_class(user, fields: ClassFields) -> CourseClass:
    """A school admin opens a class of a published course for their school."""
    if not may_run_school(user, fields.school_id):
        raise NotAllowed(_l("You may not open classes for this school."))
    course_class = CourseClass(created_by=user.id)
    _apply(course_class, fields)
    db.session.add(course_class)
    db.session.flush()
    set_lecturers(course_class, fields.lecturer_ids)
    audit.record("class.opened", "class", course_class.id, actor_id=user.id, data={"code": course_class.code})
    return course_class


def update_class(user, course_class: CourseClass, fields: ClassFields) -> None:
    if not may_run_school(user, course_class.school_id) or not may_run_school(user, fields.school_id):
        raise NotAllowed(_l("You may not change classes of this school."))
    if fields.course_id != course_class.course_id and active_count(course_class):
        raise DomainError(_l("Learners are enrolled: the course of this class can no longer change."))
    _apply(course_class, fields)
    db.session.execute(update(Enrolment).where(Enrolment.class_id == course_class.id)
                       .values(due_on=course_class.ends_on).execution_options(synchronize_session=False))
    set_lecturers(course_class, fields.lecturer_ids)
    refresh_course_progress(course_class.course, class_id=course_class.id)


def active_count(course_class: CourseClass) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.class_id == course_class.id, Enrolment.status == EnrolmentStatus.active)) or 0


# --- filling a class ----------------------------------------------------------------------------

@dataclass
class EnrolReport:
    enrolled: int = 0
    already: int = 0
    without_account: list[str] = field(default_factory=list)  # employee codes
    not_found: list[str] = field(default_factory=list)
    in_other_class: list[str] = field(default_factory=list)


def enrol_users(course_class: CourseClass, people: list[tuple[int, str]], report: EnrolReport) -> EnrolReport:
    """Put (user id, employee code) pairs in the class in a fixed number of statements."""
    course = course_class.course
    user_ids = {user_id for user_id, _code in people}
    codes = dict(people)
    existing = {e.user_id: e for e in db.session.scalars(select(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.user_id.in_(user_ids or {0})))}
    new, moved = [], []
    for user_id in sorted(user_ids):
        enrolment = existing.get(user_id)
        if enrolment is None:
            new.append(user_id)
        elif enrolment.status is EnrolmentStatus.active and enrolment.class_id == course_class.id:
            report.already += 1
        elif enrolment.status is EnrolmentStatus.active and enrolment.class_id is not None:
            report.in_other_class.append(codes[user_id])
        else:
            moved.append(enrolment)
    if course_class.capacity is not None:
        free = course_class.capacity - active_count(course_class)
        if len(new) + len(moved) > free:
            raise DomainError(_l("The class has %(free)s places left; this would add %(wanted)s learners. "
                                 "Nobody was enrolled.", free=max(free, 0), wanted=len(new) + len(moved)))
    now = utcnow()
    for user_id in new:  # INSERT ... ON CONFLICT DO NOTHING: a double-submitted form enrols once
        insert_if_absent(Enrolment, {
            "user_id": user_id, "course_id": course.id, "class_id": course_class.id, "source": "class",
            "status": EnrolmentStatus.active.value, "course_version": course.version, "enrolled_at": now,
            "due_on": course_class.ends_on, "progress": 0.0}, ["user_id", "course_id"])
    for enrolment in moved:
        enrolment.class_id, enrolment.source, enrolment.due_on = course_class.id, "class", course_class.ends_on
        if enrolment.status is not EnrolmentStatus.active:
            enrolment.status, enrolment.enrolled_at = EnrolmentStatus.active, now
    db.session.flush()
    report.enrolled += len(new) + len(moved)
    if new or moved:
        refresh_course_progress(course, class_id=course_class.id)
    return report


def enrol_unit(course_class: CourseClass, unit: Unit) -> EnrolReport:
    """Every active official of the unit and its sub-units with an active account; the others are counted."""
    people, missing = active_accounts(Official.unit_id.in_(subtree_ids(unit)))
    report = EnrolReport(without_account=missing)
    return enrol_users(course_class, people, report)


def enrol_codes(course_class: CourseClass, codes: list[str]) -> EnrolReport:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise DomainError(_l("No employee code was given."))
    people, missing = active_accounts(Official.employee_code.in_(wanted))
    known = {code for _u, code in people} | set(missing)
    report = EnrolReport(without_account=missing, not_found=[c for c in wanted if c not in known])
    return enrol_users(course_class, people, report)


def read_codes(stream: BinaryIO, filename: str) -> list[str]:
    """Employee codes from a CSV or XLSX list (a column headed "employee_code" or "Mã cán bộ")."""
    try:
        found, rows = read_rows(stream, filename, CODE_COLUMNS)
        if "employee_code" not in found:
            raise DomainError(_l("%(name)s has no column of employee codes (\"Mã cán bộ\" or \"employee_code\").",
                                 name=filename))
        return [row.values.get("employee_code", "") for row in rows if not row.formula_fields]
    except FileUnreadable as problem:
        raise DomainError(_l("%(name)s: %(reason)s", name=filename, reason=str(problem))) from None


def withdraw(course_class: CourseClass, enrolment: Enrolment) -> None:
    if enrolment.class_id != course_class.id:
        raise DomainError(_l("That learner is not in this class."))
    enrolment.status = EnrolmentStatus.withdrawn
    db.session.flush()


# --- sessions and attendance ---------------------------------------------------------------------

def add_session(course_class: CourseClass, starts_at: datetime, ends_at: datetime | None, place: str,
                topic: str) -> ClassSession:
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError(_l("A session must end after it starts."))
    same = db.session.scalar(select(ClassSession).where(ClassSession.class_id == course_class.id,
                                                        ClassSession.starts_at == starts_at))
    if same is not None:  # two sessions of one class never start at the same moment: a repeated form
        return same
    session = ClassSession(class_id=course_class.id, starts_at=starts_at, ends_at=ends_at,
                           place=place.strip() or course_class.place, topic=topic.strip())
    db.session.add(session)
    db.session.flush()
    refresh_course_progress(course_class.course, class_id=course_class.id)
    return session


def delete_session(course_class: CourseClass, session: ClassSession) -> None:
    db.session.delete(session)
    db.session.flush()
    refresh_course_progress(course_class.course, class_id=course_class.id)


def record_attendance(course_class: CourseClass, session: ClassSession, marks: dict[int, AttendanceStatus],
                      recorded_by: int) -> int:
    """Save a session's register (enrolment id -> status); completes those whose attendance now suffices."""
    if session.class_id != course_class.id:
        raise DomainError(_l("That session belongs to another class."))
    enrolled = set(db.session.scalars(select(Enrolment.id).where(
        Enrolment.class_id == course_class.id, Enrolment.status == EnrolmentStatus.active)))
    current = {a.enrolment_id: a
               for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))}
    now, changed = utcnow(), 0
    for enrolment_id, status in marks.items():
        if enrolment_id not in enrolled:
            continue
        row = current.get(enrolment_id)
        if row is None:
            insert_if_absent(Attendance, {"session_id": session.id, "enrolment_id": enrolment_id,
                                          "status": status.value, "note": "", "recorded_by": recorded_by,
                                          "recorded_at": now},
                             ["session_id", "enrolment_id"])
            changed += 1
        elif row.status is not status:
            row.status, row.recorded_by, row.recorded_at = status, recorded_by, now
            changed += 1
    db.session.flush()
    if changed:
        audit.record("class.attendance", "class", course_class.id, actor_id=recorded_by,
                     data={"session_id": session.id, "changed": changed})
        refresh_course_progress(course_class.course, class_id=course_class.id)
    return changed
