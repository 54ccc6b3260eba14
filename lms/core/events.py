"""The event catalogue: every signal the platform sends, in one place.

Senders call `send(signal, payload)`, or `send_many(signal, payloads)` for a batch (a class's
certificates): a receiver connected with `connect_batch` then takes the whole list at once, set-based,
and every other receiver still gets one call per payload. Receivers run in the sender's transaction:
they flush, never commit; the view, job or CLI command that started the chain commits once. Payloads
are frozen dataclasses carrying ids and keys, never another plugin's objects. Receivers must be idempotent.

The chain runs one way: quizzes -> courses -> certificates -> records.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from blinker import Namespace

_signals = Namespace()
_batch_receivers: dict[tuple[str, Callable], Callable] = {}  # (signal name, receiver) -> its batch form


def send(signal, payload) -> list:
    """Send `payload` on `signal`; the sender is the payload's class name (for filtering)."""
    return signal.send(type(payload).__name__, payload=payload)


def connect_batch(signal, receiver: Callable, batch_receiver: Callable) -> None:
    """Connect `receiver(sender, payload=...)`, and `batch_receiver(sender, payloads=[...])` for `send_many`."""
    signal.connect(receiver, weak=False)
    _batch_receivers[(signal.name, receiver)] = batch_receiver


def send_many(signal, payloads: Sequence) -> None:
    """Send a batch: the same outcome as `send` for each payload in turn, but receivers that have a batch
    form take the whole list in one call."""
    if not payloads:
        return
    sender = type(payloads[0]).__name__
    for receiver in list(signal.receivers_for(sender)):
        batch = _batch_receivers.get((signal.name, receiver))
        if batch is not None:
            batch(sender, payloads=list(payloads))
        else:
            for payload in payloads:
                receiver(sender, payload=payload)


# --- activities and courses ---------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityOutcome:
    """A person's result on one activity, reported by the activity's type.

    `activity_type` and `activity_ref` name the activity as its type knows it (the type's registered
    name and its own id as text); `score` is a fraction 0..1 or None; `passed` is None where there is no
    pass mark. `supersedes` says the outcome replaces earlier ones (a grade under a grading method, a
    regrade) rather than adding to them: a not-completed outcome then withdraws an earlier completion.
    """

    user_id: int
    activity_type: str
    activity_ref: str
    completed: bool
    occurred_at: datetime
    passed: bool | None = None
    score: float | None = None
    supersedes: bool = False


activity_completed = _signals.signal("activity-completed")
activity_completed.__doc__ = """Sent by an activity type (page viewed, file opened, SCORM commit, quiz
graded) through `lms.core.activities.report_outcome`, the one way outcomes reach courses. Payload:
ActivityOutcome. Received by courses, which updates progress and decides whether the course is complete."""


@dataclass(frozen=True)
class AttemptGraded:
    """A quiz attempt was graded (automatically, by a lecturer, or by regrading).

    `score` is this attempt's fraction 0..1; `quiz_grade` the official's grade on the quiz under its
    grading method (highest, average, first, last); `passed` compares `quiz_grade` with the pass mark.
    """

    attempt_id: int
    quiz_id: int
    user_id: int
    score: float
    quiz_grade: float
    passed: bool
    graded_at: datetime


attempt_graded = _signals.signal("attempt-graded")
attempt_graded.__doc__ = """Sent by quizzes when an attempt is graded. Payload: AttemptGraded. Offered to
third parties (see OFFERED_TO_THIRD_PARTIES): the activity's outcome reaches courses through
`report_outcome`, not through this signal."""


@dataclass(frozen=True)
class CourseCompleted:
    """A person completed a course (once per course version cycle; replays carry the same enrolment)."""

    user_id: int
    course_id: int
    course_key: str
    enrolment_id: int
    completed_at: datetime
    class_id: int | None = None
    final_score: float | None = None  # fraction 0..1 over graded activities, if any
    attendance_rate: float | None = None  # fraction 0..1 of in-person sessions attended, if any


course_completed = _signals.signal("course-completed")
course_completed.__doc__ = """Sent by courses when its completion rules hold for a person. Payload:
CourseCompleted. Received by certificates (issue when the rule holds)."""


@dataclass(frozen=True)
class ClassAttended:
    """An official completed an in-person class that grants credit without a certificate."""

    official_id: int
    class_id: int
    school_id: int | None
    title_vi: str
    title_en: str
    content_area: str
    topics: tuple[str, ...]
    periods: float
    earned_on: date


class_attended = _signals.signal("class-attended")
class_attended.__doc__ = """Sent by courses when an official's attendance completes an in-person class
with no certificate rule. Payload: ClassAttended. Received by the training record (add credit)."""


# --- certificates -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateIssued:
    """A certificate was issued to an official; it carries what the training record needs."""

    certificate_id: int
    official_id: int
    school_id: int
    title_vi: str
    title_en: str
    content_area: str
    topics: tuple[str, ...]
    periods: float
    issued_on: date
    verification_code: str
    # A copy re-issued for a lost or damaged certificate names the original: it carries no new credit.
    copy_of: int | None = None


certificate_issued = _signals.signal("certificate-issued")
certificate_issued.__doc__ = """Sent by certificates after issuing (also for copies and corrections).
Payload: CertificateIssued. Received by the training record (add credit; a replay adds nothing; a copy,
whose `copy_of` names the original, adds nothing either: the original's credit stands)."""


@dataclass(frozen=True)
class CertificateRevoked:
    """A certificate was revoked or superseded; its credit must go."""

    certificate_id: int
    official_id: int
    revoked_at: datetime
    ground: str
    note: str = ""
    superseded_by: int | None = None


certificate_revoked = _signals.signal("certificate-revoked")
certificate_revoked.__doc__ = """Sent by certificates on revocation or supersession. Payload:
CertificateRevoked. Received by the training record (withdraw the credit)."""


@dataclass(frozen=True)
class RecertificationDue:
    """A certificate with a validity entered its renewal window: the course opens again for a new cycle."""

    certificate_id: int
    official_id: int
    user_id: int | None
    course_id: int | None
    course_key: str
    cycle: int  # the certification cycle that the renewal starts
    expires_on: date


recertification_due = _signals.signal("recertification-due")
recertification_due.__doc__ = """Sent by certificates' daily job when a certificate's renewal window opens
(Totara's "window open"). Payload: RecertificationDue. Received by courses, which re-opens the course for
the official (a new enrolment, progress reset); its next course_completed issues the new cycle's certificate."""


# --- people -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitsMerged:
    """Units were merged into a successor on a date (their records roll up into it)."""

    old_unit_ids: tuple[int, ...]
    successor_id: int
    effective_on: date


units_merged = _signals.signal("units-merged")
units_merged.__doc__ = """Sent by the core when units are merged. Payload: UnitsMerged."""


CATALOGUE = {
    "activity_completed": (activity_completed, ActivityOutcome),
    "attempt_graded": (attempt_graded, AttemptGraded),
    "course_completed": (course_completed, CourseCompleted),
    "class_attended": (class_attended, ClassAttended),
    "certificate_issued": (certificate_issued, CertificateIssued),
    "certificate_revoked": (certificate_revoked, CertificateRevoked),
    "recertification_due": (recertification_due, RecertificationDue),
    "units_merged": (units_merged, UnitsMerged),
}

#: Events that no part of the platform receives, sent for plugins of other parties, each with who might
#: receive it. Every other event of the catalogue has a receiver in the platform (tests/core/test_architecture.py).
OFFERED_TO_THIRD_PARTIES: dict[str, str] = {
    "attempt_graded": "a gradebook, learning analytics (an LRS over xAPI), or a notice to the learner when a "
                      "lecturer has graded an essay: each attempt's own score, beside the quiz grade that "
                      "courses receives as an activity outcome",
}
