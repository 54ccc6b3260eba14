"""Untrusted content (lms/core/untrusted.py): served by token alone, in a sandbox, never with a cookie."""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from lms.core import storage, untrusted
from lms.core.db import db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def stored_svg(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "storage"))
    stored = storage.save_bytes(SVG, "ve.svg", "image/svg+xml")
    db.session.flush()
    return stored


def url_for_file(app, stored, **config) -> str:
    with app.test_request_context("/", base_url="http://lms.example"):
        for key, value in config.items():
            app.config[key] = value
        try:
            return untrusted.content_url(untrusted.FILE, str(stored.id), stored.filename)
        finally:
            for key in config:
                app.config[key] = None


def assert_sandboxed(response):
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts allow-forms allow-popups")
    assert "allow-same-origin" not in policy and "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    assert "X-Frame-Options" not in response.headers  # it would stop a separate content host's frames
    assert "Set-Cookie" not in response.headers


def test_a_token_url_works_without_any_cookie_and_is_sandboxed(app, stored_svg):
    url = url_for_file(app, stored_svg)
    assert url.startswith("/content/") and url.endswith("/ve.svg")
    with app.test_client(use_cookies=False).get(url) as response:
        assert response.status_code == 200 and response.get_data() == SVG
        assert response.mimetype == "image/svg+xml" and "attachment" not in response.headers["Content-Disposition"]
        assert_sandboxed(response)
        assert "frame-ancestors 'self' http://lms.example" in response.headers["Content-Security-Policy"]


def test_a_signed_in_viewer_gets_no_cookie_from_content(app, client, login, make_user, stored_svg):
    login(make_user("hoa@example.vn"))
    assert client.get("/").status_code in (200, 302)
    with client.get(url_for_file(app, stored_svg)) as response:
        assert response.status_code == 200
        assert_sandboxed(response)


def test_forged_tampered_expired_and_unknown_tokens_are_refused(app, stored_svg, monkeypatch):
    client = app.test_client(use_cookies=False)
    url = url_for_file(app, stored_svg)
    token = url.split("/")[2]
    tampered = url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    forged = URLSafeTimedSerializer("another key", salt=untrusted.SALT).dumps(["file", str(stored_svg.id), 1, ""])
    other_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"]).dumps(["file", str(stored_svg.id), 1, ""])
    unknown_kind = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=untrusted.SALT).dumps(["nope", "1", 1, ""])
    for bad in (tampered, f"/content/{forged}/ve.svg", f"/content/{other_salt}/ve.svg",
                f"/content/{unknown_kind}/ve.svg", "/content/garbage/ve.svg"):
        with client.get(bad) as response:
            assert response.status_code == 404, bad
            assert response.get_data(True).strip() and len(response.get_data()) < 200
            assert_sandboxed(response)
    monkeypatch.setitem(app.config, "UNTRUSTED_CONTENT_SECONDS", -1)
    with client.get(url) as response:
        assert response.status_code == 403
        assert_sandboxed(response)


def test_a_single_file_token_reads_that_file_and_nothing_else(app, stored_svg):
    client = app.test_client(use_cookies=False)
    base = url_for_file(app, stored_svg).rsplit("/", 1)[0]
    for other in ("other.svg", "../ve.svg", "ve.svg/x", "%2e%2e/%2e%2e/etc/passwd"):
        with client.get(f"{base}/{other}") as response:
            assert response.status_code == 404, other


def test_content_urls_are_built_on_the_content_host_when_one_is_set(app, stored_svg):
    url = url_for_file(app, stored_svg, CONTENT_BASE_URL="https://content.example.gov.vn/")
    assert url.startswith("https://content.example.gov.vn/content/")
    with app.test_request_context("/"):
        app.config["CONTENT_BASE_URL"] = "https://content.example.gov.vn/x"
        try:
            assert untrusted.content_origin() == "https://content.example.gov.vn"
        finally:
            app.config["CONTENT_BASE_URL"] = None
        assert untrusted.content_origin() is None


@pytest.mark.parametrize("mimetype, risky", [
    ("text/html", True), ("application/xhtml+xml", True), ("image/svg+xml", True), ("application/xml", True),
    ("text/xml; charset=utf-8", True), ("application/octet-stream", True), ("", True), (None, True),
    ("image/png", False), ("application/pdf", False), ("video/mp4", False), ("text/plain", False),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False)])
def test_which_types_could_run_script(mimetype, risky):
    assert untrusted.script_capable(mimetype) is risky
