"""Log-in by employee code or e-mail, throttling, CSRF, password change and session cookies."""
from __future__ import annotations

from lms.core.db import db
from lms.core.models import LoginAttempt


def test_login_with_email_or_employee_code(client, make_user, make_official):
    """Codes are matched as HR gives them; e-mails in any case (issue 16)."""
    person = make_official("Trần Thị Bích")
    make_user(official=person)
    by_email = make_user("giang.vien@example.vn")
    db.session.commit()
    response = client.post("/login", data={"identifier": person.employee_code, "password": "correct horse"})
    assert response.status_code == 302
    client.post("/logout")
    response = client.post("/login", data={"identifier": "GIANG.VIEN@example.vn", "password": "correct horse"})
    assert response.status_code == 302
    assert by_email.last_login_at is not None or db.session.get(type(by_email), by_email.id).last_login_at


def test_wrong_password_and_unknown_account_get_the_same_message(client, make_user):
    make_user("a@example.vn")
    db.session.commit()
    wrong_password = client.post("/login", data={"identifier": "a@example.vn", "password": "nope"})
    unknown = client.post("/login", data={"identifier": "nobody@example.vn", "password": "nope"})
    assert wrong_password.status_code == unknown.status_code == 401
    message = "Thông tin đăng nhập hoặc mật khẩu không đúng.".encode()
    assert message in wrong_password.data and message in unknown.data


def test_throttled_per_account_then_per_address(app, client, make_user):
    make_user("target@example.vn")
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/login", data={"identifier": "target@example.vn", "password": "bad"})
    blocked = client.post("/login", data={"identifier": "target@example.vn", "password": "correct horse"})
    assert blocked.status_code == 401 and "Quá nhiều lần".encode() in blocked.data
    # another account from another address is not affected
    other = app.test_client()
    make_user("other@example.vn")
    db.session.commit()
    ok = other.post("/login", data={"identifier": "other@example.vn", "password": "correct horse"},
                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert ok.status_code == 302


def test_throttled_per_address(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        client.post("/login", data={"identifier": f"guess{n}@example.vn", "password": "x"})
    assert db.session.query(LoginAttempt).count() == 3
    blocked = client.post("/login", data={"identifier": "guess9@example.vn", "password": "x"})
    assert "Quá nhiều lần".encode() in blocked.data


def test_csrf_is_enforced_on_forms(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("csrf@example.vn")
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"identifier": "csrf@example.vn", "password": "correct horse"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn".encode() in response.data


def test_change_password_ends_other_sessions(app, login, make_user):
    user = make_user("me@example.vn")
    first = login(user)
    second = app.test_client()
    second.post("/login", data={"identifier": "me@example.vn", "password": "correct horse"})
    assert second.get("/account/password").status_code == 200
    response = first.post("/account/password", data={"current": "correct horse", "new": "new-secret-1",
                                                     "confirm": "new-secret-1"})
    assert response.status_code == 302
    assert first.get("/account/password").status_code == 200  # this session was renewed
    assert second.get("/account/password").status_code == 302  # the other one is logged out
    from lms.core.notifications.models import Notification
    notices = db.session.query(Notification).filter_by(user_id=user.id).all()
    assert [n.template for n in notices] == ["core/password_changed"]


def test_change_password_checks_the_current_one(login, make_user):
    client = login(make_user("me2@example.vn"))
    response = client.post("/account/password", data={"current": "wrong", "new": "new-secret-1",
                                                       "confirm": "new-secret-1"})
    assert "Mật khẩu hiện tại không đúng".encode() in response.data


def test_passwords_are_hashed_with_a_memory_hard_kdf(make_user):
    user = make_user("kdf@example.vn")
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse" not in user.password_hash


def test_session_cookie_is_secure_in_production_config(app_factory):
    app = app_factory(TESTING=False, SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_login_does_not_redirect_off_site(client, make_user):
    make_user("nav@example.vn")
    db.session.commit()
    response = client.post("/login?next=https://evil.example/", data={"identifier": "nav@example.vn",
                                                                       "password": "correct horse"})
    assert response.location == "/"


def test_inactive_account_cannot_log_in(client, make_user):
    make_user("gone@example.vn", active=False)
    db.session.commit()
    assert client.post("/login", data={"identifier": "gone@example.vn", "password": "correct horse"}).status_code == 401


def test_failures_count_against_the_account_whichever_identifier_was_typed(app, client, make_user, make_official):
    person = make_official("Hoàng Thị Thu")
    make_user("thu@example.vn", official=person)
    db.session.commit()
    allowed = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for n in range(allowed):  # half by e-mail, half by employee code, from different addresses
        identifier = "THU@example.vn" if n % 2 else person.employee_code
        client.post("/login", data={"identifier": identifier, "password": "bad"},
                    environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
    blocked = client.post("/login", data={"identifier": "thu@example.vn", "password": "correct horse"},
                          environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert blocked.status_code == 401
    assert "Quá nhiều lần đăng nhập không thành công. Vui lòng chờ 15 phút" in blocked.get_data(as_text=True)


def test_the_lockout_lasts_until_the_oldest_failure_leaves_the_window(app, client, make_user):
    from datetime import timedelta

    from lms.core.db import utcnow

    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 2
    old = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] - 150)
    db.session.add_all([LoginAttempt(account_key="typed:x", address="127.0.0.1", at=old),
                        LoginAttempt(account_key="typed:y", address="127.0.0.1")])
    make_user("wait@example.vn")
    db.session.commit()
    blocked = client.post("/login", data={"identifier": "wait@example.vn", "password": "correct horse"})
    assert "chờ 3 phút" in blocked.get_data(as_text=True)
    db.session.execute(LoginAttempt.__table__.update().where(LoginAttempt.account_key == "typed:x")
                       .values(at=utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)))
    db.session.commit()
    assert client.post("/login", data={"identifier": "wait@example.vn", "password": "correct horse"}
                       ).status_code == 302


def test_an_unknown_login_runs_the_password_hash_like_a_known_one(client, make_user, monkeypatch):
    from lms.core.services import accounts

    make_user("known@example.vn")
    make_user("away@example.vn", active=False)
    db.session.commit()
    calls = []
    real = accounts.check_password_hash

    def counted(hashed, password):
        calls.append(hashed.split("$")[0])
        return real(hashed, password)
    monkeypatch.setattr(accounts, "check_password_hash", counted)
    for identifier, password in [("nobody@example.vn", "x"), ("NV404", "x"), ("known@example.vn", "x"),
                                 ("away@example.vn", "correct horse"), ("known@example.vn", "correct horse")]:
        before = len(calls)
        client.post("/login", data={"identifier": identifier, "password": password})
        assert len(calls) == before + 1, identifier
        client.post("/logout")
    assert len(set(calls)) == 1  # the same kind of hash, with the same cost
