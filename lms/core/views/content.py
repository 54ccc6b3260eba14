"""/content/<token>/<path>: untrusted files (lms/core/untrusted.py), authorised by the token alone."""
from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Flask, Response, current_app, g, request, send_file, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired
from werkzeug.exceptions import NotFound

from lms.core import untrusted

bp = Blueprint("content", __name__)

# Where injected markup goes, in order of preference: never before the doctype (that changes the mode).
_ANCHORS = [re.compile(rb"<head\b[^>]*>", re.IGNORECASE), re.compile(rb"<html\b[^>]*>", re.IGNORECASE),
            re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    untrusted.register(app, untrusted.FILE, _stored_file)
    app.session_interface = _NoCookieForContent()

    # Registered before the site-wide header hooks, so it runs after them: its headers are the last word.
    @app.after_request
    def content_headers(response):
        if request.blueprint == bp.name:
            response.headers["Content-Security-Policy"] = untrusted.policy(
                g.get("content_origin"), framed_anywhere=g.get("content_frames_itself", False))
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers.pop("X-Frame-Options", None)  # frame-ancestors says it, for a content host too
            response.headers["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
            if "private" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "private, no-cache"
        return response


class _NoCookieForContent(SecureCookieSessionInterface):
    """Content responses never set a cookie (no session refresh): the token, not the session, is theirs."""

    def should_set_cookie(self, app, session) -> bool:
        return request.blueprint != bp.name and super().should_set_cookie(app, session)


def _stored_file(key: str) -> untrusted.Content | None:
    from lms.core import storage
    from lms.core.db import db
    from lms.core.models import StoredFile
    stored = db.session.get(StoredFile, int(key)) if key.isdigit() else None
    if stored is None:
        return None
    return untrusted.Content(file=storage.path_for(stored.sha256), name=stored.filename, mimetype=stored.content_type)


def _refused(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@bp.get("/content/<token>/<path:path>")
def serve(token: str, path: str):
    try:
        grant = untrusted.read_token(token)
    except SignatureExpired:
        return _refused(_("This link has expired: open the page that showed it again."), 403)
    except (BadSignature, ValueError, TypeError):
        return _refused(_("This link is not valid."), 404)
    g.content_origin = grant.origin
    resolve = untrusted.resolver(grant.kind)
    content = resolve(grant.key) if resolve else None
    if content is None:
        return _refused(_("This content no longer exists."), 404)
    g.content_frames_itself = content.frames_itself
    try:
        response = _send(content, unicodedata.normalize("NFC", path))
    except NotFound:
        return _refused(_("This file is not in the package."), 404)
    if content.inject and response.status_code == 200 and response.mimetype in ("text/html", "application/xhtml+xml"):
        _inject(response, content.inject(grant))
    current_app.logger.debug("untrusted content %s/%s/%s for user %s", grant.kind, grant.key, path, grant.user_id)
    return response


def _send(content: untrusted.Content, path: str):
    if content.folder is not None:
        # send_from_directory refuses any path that leaves the folder (.., absolute, drive letters).
        response = send_from_directory(content.folder, path, conditional=True, max_age=0)
        if content.content_type:
            response.headers["Content-Type"] = content.content_type(path, content.folder / path)
        return response
    if path != content.name or content.file is None or not content.file.is_file():
        raise NotFound()
    inline = untrusted.renders_as_document(content.mimetype)
    return send_file(content.file, mimetype=content.mimetype, conditional=True, max_age=0,
                     as_attachment=not inline, download_name=content.name)


def _inject(response: Response, markup: str) -> None:
    """Put `markup` first in the document's head; the response is read whole (package pages are small)."""
    response.direct_passthrough = False
    body = response.get_data()
    at = next((found.end() for anchor in _ANCHORS if (found := anchor.search(body))), 0)
    response.set_data(body[:at] + markup.encode() + body[at:])
    response.headers.pop("ETag", None)
