"""Forgotten password: the same answer for every account, a single-use expiring link by e-mail."""
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from lms.core.db import db, utcnow
from lms.core.models import User
from lms.core.notifications.models import Notification, OutboxMessage, PasswordResetToken
from lms.core.notifications.outbox import drain_outbox


def forgot(client, identifier):
    return client.post("/password/forgot", data={"identifier": identifier})


# A CSRF token is signed with the time in seconds: two pages a second apart differ there and nowhere else.
CSRF_TOKEN = re.compile(r'((?:name="csrf_token" value|name="csrf-token" content)=")[^"]+')


def mailed_link(mail_server) -> str:
    body = mail_server.inbox.messages[-1].get_content()
    return re.search(r"http://[^/\s]+(/password/reset/\S+)", body).group(1)


def test_the_answer_is_the_same_whether_the_account_exists_or_not(app, client, make_user, make_official):
    make_user("an@example.vn")
    no_address = make_user(official=make_official(code="CB77001"), email=None)
    no_address.email = None
    db.session.commit()
    answers = [forgot(client, who) for who in ("an@example.vn", "nobody@example.vn", "CB77001", "CB00000")]
    assert {r.status_code for r in answers} == {200}
    # The same page but for the per-request CSRF token and script nonce.
    texts = {re.sub(r'nonce="[^"]+"', "", CSRF_TOKEN.sub(r"\1", r.get_data(as_text=True))) for r in answers}
    assert len(texts) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # only the real, reachable one


def test_the_link_arrives_by_mail_works_once_and_changes_the_password(app, client, make_user, mail_server):
    app.config["PUBLIC_BASE_URL"] = "http://lms.test"
    user = make_user("an@example.vn", name="Lê Văn An")
    db.session.commit()
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"identifier": "an@example.vn", "password": "correct horse"})
    forgot(client, "AN@example.vn")
    drain_outbox()
    message = mail_server.inbox.messages[0]
    assert message["Subject"] == "Đặt lại mật khẩu trên LMS"
    assert "/account/preferences" not in message.get_content()  # not a reminder: no opt-out footer
    link = mailed_link(mail_server)
    # Only the token's hash is kept, and the sent mail forgets the link.
    raw = link.rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordResetToken))
    assert stored.token_hash != raw and len(stored.token_hash) == 64
    db.session.expire_all()
    outbox = db.session.scalar(select(OutboxMessage))
    assert outbox.link is None and outbox.params == {}

    assert client.get(link).status_code == 200
    response = client.post(link, data={"new": "một mật khẩu mới", "confirm": "một mật khẩu mới"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.check_password("một mật khẩu mới")
    assert elsewhere.get("/account/password").status_code == 302  # the account's sessions ended
    assert client.get(link).status_code == 404  # single use
    assert client.post(link, data={"new": "another one!", "confirm": "another one!"}).status_code == 404
    notice = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert notice.template == "core/password_changed" and notice.mandatory


def test_an_expired_or_unknown_link_is_refused(app, client, make_user, mail_server):
    make_user("an@example.vn")
    db.session.commit()
    forgot(client, "an@example.vn")
    drain_outbox()
    link = mailed_link(mail_server)
    db.session.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.get("/password/reset/not-a-token").status_code == 404


def test_a_weak_password_keeps_the_link_usable(app, client, make_user, mail_server):
    make_user("an@example.vn")
    db.session.commit()
    forgot(client, "an@example.vn")
    drain_outbox()
    link = mailed_link(mail_server)
    response = client.post(link, data={"new": "short", "confirm": "short"})
    assert response.status_code == 200 and "ít nhất 10 ký tự" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_requests_are_throttled_per_account_whether_it_exists_or_not(app, client, make_user):
    app.config["PASSWORD_RESET_MAX_PER_ACCOUNT"] = 2
    make_user("an@example.vn")
    db.session.commit()
    for who in ("an@example.vn", "ghost@example.vn"):
        assert [forgot(client, who).status_code for _ in range(3)] == [200, 200, 429]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_requests_are_throttled_per_address(app, client):
    app.config["PASSWORD_RESET_MAX_PER_ADDRESS"] = 3
    codes = [forgot(client, f"person{i}@example.vn").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_login_page_links_to_the_forgotten_password_page(app, client):
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)


def test_csrf_protects_the_forgotten_password_form(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post("/password/forgot", data={"identifier": "an@example.vn"})
        assert response.status_code == 400
