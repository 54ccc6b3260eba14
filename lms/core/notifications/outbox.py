"""The outbox: mail written in the transaction of the change that causes it, sent afterwards by a job.

`drain_outbox()` sends what is due, one message per transaction: it claims a row (on PostgreSQL with
`FOR UPDATE SKIP LOCKED`, so two drainers never take the same message), hands it to the SMTP server,
and marks it sent only once the server accepted it, committing at once. A crash between the server's
"250" and that commit can send a message twice; the retry then carries the same Message-ID, which
makes the duplicate recognisable. Failures are retried with exponential backoff; after
MAIL_MAX_ATTEMPTS (or on a permanent 5xx refusal) the message is marked failed and shown to admins.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from lms.core.db import db, utcnow
from lms.core.notifications.mail import PermanentFailure, ServerUnavailable, SmtpSender, TemporaryFailure, build_message
from lms.core.notifications.models import MailStatus, OutboxMessage

log = logging.getLogger("lms.mail")


class MailServerDown(RuntimeError):
    """The drain stopped because the server is unreachable; the job run records it as a failure."""


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: str = ""
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.skipped:
            return self.skipped
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}"


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base * 2^(n-1), capped."""
    cfg = current_app.config
    seconds = cfg["MAIL_RETRY_BASE_SECONDS"] * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, cfg["MAIL_RETRY_MAX_SECONDS"]))


def _claim_next(now: datetime, tried: set[int]) -> OutboxMessage | None:
    statement = (select(OutboxMessage)
                 .where(OutboxMessage.status == MailStatus.pending, OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1))
    if tried:
        statement = statement.where(OutboxMessage.id.not_in(tried))
    if db.session.get_bind().dialect.name == "postgresql":
        # The row stays locked until this message's commit; another drainer skips it.
        statement = statement.with_for_update(skip_locked=True)
    return db.session.scalars(statement).first()


def drain_outbox(*, limit: int | None = None, now: datetime | None = None) -> DrainReport:
    """Send the mail that is due. Commits after each message (a sent mail must be marked at once).

    Raises MailServerDown when the server cannot be reached: nothing more is tried in this run, no
    message spends an attempt, and the next run tries again.
    """
    cfg = current_app.config
    report = DrainReport()
    if not cfg.get("MAIL_SERVER"):
        report.skipped = "MAIL_SERVER is not set: mail waits in the outbox"
        return report
    limit = limit or cfg["MAIL_BATCH_SIZE"]
    sender = SmtpSender(cfg)
    tried: set[int] = set()
    try:
        while len(tried) < limit:
            moment = now or utcnow()
            row = _claim_next(moment, tried)
            if row is None:
                break
            tried.add(row.id)
            try:
                message = build_message(row)
            except Exception as problem:  # a broken template: no retry will mend it
                log.exception("mail %s: cannot be rendered", row.id)
                _give_up(row, f"cannot render {row.template}: {type(problem).__name__}: {problem}", report)
                db.session.commit()
                continue
            try:
                sender.send(message)
            except ServerUnavailable as down:
                db.session.rollback()  # releases the claim; the message keeps its attempts
                log.warning("mail server unavailable: %s", down)
                raise MailServerDown(str(down)) from down
            except PermanentFailure as refused:
                row.attempts += 1
                _give_up(row, str(refused), report)
            except TemporaryFailure as problem:
                row.attempts += 1
                _retry_later(row, moment, str(problem), report)
            else:
                row.attempts += 1
                row.status = MailStatus.sent
                row.sent_at = utcnow()
                row.last_error = None
                if row.sensitive:  # a reset link: useless to keep, harmful to leak
                    row.params = {}
                    row.link = None
                report.sent += 1
                log.info("mail %s sent to %s as %s", row.id, row.to_address, row.message_id)
            db.session.commit()
    finally:
        sender.close()
    return report


def _retry_later(row: OutboxMessage, now: datetime, error: str, report: DrainReport) -> None:
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _give_up(row, f"gave up after {row.attempts} attempts; last: {error}", report)
        return
    row.next_attempt_at = now + retry_delay(row.attempts)
    row.last_error = error
    report.retrying += 1
    report.problems.append(f"{row.id}: {error}")
    log.warning("mail %s to %s: attempt %s failed, next at %s: %s", row.id, row.to_address, row.attempts,
                row.next_attempt_at.isoformat(), error)


def _give_up(row: OutboxMessage, error: str, report: DrainReport) -> None:
    row.status = MailStatus.failed
    row.last_error = error
    report.failed += 1
    report.problems.append(f"{row.id}: {error}")
    log.error("mail %s to %s failed for good: %s", row.id, row.to_address, error)


def retry_failed(message_id: int) -> bool:
    """An admin sends a failed message again (e.g. after fixing the address). Flushes."""
    result = db.session.execute(update(OutboxMessage)
                                .where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.failed)
                                .values(status=MailStatus.pending, attempts=0, next_attempt_at=utcnow()))
    return bool(result.rowcount)


@dataclass(frozen=True)
class OutboxSummary:
    pending: int
    failed: int
    sent: int
    oldest_pending_at: datetime | None


def summary() -> OutboxSummary:
    """Counts by status and the oldest waiting message, in one query."""
    rows = db.session.execute(select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at))
                              .group_by(OutboxMessage.status)).all()
    by_status = {status: (n, oldest) for status, n, oldest in rows}
    return OutboxSummary(pending=by_status.get(MailStatus.pending, (0, None))[0],
                         failed=by_status.get(MailStatus.failed, (0, None))[0],
                         sent=by_status.get(MailStatus.sent, (0, None))[0],
                         oldest_pending_at=by_status.get(MailStatus.pending, (0, None))[1])
