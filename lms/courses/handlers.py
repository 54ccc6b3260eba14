"""Signal receivers: thin and idempotent; they flush, the sender's view or job commits."""
from __future__ import annotations

from lms.core.events import ActivityOutcome
from lms.courses.services import progress


def on_activity_completed(sender, payload: ActivityOutcome, **_kw) -> None:
    """An activity type reported a result (page viewed, package committed, test graded ...); an outcome that
    supersedes the earlier ones and is not complete withdraws the completion (a regrade below the mark)."""
    progress.on_outcome(payload.user_id, payload.activity_type, payload.activity_ref,
                        completed=payload.completed, score=payload.score, passed=payload.passed,
                        uncomplete=payload.supersedes and not payload.completed, at=payload.occurred_at)
