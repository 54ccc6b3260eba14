"""Scheduled work of the quizzes plugin. The core scheduler runs each job in an app context and commits
(or rolls back) once around it; jobs only flush."""
from __future__ import annotations

from flask import current_app

from lms.quizzes.services.attempts import submit_overdue


def submit_overdue_attempts() -> int:
    """Submit and grade the attempts whose time is up (idempotent; a batch per run, oldest first)."""
    return submit_overdue(limit=current_app.config.get("QUIZZES_OVERDUE_BATCH", 500))
