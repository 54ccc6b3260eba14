"""notify(): an in-app notice and an outbox row in the caller's transaction, once per dedupe key."""
import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.notifications import Notification, notify
from lms.core.notifications.models import MailStatus, NotificationOptOut, OutboxMessage
from lms.core.notifications.rendering import render_notification


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_notify_writes_a_notice_and_a_mail_without_committing(app, make_user):
    user = make_user("an@example.vn", name="Nguyễn Văn An")
    notice = notify(user.id, "core/welcome", {}, link="/", dedupe_key="welcome:1")
    assert isinstance(notice, Notification)
    assert (notice.user_id, notice.template, notice.link, notice.read_at) == (user.id, "core/welcome", "/", None)
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_address == "an@example.vn" and mail.status is MailStatus.pending
    assert mail.template == "core/notifications/welcome" and mail.user_id == user.id
    assert mail.message_id.startswith("<") and mail.message_id.endswith(">")
    db.session.rollback()  # nothing was committed: the caller's rollback takes the notice and mail away
    assert count(Notification) == 0 and count(OutboxMessage) == 0


def test_second_call_with_the_same_key_adds_nothing(app, make_user):
    user = make_user()
    assert notify(user.id, "core/welcome", {}, dedupe_key="k1") is not None
    db.session.commit()
    assert notify(user.id, "core/welcome", {}, dedupe_key="k1") is None
    assert notify(user.id, "core/welcome", {}, dedupe_key="k1", mandatory=True) is None
    db.session.commit()
    assert count(Notification) == 1 and count(OutboxMessage) == 1


def test_no_mail_without_an_address_or_when_not_wanted(app, make_user, make_official):
    no_address = make_user(login_code="CB1", email=None)
    db.session.get(type(no_address), no_address.id).email = None
    db.session.flush()
    assert notify(no_address.id, "core/welcome", {}, dedupe_key="a") is not None
    wants_none = make_user()
    assert notify(wants_none.id, "core/welcome", {}, dedupe_key="b", email=False) is not None
    assert count(Notification) == 2 and count(OutboxMessage) == 0


def test_an_official_without_account_email_is_mailed_at_the_records_address(app, make_user, make_official):
    person = make_official(email="an.nv@sonha.gov.vn")
    user = make_user(official=person)
    user.email = None
    db.session.flush()
    notify(user.id, "core/welcome", {}, dedupe_key="c")
    assert db.session.scalar(select(OutboxMessage.to_address)) == "an.nv@sonha.gov.vn"


def test_turned_off_reminders_are_not_sent_but_mandatory_notices_are(app, make_user):
    user = make_user()
    db.session.add(NotificationOptOut(user_id=user.id, template="core/welcome"))
    db.session.flush()
    assert notify(user.id, "core/welcome", {}, dedupe_key="w") is None
    assert notify(user.id, "core/welcome", {}, dedupe_key="w2", mandatory=True) is not None
    assert count(Notification) == 1 and count(OutboxMessage) == 1


def test_unknown_or_malformed_templates_fail_loudly(app, make_user):
    user = make_user()
    with pytest.raises(ValueError, match="does not exist"):
        notify(user.id, "core/no_such_notice", {}, dedupe_key="x")
    with pytest.raises(ValueError, match="area/name"):
        notify(user.id, "../etc/passwd", {}, dedupe_key="y")
    with pytest.raises(ValueError):
        notify(user.id, "core/welcome", {}, dedupe_key="")
    assert count(Notification) == 0


def test_rendered_in_the_recipients_language(app, make_user):
    vi = render_notification("core/password_changed", {"changed_at": "01/12/2026 08:30"}, locale="vi",
                             recipient_name="An")
    en = render_notification("core/password_changed", {"changed_at": "01/12/2026 08:30"}, locale="en",
                             recipient_name="An")
    assert en.subject == "Your password was changed"
    assert vi.subject == "Mật khẩu của bạn đã được thay đổi"
    assert "01/12/2026 08:30" in vi.body and "01/12/2026 08:30" in en.body
    assert "\n" not in vi.subject


def test_absolute_links_in_mail(app):
    app.config["PUBLIC_BASE_URL"] = "https://lms.sonha.gov.vn"
    rendered = render_notification("core/welcome", {}, locale="en", link="/courses/3", absolute=True)
    assert "https://lms.sonha.gov.vn/courses/3" in rendered.body


def test_params_must_be_json(app, make_user):
    from datetime import date
    user = make_user()
    with pytest.raises(ValueError, match="JSON"):
        notify(user.id, "core/welcome", {"due": date(2026, 12, 1)}, dedupe_key="j")


@pytest.mark.postgres
def test_two_transactions_racing_on_one_key_notify_once(app, make_user):
    import threading
    user_id = make_user().id
    db.session.commit()
    barrier = threading.Barrier(2)
    results = []

    def racer():
        with app.app_context():
            barrier.wait()
            results.append(notify(user_id, "core/welcome", {}, dedupe_key="race") is not None)
            db.session.commit()
            db.session.remove()
    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert count(Notification) == 1 and count(OutboxMessage) == 1
