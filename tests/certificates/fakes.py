"""A test double of the core's CatalogProvider protocol over in-memory facts.

The courses plugin registers the real provider; these tests must not depend on it, so they register
this one with `lms.core.catalog.provide(app, FakeCatalog(...))`. It is picklable, so worker processes of
the concurrency test can rebuild it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from lms.core.catalog import ClassCounts, ClassFacts, CourseFacts, RosterEntry


@dataclass
class FakeCatalog:
    courses_by_id: dict[int, CourseFacts] = field(default_factory=dict)
    classes_by_id: dict[int, ClassFacts] = field(default_factory=dict)
    rosters: dict[int, list[RosterEntry]] = field(default_factory=dict)

    def add_course(self, course_id: int = 1, *, key: str | None = None,
                   title_vi: str = "Bồi dưỡng kiến thức quản lý nhà nước", title_en: str = "State management refresher",
                   periods: float = 40, school_id: int | None = None,
                   content_area: str = "state_management", topics: tuple[str, ...] = ("public_administration",),
                   version: int = 1) -> CourseFacts:
        course = CourseFacts(id=course_id, key=key or f"course-{course_id}", version=version, title_vi=title_vi,
                             title_en=title_en, content_area=content_area, topics=topics, periods=periods,
                             level="province", school_id=school_id, status="published")
        self.courses_by_id[course_id] = course
        return course

    def add_class(self, class_id: int, course: CourseFacts, *, code: str | None = None, school_id: int | None = None,
                  starts_on: date | None = date(2025, 3, 3), ends_on: date | None = date(2025, 3, 28)) -> ClassFacts:
        klass = ClassFacts(id=class_id, course_id=course.id, code=code or f"L{class_id:03d}",
                           title_vi=f"Lớp {course.title_vi}", title_en=f"Class {course.title_en}", school_id=school_id,
                           unit_id=None, mode="blended", starts_on=starts_on, ends_on=ends_on, capacity=None)
        self.classes_by_id[class_id] = klass
        self.rosters.setdefault(class_id, [])
        return klass

    def enrol(self, class_id: int, user_id: int, official_id: int | None, *, completed: bool | datetime = True,
              final_score: float | None = 0.8, attendance_rate: float | None = 1.0) -> RosterEntry:
        completed_at = None
        if completed is True:
            completed_at = datetime(2025, 3, 28, 9, 0, tzinfo=timezone.utc)
        elif isinstance(completed, datetime):
            completed_at = completed
        entry = RosterEntry(user_id=user_id, official_id=official_id,
                            enrolled_at=datetime(2025, 3, 1, tzinfo=timezone.utc),
                            progress=1.0 if completed_at else 0.4, completed_at=completed_at,
                            final_score=final_score, attendance_rate=attendance_rate)
        self.rosters[class_id].append(entry)
        return entry

    # --- the protocol ---
    def course(self, course_id: int) -> CourseFacts | None:
        return self.courses_by_id.get(course_id)

    def courses(self, *, school_id: int | None = None, status: str | None = "published") -> list[CourseFacts]:
        return [c for c in self.courses_by_id.values()
                if (school_id is None or c.school_id == school_id) and (status is None or c.status == status)]

    def class_(self, class_id: int) -> ClassFacts | None:
        return self.classes_by_id.get(class_id)

    def classes(self, *, school_id: int | None = None, course_id: int | None = None,
                year: int | None = None) -> list[ClassFacts]:
        return [k for k in self.classes_by_id.values()
                if (school_id is None or k.school_id == school_id) and (course_id is None or k.course_id == course_id)
                and (year is None or (k.starts_on and k.starts_on.year == year))]

    def roster(self, class_id: int) -> list[RosterEntry]:
        return list(self.rosters.get(class_id, []))

    def enrolment(self, enrolment_id: int) -> RosterEntry | None:
        return None

    def class_counts(self, year: int) -> list[ClassCounts]:
        return []
