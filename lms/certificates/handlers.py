"""Signal receivers: thin and idempotent (a replayed event issues nothing twice)."""
from __future__ import annotations

from lms.certificates.services.issuing import issue_for_completion


def on_course_completed(sender, payload=None, **kwargs) -> None:
    """A course was completed: issue its certificate when a rule covers it and holds (flush only)."""
    issue_for_completion(payload)
