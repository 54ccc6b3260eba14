"""Every cookie the platform sets is HttpOnly and SameSite (and Secure in production)."""
from __future__ import annotations

from lms.core.db import db

HTTPS = "https://localhost"


def walk_through_every_cookie(app, make_user) -> list[str]:
    """Log in with remember-me, come back with the remember-me cookie alone, switch language, log out:
    the Set-Cookie headers of every answer."""
    with app.app_context():
        make_user("cookie@example.vn")
        db.session.commit()
    seen: list[str] = []

    def visit(client, method, path, **kwargs):
        response = getattr(client, method)(path, base_url=HTTPS, **kwargs)
        seen.extend(response.headers.getlist("Set-Cookie"))
        return response

    browser = app.test_client()
    visit(browser, "get", "/login")
    logged_in = visit(browser, "post", "/login", data={"identifier": "cookie@example.vn",
                                                       "password": "correct horse", "remember": "y"})
    assert logged_in.status_code == 302
    returning = app.test_client()
    returning.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    assert visit(returning, "get", "/account/password").status_code == 200
    visit(returning, "post", "/lang", data={"lang": "en"})
    visit(returning, "post", "/logout")
    visit(browser, "post", "/logout")
    return seen


def test_every_cookie_is_http_only_and_same_site(app_factory, make_user):
    headers = walk_through_every_cookie(app_factory(), make_user)
    names = {header.split("=", 1)[0] for header in headers}
    assert names == {"session", "remember_token"}
    deleted = [h for h in headers if h.startswith("remember_token=;")]
    assert len(deleted) == 2  # both browsers forgot it at log-out
    for header in headers:
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}
        assert "httponly" in attributes, header
        assert attributes.get("samesite") == "SameSite=Lax", header


def test_in_production_every_cookie_is_secure_too(app_factory, make_user):
    headers = walk_through_every_cookie(app_factory(TESTING=False), make_user)
    assert headers and all("; Secure" in header for header in headers), headers
