"""Server-side sessions: one row per logged-in browser, so that log-out ends a session for good.

Flask-Login keeps "<user id>:<session key>" in the signed session cookie and in the remember-me cookie.
A cookie only counts while its row exists: log-out deletes the row, "log out everywhere" and a new
password delete the account's rows. A table, not a per-user secret, because ending one browser's
session must leave the person's other browsers logged in.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from lms.core.db import db, utcnow
from lms.core.models import User, UserSession


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    setting = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
    return setting if isinstance(setting, timedelta) else timedelta(seconds=setting)


def start(user: User, *, remember: bool) -> None:
    """Open a session for `user` (flushes) and attach its key, so that Flask-Login's get_id() carries it.

    It lasts as long as the cookie that carries it: the remember-me cookie's duration, or the
    session cookie's lifetime.
    """
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(key_hash=_hash(key), user_id=user.id, expires_at=utcnow() + _lifetime(remember)))
    db.session.flush()
    user.session_key = key


def end(user: User) -> None:
    """End the session this request runs in."""
    if user.session_key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _hash(user.session_key),
                                                     UserSession.user_id == user.id))


def end_all(user_id: int, *, keep: str | None = None) -> int:
    """End every session of the account but `keep` (a session key); returns how many ended."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        statement = statement.where(UserSession.key_hash != _hash(keep))
    return db.session.execute(statement).rowcount


def purge_expired() -> int:
    return db.session.execute(delete(UserSession).where(UserSession.expires_at < utcnow())).rowcount


# Built once, with parameters. One query per request: the user with their grants (every page asks
# "may this person ...") joined to the live session row.
_USER_IN_SESSION = (select(User).options(joinedload(User.grants))
                    .join(UserSession, UserSession.user_id == User.id)
                    .where(User.id == bindparam("id"), User.active.is_(True),
                           UserSession.key_hash == bindparam("key_hash"), UserSession.expires_at > bindparam("now")))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user of a live session of an active account, or nobody."""
    raw_id, _, key = (user_id or "").partition(":")
    if not raw_id.isdigit() or not key:
        return None
    user = db.session.execute(_USER_IN_SESSION, {"id": int(raw_id), "key_hash": _hash(key), "now": utcnow()}
                              ).unique().scalar_one_or_none()
    if user is not None:
        user.session_key = key
    return user
