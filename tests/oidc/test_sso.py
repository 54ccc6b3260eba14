"""Single sign-on against a real OpenID Provider (tests/oidc/provider.mjs), without a browser: the test client is
the browser on the platform's side, httpx on the provider's. Runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import AuditEntry, SsoLink, User
from tests.oidc.conftest import AFTER_LOGOUT, CALLBACK
from tests.oidc.support import OFFICIAL_CODE, closed_port_issuer, log_in_at_provider, query

# The pages speak Vietnamese first: the messages are checked as people read them.
UNVERIFIED = "Không xác minh được phản hồi của Cổng SSO tỉnh"


@pytest.fixture
def official_account(make_official, make_user):
    official = make_official("Nguyễn Văn An", code=OFFICIAL_CODE)
    user = make_user("an.cu@sonha.example.vn", official=official, name="Nguyễn Văn An")
    db.session.commit()
    return user


def sso_client(app_factory, *providers):
    app = app_factory(OIDC_PROVIDERS=[p for p in providers])
    return app, app.test_client()


def go_to_provider(client, name="sso-tinh", next_page=None):
    answer = client.get(f"/sso/{name}/start", query_string={"next": next_page} if next_page else None)
    assert answer.status_code == 302, answer.data[:300]
    return answer.location


def sign_in(client, login, *, name="sso-tinh", cancel=False, next_page=None):
    """The whole journey: the platform's button, the provider's login page, back to the platform's callback."""
    back = log_in_at_provider(go_to_provider(client, name, next_page), login,
                              back_to=CALLBACK.replace("sso-tinh", name), cancel=cancel)
    return client.get(back.removeprefix("http://localhost"))


def flashed(client) -> str:
    return client.get("/login").get_data(as_text=True)


def signed_in_user(client):
    home = client.get("/")
    return home.status_code, home.get_data(as_text=True)


def logged_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def counts():
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(SsoLink)))


def test_the_login_page_offers_each_provider(app_factory, op):
    _app, client = sso_client(app_factory, op.settings(), op.settings(name="sso-bo", label="Cổng SSO của Bộ"))
    page = client.get("/login", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "/sso/sso-tinh/start" in page and "/sso/sso-bo/start" in page
    assert "Cổng SSO tỉnh" in page and "Cổng SSO của Bộ" in page
    assert app_factory().test_client().get("/sso/sso-tinh/start").status_code == 404  # none configured


def test_the_request_carries_state_nonce_and_a_pkce_challenge(app_factory, op):
    _app, client = sso_client(app_factory, op.settings())
    asked = query(go_to_provider(client))
    assert asked["response_type"] == "code" and asked["client_id"] == "lms"
    assert asked["redirect_uri"] == CALLBACK and "openid" in asked["scope"].split()
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 20 and len(asked["nonce"]) >= 20


def test_an_official_logs_in_and_the_identity_is_linked(app_factory, op, official_account):
    _app, client = sso_client(app_factory, op.settings())
    answer = sign_in(client, "an")
    assert answer.status_code == 302 and answer.location == "/"
    status, home = signed_in_user(client)
    assert status == 200 and "Nguyễn Văn An" in home and logged_in(client)
    link = db.session.scalar(select(SsoLink))
    assert (link.issuer, link.subject, link.user_id) == (op.issuer, "an", official_account.id)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "sso.linked")) == "sso.linked"


@pytest.mark.parametrize(("asked", "lands"), [("/certificates/mine", "/certificates/mine"),
                                             ("https://lua-dao.example/", "/")])
def test_the_page_asked_for_before_logging_in_is_opened_after(app_factory, op, official_account, asked, lands):
    _app, client = sso_client(app_factory, op.settings())
    page = client.get("/login", query_string={"next": asked}).get_data(as_text=True)
    assert "/sso/sso-tinh/start?next=" in page
    assert sign_in(client, "an", next_page=asked).location == lands


def test_the_link_outlives_a_change_of_email(app_factory, op, official_account):
    """Matched by e-mail the first time; then the e-mail no longer matches, and the link still leads home."""
    official_account.email = "an.nv@sso.example.vn"
    db.session.commit()
    _app, client = sso_client(app_factory, op.settings(claim="email"))
    assert sign_in(client, "an").location == "/"
    client.post("/logout")
    official_account.email = "an.moi@sonha.example.vn"
    db.session.commit()
    assert sign_in(client, "an").location == "/"
    assert logged_in(client)


def test_an_unknown_person_is_refused_and_nothing_is_created(app_factory, op, official_account):
    _app, client = sso_client(app_factory, op.settings())
    before = counts()
    answer = sign_in(client, "la")
    assert answer.status_code == 302 and answer.location == "/login"
    assert "không có cán bộ nào có mã cán bộ của bạn (KHONG-CO-001)" in flashed(client)
    assert counts() == before
    assert not logged_in(client)


def test_a_provider_set_to_create_accounts_creates_one_without_password(app_factory, op, official_account):
    _app, client = sso_client(app_factory, op.settings(unknown="create"))
    assert sign_in(client, "la").location == "/"
    user = db.session.scalar(select(User).where(User.display_name == "Người Lạ"))
    assert user.email == "nguoi.la@sso.example.vn" and not user.has_usable_password and user.official_id is None
    assert db.session.scalar(select(SsoLink.user_id).where(SsoLink.subject == "la")) == user.id


def test_a_switched_off_official_is_refused(app_factory, op, official_account):
    official_account.active = False
    official_account.official.active = False
    db.session.commit()
    _app, client = sso_client(app_factory, op.settings())
    before = counts()
    answer = sign_in(client, "an")
    assert answer.location == "/login" and "Tài khoản này đã bị khóa" in flashed(client)
    assert counts() == before


def test_the_provider_refuses_access(app_factory, op, official_account):
    _app, client = sso_client(app_factory, op.settings())
    answer = sign_in(client, "an", cancel=True)
    assert answer.location == "/login" and "không đăng nhập cho bạn (việc đăng nhập đã bị hủy" in flashed(client)


def test_a_callback_this_browser_did_not_start_is_refused(app_factory, op, official_account):
    app, client = sso_client(app_factory, op.settings())
    back = log_in_at_provider(go_to_provider(client), "an", back_to=CALLBACK)
    other = app.test_client()  # another browser: no state, nonce or verifier of this attempt
    answer = other.get(back.removeprefix("http://localhost"))
    assert answer.location == "/login" and "đã hết hạn hoặc không được bắt đầu" in flashed(other)
    assert db.session.scalar(select(func.count()).select_from(SsoLink)) == 0


@pytest.mark.parametrize(("tamper", "reason"), [("aud", "'aud'"), ("iss", "'iss'"), ("key", "BadSignatureError")])
def test_an_id_token_for_another_audience_issuer_or_key_is_refused(app_factory, start_op, official_account, caplog,
                                                                   tamper, reason):
    provider = start_op(tamper=tamper)
    _app, client = sso_client(app_factory, provider.settings())
    answer = sign_in(client, "an")
    assert answer.location == "/login" and UNVERIFIED in flashed(client)
    assert not logged_in(client)
    assert reason in caplog.text


def test_a_discovery_document_for_another_issuer_is_refused(app_factory, op, official_account, caplog):
    """The settings name the issuer with a trailing slash: the provider's discovery names it without, so the
    keys it points to vouch for another issuer."""
    _app, client = sso_client(app_factory, op.settings(issuer=op.issuer + "/"))
    answer = client.get("/sso/sso-tinh/start")
    assert answer.location == "/login" and UNVERIFIED in flashed(client)
    assert "discovery names issuer" in caplog.text


def test_a_second_identity_for_a_linked_account_is_refused(app_factory, op, official_account):
    """The provider hands the official's employee code to another of its people: the account keeps its link."""
    db.session.add(SsoLink(issuer=op.issuer, subject="an-cu", user_id=official_account.id))
    db.session.commit()
    _app, client = sso_client(app_factory, op.settings())
    answer = sign_in(client, "an")
    assert answer.location == "/login" and "khác đã được liên kết với tài khoản này" in flashed(client)
    assert not logged_in(client)
    assert db.session.scalar(select(func.count()).select_from(SsoLink)) == 1


def test_an_expired_id_token_is_refused(app_factory, start_op, official_account, caplog):
    """The provider's ID tokens live 1 s and its token endpoint answers 2 s after signing one."""
    provider = start_op(idTokenTtl=1, tokenDelayMs=2100)
    _app, client = sso_client(app_factory, provider.settings(clock_skew=0))
    answer = sign_in(client, "an")
    assert answer.location == "/login" and UNVERIFIED in flashed(client)
    assert "ExpiredTokenError" in caplog.text
    # The same late token within a minute's allowed clock skew passes: the expiry is what was refused.
    _app, client = sso_client(app_factory, provider.settings(clock_skew=60))
    assert sign_in(client, "an").location == "/"


def test_a_provider_that_is_down_gets_a_message_and_passwords_still_work(app_factory, op, official_account):
    down = op.settings(name="sso-hong", label="Cổng hỏng", issuer=closed_port_issuer())
    _app, client = sso_client(app_factory, down)
    answer = client.get("/sso/sso-hong/start")
    assert answer.location == "/login" and "Hiện không kết nối được với Cổng hỏng" in flashed(client)
    assert client.post("/login", data={"identifier": OFFICIAL_CODE, "password": "correct horse"}).location == "/"


def test_a_token_endpoint_that_went_down_gets_a_message(app_factory, start_op, official_account):
    provider = start_op()
    _app, client = sso_client(app_factory, provider.settings())
    back = log_in_at_provider(go_to_provider(client), "an", back_to=CALLBACK)
    provider.stop()
    answer = client.get(back.removeprefix("http://localhost"))
    assert answer.location == "/login" and "Hiện không kết nối được với Cổng SSO tỉnh" in flashed(client)


def test_logging_out_ends_the_session_at_the_provider_too(app_factory, op, official_account):
    _app, client = sso_client(app_factory, op.settings())
    sign_in(client, "an")
    page = client.post("/logout")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    end = text.split('content="0;url=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert end.startswith(op.issuer + "/session/end?")
    asked = query(end)
    assert asked["post_logout_redirect_uri"] == AFTER_LOGOUT and asked["id_token_hint"].count(".") == 2
    assert not logged_in(client)
    assert client.post("/logout").status_code == 302  # a password session's log-out stays a plain redirect


def test_settings_are_checked_at_start():
    from lms.core.config import ConfigError
    from lms.core.services.oidc import parse_providers
    good = {"name": "sso-tinh", "label": "x", "issuer": "http://x", "client_id": "a", "client_secret": "b"}
    assert parse_providers([good])["sso-tinh"].claim == "employee_code"
    for bad in ({**good, "claim": "phone"}, {**good, "unknown": "maybe"}, {**good, "scopes": "profile"},
                {**good, "colour": "red"}, {**good, "name": "a b"}):
        with pytest.raises(ConfigError):
            parse_providers([bad])
    with pytest.raises(ConfigError):
        parse_providers([good, good])
