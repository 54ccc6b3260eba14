"""The nightly clean-up: rows kept only for throttling, tracing or history, past their use."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from lms.core.db import db, utcnow
from lms.core.notifications.models import MailStatus, OutboxMessage, PasswordResetRequest, PasswordResetToken
from lms.core.scheduler.models import JobRun
from lms.core.services import sessions
from lms.core.services.accounts import purge_old_attempts


def housekeeping() -> str:
    cfg = current_app.config
    now = utcnow()
    counts = {
        "login attempts": purge_old_attempts(),
        "ended sessions": sessions.purge_expired(),
        "reset requests": db.session.execute(delete(PasswordResetRequest).where(
            PasswordResetRequest.at < now - timedelta(seconds=cfg["PASSWORD_RESET_WINDOW_SECONDS"]))).rowcount,
        "reset tokens": db.session.execute(delete(PasswordResetToken).where(
            PasswordResetToken.expires_at < now - timedelta(days=1))).rowcount,
        "sent mail": db.session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == MailStatus.sent,
            OutboxMessage.sent_at < now - timedelta(days=cfg["MAIL_KEEP_SENT_DAYS"]))).rowcount,
        "job runs": db.session.execute(delete(JobRun).where(
            JobRun.started_at < now - timedelta(days=cfg["SCHEDULER_KEEP_RUNS_DAYS"]))).rowcount,
    }
    return "purged " + ", ".join(f"{n} {what}" for what, n in counts.items())
