"""The request's one commit point: services flush, the view's wrapper commits, a DomainError rolls back.

Three pieces, one mechanism:
- `@commits` on a view that writes: it commits once after the view returns (before the response leaves,
  so a failed commit is a clean error page, not a half-sent answer) and rolls back when the view raises.
- `with flash_domain_errors():` around the service call, for the usual page: a DomainError rolls back,
  its message is flashed in the user's language, and the view goes on after the block (re-render the
  form, redirect back); success returns from inside the block.
- `discard_changes()` for the rare view that catches an error itself and goes on (another status code,
  a warning rather than an error, a follow-up write that must outlive the rollback).
A DomainError that escapes any view is answered by `domain_error_response`: JSON for a script, else the
message flashed and the browser sent back to the page it came from.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, session
from sqlalchemy.exc import IntegrityError

from lms.core.db import db
from lms.core.errors import DomainError, NotAllowed, NotFound

_FLASHES_BEFORE = "lms.flashes_before"


def commits(view):
    """Commit once when `view` returns; roll back (and forget its flashed messages) when it raises."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        request.environ.setdefault(_FLASHES_BEFORE, list(session.get("_flashes", [])))
        try:
            response = view(*args, **kwargs)
            db.session.commit()  # a second commit after one already made is harmless: nothing to send
        except BaseException:
            _undo_request()
            raise
        return response
    return wrapper


@contextmanager
def flash_domain_errors(duplicate: str | None = None):
    """Roll back and flash the message of a DomainError raised in the block; the view goes on after it.

    With `duplicate`, a unique key refused by the database in the block (flush there, not in the commit)
    is rolled back too and told with that message (a code already taken); `duplicate=""` says nothing
    (the twin of a double-submitted form got there first)."""
    try:
        yield
    except DomainError as problem:
        discard_changes()
        flash(str(problem), "error")
    except IntegrityError:
        if duplicate is None:
            raise
        discard_changes()
        if duplicate:
            flash(duplicate, "error")


def discard_changes() -> None:
    """Undo what this request has written so far; what the view writes next is still committed."""
    db.session.rollback()


def _undo_request() -> None:
    db.session.rollback()
    # A "Saved." flashed before a failed commit must not greet the user on the next page.
    before = request.environ.pop(_FLASHES_BEFORE, None)
    if before is not None and session.get("_flashes", []) != before:
        if before:
            session["_flashes"] = before
        else:
            session.pop("_flashes", None)


def status_of(problem: DomainError) -> int:
    if isinstance(problem, NotFound):
        return 404
    if isinstance(problem, NotAllowed):
        return 403
    return 400


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def domain_error_response(problem: DomainError):
    """A DomainError no view caught: JSON {"ok": false, "error": message} with a 4xx status for scripts;
    for a browser the message is flashed and it goes back to the same-site page it came from."""
    db.session.rollback()
    status = status_of(problem)
    if wants_json():
        return {"ok": False, "error": str(problem)}, status
    flash(str(problem), "error")
    back = _same_site_referrer()
    if back and not (request.method == "GET" and back == request.full_path.rstrip("?")):
        return redirect(back)
    return render_template("core/error.html", code=status, error_kind=None), status


def _same_site_referrer() -> str | None:
    """The referring page's path when it is on this site (the app sends Referrer-Policy: same-origin)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error_response)
