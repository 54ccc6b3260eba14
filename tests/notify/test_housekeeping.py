"""The nightly clean-up removes what is past its use and keeps the rest (failed mail stays)."""
from datetime import timedelta

from sqlalchemy import func, select, update

from lms.core.db import db, utcnow
from lms.core.models import LoginAttempt
from lms.core.models.accounts import UserSession
from lms.core.notifications import notify
from lms.core.notifications.models import MailStatus, OutboxMessage, PasswordResetRequest, PasswordResetToken
from lms.core.scheduler.housekeeping import housekeeping
from lms.core.scheduler.models import JobRun


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_housekeeping_purges_old_rows_only(app, make_user):
    long_ago, now = utcnow() - timedelta(days=90), utcnow()
    user = make_user()
    for i, (status, sent_at) in enumerate([(MailStatus.sent, long_ago), (MailStatus.sent, now),
                                           (MailStatus.failed, None), (MailStatus.pending, None)]):
        notify(user.id, "core/welcome", {}, dedupe_key=f"h{i}")
        db.session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == f"h{i}")
                           .values(status=status, sent_at=sent_at, created_at=long_ago))
    db.session.add_all([
        LoginAttempt(account_key="x", address="1.2.3.4", at=long_ago), LoginAttempt(account_key="x", address="1.2.3.4"),
        PasswordResetRequest(account_key="x", address="1.2.3.4", at=long_ago),
        PasswordResetRequest(account_key="x", address="1.2.3.4"),
        PasswordResetToken(user_id=user.id, token_hash="a" * 64, expires_at=long_ago),
        PasswordResetToken(user_id=user.id, token_hash="b" * 64, expires_at=now + timedelta(hours=1)),
        JobRun(job_id="j", node="n", started_at=long_ago, status="ok"), JobRun(job_id="j", node="n", status="ok"),
        UserSession(key_hash="c" * 64, user_id=user.id, expires_at=long_ago),
        UserSession(key_hash="d" * 64, user_id=user.id, expires_at=now + timedelta(hours=1)),
    ])
    db.session.flush()
    result = housekeeping()
    assert result.startswith("purged 1 login attempts, 1 ended sessions, 1 reset requests, 1 reset tokens, "
                             "1 sent mail, 1 job runs")
    assert {s for (s,) in db.session.execute(select(OutboxMessage.status))} == {
        MailStatus.sent, MailStatus.failed, MailStatus.pending}
    assert (count(LoginAttempt), count(PasswordResetRequest), count(PasswordResetToken), count(JobRun),
            count(UserSession)) == (1, 1, 1, 1, 1)
