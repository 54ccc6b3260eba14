"""Signal receivers: thin and idempotent; they flush, the sender's view or job commits."""
from __future__ import annotations

from lms.core.events import ActivityOutcome, AttemptGraded
from lms.courses.services import progress


def on_activity_completed(sender, payload: ActivityOutcome, **_kw) -> None:
    """An activity type reported a result (page viewed, SCORM committed ...)."""
    progress.on_outcome(payload.user_id, payload.activity_type, payload.activity_ref,
                        completed=payload.completed, score=payload.score, passed=payload.passed,
                        at=payload.occurred_at)


def on_attempt_graded(sender, payload: AttemptGraded, **_kw) -> None:
    """A quiz attempt was graded: passing completes the quiz activity; a regrade below the mark undoes it."""
    progress.on_outcome(payload.user_id, "quiz", str(payload.quiz_id), completed=payload.passed,
                        score=payload.quiz_grade, passed=payload.passed, uncomplete=not payload.passed,
                        at=payload.graded_at)
