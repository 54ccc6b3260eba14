"""Single sign-on in Chromium: the platform (`lms run`) and a real OpenID Provider (tests/oidc/provider.mjs), each
in its own process; the person clicks "Đăng nhập bằng Cổng SSO tỉnh", logs in on the provider's own page and
comes back. A second provider in the settings is down."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.a11y import assert_accessible
from tests.browser_support import free_port, login, require_chromium, set_expect_timeout, start_server
from tests.oidc.support import OFFICIAL_CODE, closed_port_issuer, require_node, start_provider

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "mat-khau-cua-can-bo-an"
TIMEOUT_MS = 20_000


def _seed_official():
    from lms.core.db import db
    from lms.core.models import Official, OfficialKind, Unit, UnitLevel, User
    unit = Unit(code="SH", name_vi="Tỉnh Sơn Hà", level=UnitLevel.province, path="/")
    db.session.add(unit)
    db.session.flush()
    official = Official(employee_code=OFFICIAL_CODE, full_name="Nguyễn Văn An", unit_id=unit.id,
                        kind=OfficialKind.civil_servant)
    db.session.add(official)
    db.session.flush()
    user = User(login_code=OFFICIAL_CODE, display_name="Nguyễn Văn An", official_id=official.id)
    user.set_password(PASSWORD)
    db.session.add(user)


def _switch_official(active: bool):
    from sqlalchemy import update

    from lms.core.db import db
    from lms.core.models import Official, User
    db.session.execute(update(Official).where(Official.employee_code == OFFICIAL_CODE).values(active=active))
    db.session.execute(update(User).where(User.login_code == OFFICIAL_CODE).values(active=active))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(platform, provider): the provider's port is chosen first, so each can be told the other's address."""
    require_chromium()
    require_node()
    folder = tmp_path_factory.mktemp("sso-browser")
    op_port = free_port()
    providers = [{"name": "sso-tinh", "label": "Cổng SSO tỉnh", "issuer": f"http://127.0.0.1:{op_port}",
                  "client_id": "lms", "client_secret": "bi-mat-cua-lms-khong-ai-biet"},
                 {"name": "sso-hong", "label": "Cổng hỏng", "issuer": closed_port_issuer(),
                  "client_id": "lms", "client_secret": "x"}]
    platform = start_server(folder / "instance", extra_env={"LMS_OIDC_PROVIDERS": json.dumps(providers)})
    provider = None
    try:
        provider = start_provider(folder / "op", port=op_port,
                                  redirect_uris=[platform.url + "/sso/sso-tinh/callback"],
                                  post_logout_redirect_uris=[platform.url + "/login"])
        platform.seed(_seed_official)
        yield platform, provider
    finally:
        if provider:
            provider.stop()
        platform.stop()


@pytest.fixture
def page(sites, chromium):
    set_expect_timeout(TIMEOUT_MS)
    context = chromium.new_context(locale="vi-VN")
    context.route("https://fonts.googleapis.com/**", lambda route: route.abort())  # the provider's dev pages
    yield context.new_page()
    context.close()


def sso_log_in(page, platform, login_name: str) -> None:
    page.goto(platform.url + "/login")
    page.get_by_role("link", name="Đăng nhập bằng Cổng SSO tỉnh").click()
    page.locator("input[name=login]").fill(login_name)
    page.locator("input[name=password]").fill("bat-ky")
    page.locator("button[type=submit]").click()


def test_an_official_logs_in_through_the_provider_and_lands_home(sites, page):
    platform, _provider = sites
    sso_log_in(page, platform, "an")
    expect(page).to_have_url(platform.url + "/")
    expect(page.locator(".who")).to_have_text("Nguyễn Văn An")


def test_an_unknown_person_is_refused_with_the_reason(sites, page):
    platform, _provider = sites
    sso_log_in(page, platform, "la")
    expect(page).to_have_url(platform.url + "/login")
    expect(page.locator(".flash-error")).to_contain_text("không có cán bộ nào có mã cán bộ của bạn (KHONG-CO-001)")
    expect(page.locator(".who")).to_have_count(0)


def test_a_switched_off_official_is_refused(sites, page):
    platform, _provider = sites
    platform.seed(lambda: _switch_official(False))
    try:
        sso_log_in(page, platform, "an")
        expect(page).to_have_url(platform.url + "/login")
        expect(page.locator(".flash-error")).to_contain_text("Tài khoản này đã bị khóa")
    finally:
        platform.seed(lambda: _switch_official(True))


def test_cancelling_at_the_provider_comes_back_with_a_message(sites, page):
    platform, _provider = sites
    page.goto(platform.url + "/login")
    page.get_by_role("link", name="Đăng nhập bằng Cổng SSO tỉnh").click()
    page.get_by_role("link", name="[ Cancel ]").click()
    expect(page).to_have_url(platform.url + "/login")
    expect(page.locator(".flash-error")).to_contain_text("không đăng nhập cho bạn")


def test_logging_out_ends_both_sessions(sites, page):
    platform, provider = sites
    sso_log_in(page, platform, "an")
    expect(page.locator(".who")).to_have_text("Nguyễn Văn An")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider asks, as its logout page does
    expect(page).to_have_url(platform.url + "/login")
    page.goto(platform.url + "/account/password")
    expect(page).to_have_url(platform.url + "/login?next=%2Faccount%2Fpassword")
    # The provider forgot the person too: its login page shows again instead of sending them straight back.
    page.goto(platform.url + "/login")
    page.get_by_role("link", name="Đăng nhập bằng Cổng SSO tỉnh").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    assert page.url.startswith(provider.issuer)


def test_a_provider_that_is_down_gets_a_message_and_passwords_still_work(sites, page):
    platform, _provider = sites
    page.goto(platform.url + "/login")
    page.get_by_role("link", name="Đăng nhập bằng Cổng hỏng").click()
    expect(page).to_have_url(platform.url + "/login")
    expect(page.locator(".flash-error")).to_contain_text("Hiện không kết nối được với Cổng hỏng")
    assert_accessible(page, "the login page with its providers and a message")
    login(page, platform, OFFICIAL_CODE, PASSWORD)
    expect(page.locator(".who")).to_have_text("Nguyễn Văn An")
