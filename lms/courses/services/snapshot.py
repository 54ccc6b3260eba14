"""What every learner of a course sees alike (the course, its outline, its lesson contents), read once
per process and reused while the course's stamp is unchanged.

The stamp is `courses_courses.updated_at`. Whatever the ORM flushes to a course, its sections, activities,
contents or assets moves it (`_stamp_changed_courses`), and every page checks it in the query it makes
anyway, so no worker ever shows an outline older than the last committed change.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType, SimpleNamespace

from flask import current_app, url_for
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from lms.core.db import db, utcnow
from lms.courses.models import Activity, Asset, Course, LessonContent, Section

# Courses kept per app and process; the earliest built goes first (a course is a few kilobytes).
KEEP = 512


@dataclass(frozen=True)
class Snapshot:
    course: SimpleNamespace  # the course's columns
    sections: tuple  # SimpleNamespace(section columns..., activities=tuple of activity copies)
    ordered: tuple  # every activity, in outline order
    contents: MappingProxyType  # LessonContent copies by id (the plugin's own activity types)

    @property
    def stamp(self) -> datetime:
        return self.course.updated_at

    def index_of(self, activity_key: str) -> int | None:
        return next((n for n, a in enumerate(self.ordered) if a.key == activity_key), None)


_lock = threading.Lock()


def _copy(row, **extra) -> SimpleNamespace:
    """A plain read-only copy of an ORM row's columns (JSON values frozen as well)."""
    values = {}
    for column in row.__mapper__.column_attrs:
        value = getattr(row, column.key)
        if isinstance(value, dict):
            value = MappingProxyType(dict(value))
        elif isinstance(value, list):
            value = tuple(value)
        values[column.key] = value
    return SimpleNamespace(**values, **extra)


def build(course: Course) -> Snapshot:
    """Read the course's outline and contents (three queries) into a snapshot."""
    sections = db.session.scalars(select(Section).options(selectinload(Section.activities))
                                  .where(Section.course_id == course.id).order_by(Section.position))
    # Each activity's page address is built once here, not once per outline line per view.
    copied = tuple(_copy(s, activities=tuple(
        _copy(a, href=url_for("courses.lesson", key=course.key, activity_key=a.key)) for a in s.activities))
        for s in sections)
    contents = db.session.scalars(select(LessonContent).where(LessonContent.course_id == course.id))
    return Snapshot(course=_copy(course), sections=copied, ordered=tuple(a for s in copied for a in s.activities),
                    contents=MappingProxyType({c.id: _copy(c) for c in contents}))


def get(course_id: int, stamp: datetime) -> Snapshot:
    """The course's snapshot at `stamp`, built when this app (in this process) has none as recent."""
    kept_by_app = current_app.extensions.setdefault("courses.snapshots", {})
    kept = kept_by_app.get(course_id)
    if kept is not None and kept.stamp == stamp:
        return kept
    course = db.session.get(Course, course_id, populate_existing=True)
    snapshot = build(course)
    with _lock:
        if len(kept_by_app) >= KEEP and course_id not in kept_by_app:
            kept_by_app.pop(next(iter(kept_by_app)))
        kept_by_app[course_id] = snapshot
    return snapshot


# --- the stamp ------------------------------------------------------------------------------------

_PARTS = (Section, Activity, LessonContent, Asset)


@event.listens_for(Session, "before_flush")
def _stamp_changed_courses(session, flush_context, instances) -> None:
    """A change to a part of a course moves the course's stamp in the same flush."""
    course_ids = {_course_id(obj) for obj in (*session.new, *session.dirty, *session.deleted)
                  if isinstance(obj, _PARTS)} - {None}
    if not course_ids:
        return
    now = utcnow()
    for course_id in course_ids:
        course = session.get(Course, course_id)
        if course is not None and course not in session.deleted:
            course.updated_at = now


def _course_id(part) -> int | None:
    """The course of a part, also for one added through a relationship (its course_id not yet set)."""
    if part.course_id is not None:
        return part.course_id
    parent = getattr(part, "course", None)
    if parent is None and isinstance(part, Activity) and part.section is not None:
        return part.section.course_id or (part.section.course.id if part.section.course else None)
    return parent.id if parent is not None else None
