"""Log-out ends the session on the server: a copied session or remember-me cookie stops working.

"Log out everywhere", a new password (changed, reset or set by an administrator) and deactivation
end the account's other sessions too.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import UserSession

PRIVATE_PAGE = "/account/password"


def log_in(client, user, *, remember=False, password="correct horse"):
    db.session.commit()
    data = {"identifier": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.data[:500]
    return client


def copy_cookie(source, target, name):
    """What a thief does with a cookie read off a shared computer."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    target.set_cookie(name, cookie.value)


def logged_in(client) -> bool:
    return client.get(PRIVATE_PAGE).status_code == 200


def sessions_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_a_copied_session_cookie_stops_working_after_log_out(app, client, make_user):
    user = make_user("an@example.vn")
    log_in(client, user)
    thief = app.test_client()
    copy_cookie(client, thief, "session")
    assert logged_in(thief)  # the copy is as good as the original while the session lives
    client.post("/logout")
    assert not logged_in(client)
    assert not logged_in(thief)
    assert sessions_of(user) == 0


def test_a_copied_remember_me_cookie_stops_working_after_log_out(app, client, make_user):
    user = make_user("binh@example.vn")
    log_in(client, user, remember=True)
    copied_before_log_out = app.test_client()
    copy_cookie(client, copied_before_log_out, "remember_token")
    restored = app.test_client()
    copy_cookie(client, restored, "remember_token")
    assert logged_in(restored)  # the remember-me cookie alone logs in while its session lives
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert not logged_in(copied_before_log_out)
    assert not logged_in(restored)


def test_logging_out_on_one_device_keeps_the_others(app, client, make_user):
    user = make_user("chi@example.vn")
    log_in(client, user)
    phone = log_in(app.test_client(), user, remember=True)
    client.post("/logout")
    assert logged_in(phone)
    assert sessions_of(user) == 1


def test_log_out_everywhere_ends_every_session_this_one_too(app, client, make_user):
    user = make_user("dung@example.vn")
    laptop = log_in(app.test_client(), user, remember=True)
    remembered = app.test_client()
    copy_cookie(laptop, remembered, "remember_token")
    log_in(client, user)
    assert "Đăng xuất trên mọi thiết bị" in client.get(PRIVATE_PAGE).get_data(as_text=True)
    response = client.post("/account/sessions/end")
    assert response.status_code == 302 and response.location.endswith("/login")
    assert "Bạn đã được đăng xuất trên mọi thiết bị" in client.get("/login").get_data(as_text=True)
    assert not logged_in(client) and not logged_in(laptop) and not logged_in(remembered)
    assert sessions_of(user) == 0


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, make_user):
    user = make_user("giang@example.vn")
    other = log_in(app.test_client(), user)
    remembered = app.test_client()
    copy_cookie(log_in(app.test_client(), user, remember=True), remembered, "remember_token")
    log_in(client, user)
    response = client.post(PRIVATE_PAGE, data={"current": "correct horse", "new": "sông Hương chiều",
                                               "confirm": "sông Hương chiều"})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(other) and not logged_in(remembered)
    assert sessions_of(user) == 1


def test_an_administrator_setting_a_password_ends_the_persons_sessions(app, client, make_user):
    person = make_user("hai@example.vn", name="Lê Văn Hải")
    theirs = log_in(app.test_client(), person)
    log_in(client, make_user("root@example.vn", roles=["admin"]))
    response = client.post(f"/admin/users/{person.id}", data={
        "display_name": "Lê Văn Hải", "email": "hai@example.vn", "locale": "vi", "active": "y",
        "password": "đồi thông hai mộ"})
    assert response.status_code == 302
    assert not logged_in(theirs)


def test_a_deactivated_account_is_logged_out(app, client, make_user):
    person = make_user("khanh@example.vn")
    log_in(client, person)
    person.active = False
    db.session.commit()
    assert not logged_in(client)


def test_an_expired_session_does_not_count(client, make_user):
    from datetime import timedelta

    from lms.core.db import utcnow

    user = make_user("lan@example.vn")
    log_in(client, user)
    db.session.execute(UserSession.__table__.update().where(UserSession.user_id == user.id)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not logged_in(client)


def test_the_session_key_is_stored_hashed(client, make_user):
    user = make_user("mai@example.vn")
    log_in(client, user, remember=True)
    stored = db.session.scalar(select(UserSession.key_hash).where(UserSession.user_id == user.id))
    key = client.get_cookie("remember_token").value.split("|")[0].split(":")[1]
    assert key and key not in stored and len(stored) == 64


def test_the_user_their_grants_and_the_session_come_in_one_query(client, make_user, count_queries):
    log_in(client, make_user("nam@example.vn"))
    with count_queries() as counted:
        assert client.get(PRIVATE_PAGE).status_code == 200
    loading = [s for s in counted.statements if "core_user_sessions" in s or "core_users" in s]
    assert len(loading) == 1 and "core_grants" in loading[0] and "core_user_sessions" in loading[0]


def test_a_log_in_that_skips_the_server_side_session_fails_loudly(app, make_user):
    from flask_login import login_user

    from lms.core.views.auth import log_in

    user = make_user("oanh@example.vn")
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="log_in"):
        login_user(user)
    user.session_key = None
    with app.test_request_context("/"):
        log_in(user)
        assert sessions_of(user) == 1
