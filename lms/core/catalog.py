"""Course and class facts, for those who may not import the courses plugin (certificates, records).

The courses plugin registers a `CatalogProvider` with `provide(app, provider)` in its `setup()`;
readers call `catalog()` and get frozen facts, never courses' own models. With the courses plugin
off, `catalog()` is None and readers say so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flask import Flask, current_app


@dataclass(frozen=True)
class CourseFacts:
    id: int
    key: str
    version: int
    title_vi: str
    title_en: str
    content_area: str  # a key of lms.core.vocab.CONTENT_AREAS
    topics: tuple[str, ...]
    periods: float
    level: str
    school_id: int | None
    status: str  # draft, published, archived


@dataclass(frozen=True)
class ClassFacts:
    id: int
    course_id: int
    code: str
    title_vi: str
    title_en: str
    school_id: int | None
    unit_id: int | None  # the unit the class is run for (plans and reports count it there)
    mode: str  # online, in_person, blended
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    lecturer_user_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RosterEntry:
    """One person in a class (or enrolled in a course outside classes)."""

    user_id: int
    official_id: int | None
    enrolled_at: datetime
    progress: float  # fraction 0..1
    completed_at: datetime | None
    final_score: float | None
    attendance_rate: float | None


@dataclass(frozen=True)
class ClassCounts:
    class_id: int
    school_id: int | None
    unit_id: int | None
    content_area: str
    level: str
    starts_on: date | None
    enrolled: int
    completed: int


class CatalogProvider(Protocol):
    def course(self, course_id: int) -> CourseFacts | None: ...
    def courses(self, *, school_id: int | None = None, status: str | None = "published") -> list[CourseFacts]: ...
    def class_(self, class_id: int) -> ClassFacts | None: ...
    def classes(self, *, school_id: int | None = None, course_id: int | None = None,
                year: int | None = None) -> list[ClassFacts]: ...
    def roster(self, class_id: int) -> list[RosterEntry]: ...
    def enrolment(self, enrolment_id: int) -> RosterEntry | None: ...
    def class_counts(self, year: int) -> list[ClassCounts]: ...


def provide(app: Flask, provider: CatalogProvider) -> None:
    app.extensions["lms"]["catalog"] = provider


def catalog() -> CatalogProvider | None:
    return current_app.extensions["lms"].get("catalog")
