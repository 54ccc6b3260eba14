"""The core's CatalogProvider over this plugin's models: frozen facts for the plugins that read the catalogue."""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from lms.core.catalog import ClassCounts, ClassFacts, CourseFacts, RosterEntry
from lms.core.db import db
from lms.core.models import User
from lms.courses.models import ClassLecturer, Course, CourseClass, CourseStatus, Enrolment, EnrolmentStatus


def course_facts(course: Course) -> CourseFacts:
    return CourseFacts(id=course.id, key=course.key, version=course.version, title_vi=course.title_vi,
                       title_en=course.title_en, content_area=course.content_area,
                       topics=tuple(course.topics or ()), periods=float(course.periods), level=course.level.value,
                       school_id=course.school_id, status=course.status.value)


def class_facts(course_class: CourseClass, lecturers: tuple[int, ...]) -> ClassFacts:
    return ClassFacts(id=course_class.id, course_id=course_class.course_id, code=course_class.code,
                      title_vi=course_class.title_vi, title_en=course_class.title_en,
                      school_id=course_class.school_id, unit_id=course_class.unit_id, mode=course_class.mode.value,
                      starts_on=course_class.starts_on, ends_on=course_class.ends_on,
                      capacity=course_class.capacity, lecturer_user_ids=lecturers)


def _lecturers(class_ids) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    ids = list(class_ids)
    if ids:
        for class_id, user_id in db.session.execute(select(ClassLecturer.class_id, ClassLecturer.user_id)
                                                    .where(ClassLecturer.class_id.in_(ids))
                                                    .order_by(ClassLecturer.user_id)):
            found.setdefault(class_id, []).append(user_id)
    return {k: tuple(v) for k, v in found.items()}


def _entry(enrolment: Enrolment, official_id: int | None) -> RosterEntry:
    return RosterEntry(user_id=enrolment.user_id, official_id=official_id, enrolled_at=enrolment.enrolled_at,
                       progress=float(enrolment.progress or 0), completed_at=enrolment.completed_at,
                       final_score=enrolment.final_score, attendance_rate=enrolment.attendance_rate)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


class CoursesCatalog:
    """Implements lms.core.catalog.CatalogProvider."""

    def course(self, course_id: int) -> CourseFacts | None:
        course = db.session.get(Course, course_id)
        return course_facts(course) if course is not None else None

    def courses(self, *, school_id: int | None = None, status: str | None = "published") -> list[CourseFacts]:
        statement = select(Course).order_by(Course.title_vi)
        if school_id is not None:
            statement = statement.where(Course.school_id == school_id)
        if status is not None:
            statement = statement.where(Course.status == CourseStatus(status))
        return [course_facts(c) for c in db.session.scalars(statement)]

    def class_(self, class_id: int) -> ClassFacts | None:
        course_class = db.session.get(CourseClass, class_id)
        if course_class is None:
            return None
        return class_facts(course_class, _lecturers([class_id]).get(class_id, ()))

    def classes(self, *, school_id: int | None = None, course_id: int | None = None,
                year: int | None = None) -> list[ClassFacts]:
        statement = select(CourseClass).order_by(CourseClass.starts_on, CourseClass.id)
        if school_id is not None:
            statement = statement.where(CourseClass.school_id == school_id)
        if course_id is not None:
            statement = statement.where(CourseClass.course_id == course_id)
        if year is not None:
            first, last = _year_bounds(year)
            statement = statement.where(CourseClass.starts_on.between(first, last))
        found = list(db.session.scalars(statement))
        lecturers = _lecturers(c.id for c in found)
        return [class_facts(c, lecturers.get(c.id, ())) for c in found]

    def roster(self, class_id: int) -> list[RosterEntry]:
        rows = db.session.execute(select(Enrolment, User.official_id).join(User, User.id == Enrolment.user_id)
                                  .where(Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.active)
                                  .order_by(Enrolment.id))
        return [_entry(enrolment, official_id) for enrolment, official_id in rows]

    def enrolment(self, enrolment_id: int) -> RosterEntry | None:
        row = db.session.execute(select(Enrolment, User.official_id).join(User, User.id == Enrolment.user_id)
                                 .where(Enrolment.id == enrolment_id)).first()
        return _entry(*row) if row is not None else None

    def class_counts(self, year: int) -> list[ClassCounts]:
        first, last = _year_bounds(year)
        active = Enrolment.status == EnrolmentStatus.active
        statement = (
            select(CourseClass.id, CourseClass.school_id, CourseClass.unit_id, CourseClass.starts_on,
                   Course.content_area, Course.level,
                   func.count(Enrolment.id).filter(active),
                   func.sum(case((active & Enrolment.completed_at.is_not(None), 1), else_=0)))
            .join(Course, Course.id == CourseClass.course_id)
            .outerjoin(Enrolment, Enrolment.class_id == CourseClass.id)
            .where(CourseClass.starts_on.between(first, last))
            .group_by(CourseClass.id, CourseClass.school_id, CourseClass.unit_id, CourseClass.starts_on,
                      Course.content_area, Course.level)
            .order_by(CourseClass.id))
        return [ClassCounts(class_id=r[0], school_id=r[1], unit_id=r[2], starts_on=r[3], content_area=r[4],
                            level=r[5].value if hasattr(r[5], "value") else r[5], enrolled=int(r[6] or 0),
                            completed=int(r[7] or 0))
                for r in db.session.execute(statement)]

