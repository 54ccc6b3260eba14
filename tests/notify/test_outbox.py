"""The outbox drained to a real SMTP server: arrives once, retries with backoff, gives up visibly."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.notifications import notify
from lms.core.notifications.models import MailStatus, OutboxMessage
from lms.core.notifications.outbox import MailServerDown, drain_outbox, retry_delay, retry_failed, summary


def queue(make_user, n: int, **user_kw):
    users = [make_user(f"o{i}@example.vn", name=f"Người {i}", **user_kw) for i in range(n)]
    for i, user in enumerate(users):
        notify(user.id, "core/welcome", {}, link="/", dedupe_key=f"welcome:{i}")
    db.session.commit()
    return users


def rows():
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_arrives_in_the_recipients_language_with_a_stable_message_id(app, make_user, mail_server):
    app.config["PUBLIC_BASE_URL"] = "https://lms.sonha.example.vn"
    vi = make_user("vi@example.vn", name="Trần Thị Bích")
    en = make_user("en@example.vn", name="John Smith", locale="en")
    notify(vi.id, "core/welcome", {}, link="/courses", dedupe_key="w:vi")
    notify(en.id, "core/welcome", {}, link="/courses", dedupe_key="w:en")
    db.session.commit()
    report = drain_outbox()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    by_to = {m["To"]: m for m in mail_server.inbox.messages}
    assert by_to["vi@example.vn"]["Subject"] == "Chào mừng bạn đến với LMS"
    assert by_to["en@example.vn"]["Subject"] == "Welcome to LMS"
    body = by_to["vi@example.vn"].get_content()
    assert "Xin chào Trần Thị Bích," in body and "https://lms.sonha.example.vn/courses" in body
    assert "https://lms.sonha.example.vn/account/preferences" in body
    assert by_to["vi@example.vn"]["From"].addresses[0].addr_spec == "lms@sonha.example.vn"
    stored = {r.to_address: r for r in rows()}
    assert by_to["en@example.vn"]["Message-ID"] == stored["en@example.vn"].message_id
    assert all(r.status is MailStatus.sent and r.sent_at and r.attempts == 1 for r in stored.values())
    assert mail_server.inbox.envelopes[0][0] == "lms@sonha.example.vn"


def test_server_down_then_up_every_message_arrives_exactly_once(app, make_user, smtp_server):
    queue(make_user, 5)
    with pytest.raises(MailServerDown):
        drain_outbox()  # nothing listens on the port yet
    assert all(r.status is MailStatus.pending and r.attempts == 0 for r in rows())
    with pytest.raises(MailServerDown):
        drain_outbox()
    smtp_server.start()
    assert drain_outbox().sent == 5
    assert drain_outbox().sent == 0  # a second run sends nothing twice
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == 5 and len(set(ids)) == 5
    assert sorted(ids) == sorted(r.message_id for r in rows())
    smtp_server.stop()
    assert drain_outbox().sent == 0  # nothing due: the stopped server is not even contacted


def test_a_temporary_refusal_is_retried_after_a_growing_delay(app, make_user, mail_server):
    queue(make_user, 1)
    mail_server.inbox.mode = "tempfail"
    start = utcnow()
    report = drain_outbox(now=start)
    assert (report.sent, report.retrying) == (0, 1)
    row = rows()[0]
    assert row.status is MailStatus.pending and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at == start + timedelta(seconds=60)
    assert drain_outbox(now=start + timedelta(seconds=59)).retrying == 0  # not yet due
    drain_outbox(now=start + timedelta(seconds=61))
    assert rows()[0].next_attempt_at == start + timedelta(seconds=61 + 120)
    mail_server.inbox.mode = "accept"
    assert drain_outbox(now=start + timedelta(seconds=200)).sent == 1
    assert len(mail_server.inbox.messages) == 1 and rows()[0].last_error is None


def test_retry_delay_doubles_up_to_a_cap(app):
    app.config.update(MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=3600)
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 20)] == [60, 120, 240, 1920, 3600, 3600]


def test_a_message_that_keeps_failing_is_marked_failed_and_can_be_retried(app, make_user, mail_server):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=0)
    queue(make_user, 1)
    mail_server.inbox.mode = "tempfail"
    for _ in range(3):
        drain_outbox()
    row = rows()[0]
    assert row.status is MailStatus.failed and row.attempts == 3 and "gave up after 3 attempts" in row.last_error
    assert drain_outbox().failed == 0  # a failed message is left alone
    assert summary().failed == 1
    mail_server.inbox.mode = "accept"
    assert retry_failed(row.id) is True
    db.session.commit()
    assert retry_failed(row.id) is False  # pending now: nothing to retry
    assert drain_outbox().sent == 1 and len(mail_server.inbox.messages) == 1


def test_a_permanent_refusal_fails_at_once(app, make_user, mail_server):
    queue(make_user, 1)
    mail_server.inbox.mode = "reject"
    assert drain_outbox().failed == 1
    row = rows()[0]
    assert row.status is MailStatus.failed and row.attempts == 1 and "550" in row.last_error


def test_an_ambiguous_failure_is_retried_with_the_same_message_id(app, make_user, mail_server):
    app.config.update(MAIL_RETRY_BASE_SECONDS=0)
    queue(make_user, 2)
    mail_server.inbox.mode = "drop_after_accept"
    report = drain_outbox()
    assert report.sent == 0 and report.retrying == 2
    assert all("may have the message" in r.last_error for r in rows())
    mail_server.inbox.mode = "accept"
    assert drain_outbox().sent == 2
    ids = mail_server.inbox.message_ids()
    # The server got each message twice; the copies carry one Message-ID each, so they are recognisable.
    assert len(ids) == 4 and len(set(ids)) == 2


def test_without_a_mail_server_mail_waits(app, make_user):
    queue(make_user, 1)
    app.config["MAIL_SERVER"] = None
    report = drain_outbox()
    assert report.sent == 0 and "MAIL_SERVER" in str(report)
    assert rows()[0].status is MailStatus.pending


def test_the_recipients_current_language_is_used_when_sending(app, make_user, mail_server):
    user, = queue(make_user, 1)
    user.locale = "en"  # changed after the mail was queued
    db.session.commit()
    drain_outbox()
    assert mail_server.inbox.messages[0]["Subject"] == "Welcome to LMS"


def test_a_sensitive_mail_keeps_no_secret_once_sent(app, make_user, mail_server):
    from lms.core.notifications.services import enqueue_mail
    user = make_user("s@example.vn")
    enqueue_mail(user.email, "core/notifications/welcome", {"secret": "abc"}, user_id=user.id, sensitive=True)
    db.session.commit()
    drain_outbox()
    assert rows()[0].params == {}


@pytest.mark.postgres
def test_two_drainers_at_once_never_send_a_message_twice(app, make_user, mail_server):
    import threading
    queue(make_user, 12)
    errors = []

    def drainer():
        try:
            with app.app_context():
                drain_outbox()
                db.session.remove()
        except Exception as problem:  # surfaced below
            errors.append(problem)
    threads = [threading.Thread(target=drainer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    ids = mail_server.inbox.message_ids()
    assert len(ids) == 12 and len(set(ids)) == 12
    assert all(r.status is MailStatus.sent for r in rows())
