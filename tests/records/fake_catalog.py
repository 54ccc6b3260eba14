"""A small in-memory course catalogue implementing lms.core.catalog.CatalogProvider, for the report's tests."""
from __future__ import annotations

from dataclasses import dataclass, field

from lms.core.catalog import ClassCounts, ClassFacts, CourseFacts, RosterEntry


@dataclass
class FakeCatalog:
    counts: list[ClassCounts] = field(default_factory=list)

    def add_class(self, *, unit, area, year, enrolled, completed, school_id=None, level="province") -> ClassCounts:
        from datetime import date
        entry = ClassCounts(class_id=len(self.counts) + 1, school_id=school_id, unit_id=unit.id if unit else None,
                            content_area=area, level=level, starts_on=date(year, 3, 1), enrolled=enrolled,
                            completed=completed)
        self.counts.append(entry)
        return entry

    # -- the protocol -------------------------------------------------------------------------------
    def course(self, course_id: int) -> CourseFacts | None:
        return None

    def courses(self, *, school_id=None, status="published") -> list[CourseFacts]:
        return []

    def class_(self, class_id: int) -> ClassFacts | None:
        return None

    def classes(self, *, school_id=None, course_id=None, year=None) -> list[ClassFacts]:
        return []

    def roster(self, class_id: int) -> list[RosterEntry]:
        return []

    def enrolment(self, enrolment_id: int) -> RosterEntry | None:
        return None

    def class_counts(self, year: int) -> list[ClassCounts]:
        return [c for c in self.counts if c.starts_on and c.starts_on.year == year]
