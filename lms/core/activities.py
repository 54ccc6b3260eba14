"""Activity types: a registry the plugins fill, and the service through which a type reports results.

The courses plugin owns course > section > activity and stores, for each activity, its `type` name
and an opaque `ref` (for a quiz, the quiz id as text). Everything else about an activity belongs to
the plugin that registered its type. Courses hands types an `ActivityInfo`, never its own models.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from lms.core import events
from lms.core.db import utcnow


@dataclass(frozen=True)
class ActivityInfo:
    """What an activity type is told about one activity of a course."""

    id: int
    course_id: int
    course_key: str
    school_id: int | None
    key: str
    type: str
    ref: str
    title: str
    settings: dict = field(default_factory=dict)


class ActivityType:
    """Base class for an activity type. Subclasses set `name` and `label` and override what they need.

    What it is:
    - `graded`: its outcomes carry a score that counts in the course's final score (a test, a package
      with a mastery score); the course asks this, never the type's name.
    Learning:
    - `launch_url(activity)`: where a learner goes to take it, or None if it shows inside the lesson page;
    - `render(activity, user)`: HTML shown inside the lesson page (already safe: sanitised by the type);
    - `completion_hint()`: how it completes, shown to learners.
    Authoring:
    - `choices(course_id, school_id)`: (ref, label) pairs a lecturer can attach to a course;
    - `import_content(...)`: create or update the thing from a course folder; returns its ref;
    - `export_content(ref, folder)`: write it into a course folder; returns its spec for course.yaml.
    """

    name: str = ""
    label = ""
    graded: bool = False
    #: file extensions this type imports from a course folder (e.g. (".gift",) for quizzes)
    content_extensions: tuple[str, ...] = ()

    def launch_url(self, activity: ActivityInfo) -> str | None:
        return None

    def render(self, activity: ActivityInfo, user) -> str:
        return ""

    def completion_hint(self) -> str:
        return ""

    def choices(self, course_id: int, school_id: int | None) -> list[tuple[str, str]]:
        return []

    def import_content(self, *, course_id: int, course_key: str, school_id: int | None, key: str,
                       title: dict, spec: dict, folder: Path, existing_ref: str | None) -> str:
        """Create (or, when `existing_ref` is given, update in place) from `spec` and files in `folder`."""
        raise ValueError(f"activity type '{self.name}' cannot be imported from a course folder")

    def export_content(self, ref: str, folder: Path) -> dict:
        raise ValueError(f"activity type '{self.name}' cannot be exported to a course folder")


def register(app: Flask, activity_type: ActivityType) -> None:
    registry = app.extensions["lms"]["activity_types"]
    if activity_type.name in registry:
        raise ValueError(f"activity type '{activity_type.name}' registered twice")
    registry[activity_type.name] = activity_type


def get(name: str) -> ActivityType | None:
    return current_app.extensions["lms"]["activity_types"].get(name)


def all_types() -> dict[str, ActivityType]:
    return dict(current_app.extensions["lms"]["activity_types"])


def is_graded(name: str) -> bool:
    """Whether activities of this type count in a course's final score. A type whose plugin is off is
    not known here, so its stored scores stop counting until the plugin is on again."""
    kind = get(name)
    return kind is not None and kind.graded


def report_outcome(user_id: int, activity_type: str, activity_ref: str, *, completed: bool,
                   passed: bool | None = None, score: float | None = None, supersedes: bool = False,
                   occurred_at: datetime | None = None) -> None:
    """Tell the platform a person's result on an activity (sends `activity_completed`): the one way an
    activity type's plugin reports to whoever keeps progress, without naming it.

    `supersedes=True` says this outcome replaces the earlier ones rather than adding to them, so a
    not-completed outcome withdraws an earlier completion (a quiz regraded below its pass mark).
    """
    events.send(events.activity_completed, events.ActivityOutcome(
        user_id=user_id, activity_type=activity_type, activity_ref=str(activity_ref), completed=completed,
        passed=passed, score=score, supersedes=supersedes, occurred_at=occurred_at or utcnow()))


# --- who may take an activity's target -----------------------------------------------------------

class AccessAnswer(Protocol):
    def __call__(self, user, activity_type: str, ref: str) -> bool: ...


def provide_access(app: Flask, answer: AccessAnswer) -> None:
    """The plugin that places activities in courses answers `may_take` (the courses plugin, in its setup)."""
    app.extensions["lms"]["activity_access"] = answer


def may_take(user, activity_type: str, ref: str) -> bool:
    """May `user` open, start or answer the thing behind an activity (a quiz, a package) as a learner? Only
    when it belongs to a course they may learn in, which the courses plugin decides: a quiz or package
    that is in none of their courses is not theirs to take. Without a plugin that answers, nobody may."""
    if not user or not user.is_authenticated:
        return False
    answer = current_app.extensions["lms"].get("activity_access")
    return answer is not None and answer(user, activity_type, str(ref))
