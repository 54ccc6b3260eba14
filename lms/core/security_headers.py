"""The security headers of every response: a Content-Security-Policy with a per-request nonce, a
Permissions-Policy, and HSTS over HTTPS.

Templates put `nonce="{{ csp_nonce() }}"` on an inline <script> or <style>; nothing else inline runs. A view
that sets its own Content-Security-Policy (untrusted content served with `sandbox`) keeps it, and its own
framing rules with it.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request

# Features no page of the platform uses: a page (or a frame inside it) cannot ask for them.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "hid", "midi", "display-capture",
))


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _origin(url: str | None) -> str | None:
    """scheme://host[:port] of an absolute URL, or None."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _sources(*sources: str | None) -> str:
    return " ".join(source for source in sources if source)


def content_security_policy(config, nonce: str) -> str:
    """The policy of the platform's own pages (and of any response that does not set one)."""
    content_host = _origin(config.get("CONTENT_BASE_URL"))
    video_hosts = [f"https://{host}" for host in config.get("COURSES_VIDEO_HOSTS") or ()]
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        # Lesson and question HTML keeps a style attribute with a few properties (sanitize.ALLOWED_CSS: colour,
        # alignment, weight and decoration, no url() or other functions but rgb/hsl), which authors use for
        # emphasis; it cannot load anything or cover the page, so inline style attributes stay allowed.
        "style-src-attr": "'unsafe-inline'",
        "img-src": _sources("'self'", "data:", content_host),
        "media-src": _sources("'self'", content_host),
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-src": _sources("'self'", content_host, *video_hosts),
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = content_security_policy(app.config, csp_nonce())
            # For browsers older than frame-ancestors; a view with its own policy decides its own framing.
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        # Only over HTTPS (behind a proxy, PROXY_COUNT makes request.is_secure see the proxy's scheme):
        # a browser ignores it over HTTP, and a test server over HTTP must not pin itself to HTTPS.
        if request.is_secure and app.config["HSTS_SECONDS"]:
            headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}")
        return response
