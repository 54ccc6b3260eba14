"""Files the platform did not write (SCORM packages, uploaded HTML, SVG, XML) served in an opaque origin.

Such a file may carry script. It is served only under /content/<token>/<path>, with a sandbox CSP without
allow-same-origin, so its scripts run in an origin of their own even when the URL is opened directly: no
cookie, page or endpoint of the platform is theirs. The token, signed with SECRET_KEY, short-lived and
issued after the normal access check, names what may be read: a kind a plugin registered (or the core's
"file"), its key, and the viewer (for the logs). The path after it keeps a package's relative links working.

    untrusted.register(app, "scorm", resolve)          # resolve(key) -> Content | None
    untrusted.content_url("scorm", "12:3", "index.html")  # after the access check
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from itsdangerous import URLSafeTimedSerializer

SALT = "lms.untrusted-content"
# allow-modals: packages ask "resume where you left off?" with confirm(). Never allow-same-origin.
SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-modals"
FILE = "file"  # the core's own kind: one stored file (lms.core.models.StoredFile) by id

# Types a browser shows without running anything of the file's: these may be served as today.
_SAFE_PREFIXES = ("image/", "video/", "audio/", "font/", "application/vnd.openxmlformats-officedocument.",
                  "application/vnd.oasis.opendocument.", "application/vnd.ms-")
_SAFE_TYPES = {"application/pdf", "text/plain", "text/csv", "application/zip", "application/msword",
               "application/epub+zip"}
# Types a browser renders as a document (and may run script in): shown inline, inside the sandbox.
_DOCUMENT_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "application/xml", "text/xml"}


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: `key` of `kind`, for `user_id`, framed by pages of `origin`."""
    kind: str
    key: str
    user_id: int | None
    origin: str


@dataclass(frozen=True)
class Content:
    """What a resolver found: a `folder` (the URL's path is read inside it) or one `file`.

    `inject(grant)` gives markup put at the start of every HTML document served from it (a run-time's
    bridge); `content_type(path, file)` the type of a file in a folder. `frames_itself`: its documents
    frame one another (a SCORM package's pages), so frame-ancestors cannot be sent: each sandboxed
    document has an opaque origin of its own, which no frame-ancestors source can name, and the browser
    would refuse the package's inner frames. The short-lived, per-viewer token is then what limits framing."""
    folder: Path | None = None
    file: Path | None = None
    name: str = ""
    mimetype: str | None = None
    content_type: Callable[[str, Path], str] | None = None
    inject: Callable[[Grant], str] | None = None
    frames_itself: bool = False


Resolver = Callable[[str], "Content | None"]


def register(app: Flask, kind: str, resolver: Resolver) -> None:
    """Let tokens of `kind` be read: `resolver(key)` gives the Content, or None when it is gone."""
    kinds = app.extensions["lms"].setdefault("untrusted", {})
    if kind in kinds:
        raise ValueError(f"untrusted content kind {kind!r} is registered twice")
    kinds[kind] = resolver


def resolver(kind: str) -> Resolver | None:
    return current_app.extensions["lms"].get("untrusted", {}).get(kind)


def script_capable(mimetype: str | None) -> bool:
    """Whether a file of this type could run script when opened (anything unknown is taken to be)."""
    mime = (mimetype or "").split(";")[0].strip().lower()
    if mime == "image/svg+xml":
        return True
    return not (mime in _SAFE_TYPES or mime.startswith(_SAFE_PREFIXES))


def renders_as_document(mimetype: str | None) -> bool:
    mime = (mimetype or "").split(";")[0].strip().lower()
    return mime in _DOCUMENT_TYPES or mime.endswith("+xml")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(kind: str, key: str) -> str:
    user_id = current_user.id if current_user.is_authenticated else None
    return _serializer().dumps([kind, str(key), user_id, _origin(request.host_url)])


def read_token(token: str) -> Grant:
    """The grant a token carries; raises itsdangerous.SignatureExpired or BadSignature."""
    data = _serializer().loads(token, max_age=current_app.config["UNTRUSTED_CONTENT_SECONDS"])
    kind, key, user_id, origin = data
    return Grant(kind=kind, key=key, user_id=user_id, origin=origin)


def content_url(kind: str, key: str, path: str) -> str:
    """The URL of `path` in `kind`/`key` for the current user, on CONTENT_BASE_URL when one is set."""
    relative = url_for("content.serve", token=make_token(kind, key), path=path)
    base = current_app.config.get("CONTENT_BASE_URL")
    return base.rstrip("/") + relative if base else relative


def content_origin() -> str | None:
    """The separate content host's origin (for the site's frame-src), or None when content is on this host."""
    base = current_app.config.get("CONTENT_BASE_URL")
    return _origin(base) if base else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(origin: str | None = None, *, framed_anywhere: bool = False) -> str:
    """The CSP of every untrusted response: the sandbox, framed only by the platform's pages (unless the
    content frames itself: Content.frames_itself)."""
    if framed_anywhere:
        return SANDBOX
    ancestors = " ".join(dict.fromkeys(["'self'"] + ([origin] if origin else [])))
    return f"{SANDBOX}; frame-ancestors {ancestors}"


def harden(response):
    """Headers for a user's file served outside /content/ (defence in depth): the sandbox, no sniffing.
    A file that could run script goes there only as a download (as_attachment)."""
    response.headers["Content-Security-Policy"] = policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
