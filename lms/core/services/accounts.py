"""Log-in, throttling and passwords."""
from __future__ import annotations

import math
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.core import password_policy
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import LoginAttempt, User
from lms.core.services import sessions


class LoginRefused(DomainError):
    """Wrong credentials, or too many failures: the message never says which part was wrong."""


def find_user(identifier: str) -> User | None:
    """The account an employee code (exactly as given) or an e-mail (any case) leads to, in one lookup.

    E-mails are stored lower-cased, so both halves use their unique index; the import keeps the two
    from ever naming different people (lms/core/services/login_identities.py).
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return db.session.scalar(select(User).where(or_(User.login_code == identifier,
                                                    User.email == identifier.lower())).limit(1))


def _account_key(user: User | None, identifier: str) -> str:
    """Failures count against the account, whichever of its identifiers was typed; an unknown
    identifier counts against what was typed."""
    if user is not None:
        return f"user:{user.id}"
    return "typed:" + (identifier or "").strip().lower()[:240]


def _wait_minutes(column, value, allowed: int) -> int:
    """0 when fewer than `allowed` failures fall in the window, else the minutes until one leaves it."""
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    failures = db.session.scalars(select(LoginAttempt.at).where(column == value, LoginAttempt.at >= utcnow() - window)
                                  .order_by(LoginAttempt.at.desc()).limit(allowed)).all()
    if len(failures) < allowed:
        return 0
    return max(1, math.ceil((failures[-1] + window - utcnow()).total_seconds() / 60))


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not the password of anyone")


def _password_matches(user: User | None, password: str) -> bool:
    """Runs the password hash once whoever asks, so an unknown login takes as long as a known one."""
    usable = user is not None and user.has_usable_password
    matches = check_password_hash(user.password_hash if usable else _dummy_hash(), password or "")
    return matches and usable


def authenticate(identifier: str, password: str, address: str) -> User:
    """Return the user for these credentials, or raise LoginRefused. Records failures for throttling.

    One mechanism for both limits: each failure is a row with the account's key and the address;
    past either allowance in the window, log-in is refused until the oldest counted failure leaves it.
    """
    cfg = current_app.config
    address = (address or "")[:64]
    user = find_user(identifier)
    key = _account_key(user, identifier)
    wait = max(_wait_minutes(LoginAttempt.account_key, key, cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
               _wait_minutes(LoginAttempt.address, address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    if wait:
        raise LoginRefused(_l("Too many failed attempts. Please wait %(minutes)s minutes and try again."),
                           minutes=wait)
    if not _password_matches(user, password):
        db.session.add(LoginAttempt(account_key=key, address=address))
        raise LoginRefused(_l("The login or the password is not right."))
    if not user.active:  # told only to whoever knows the password
        raise LoginRefused(_l("This account has been switched off (the official has left, or an administrator "
                              "closed it). Ask your unit's personnel office to reopen it."))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.account_key == key))
    user.last_login_at = utcnow()
    return user


def purge_old_attempts() -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < since)).rowcount


def check_new_password(password: str, confirm: str, *, user: User) -> None:
    """The policy (lms.core.password_policy) for `user`, and the two copies typed alike."""
    password_policy.check_password(password, user=user)
    if password != confirm:
        raise DomainError(_l("The two passwords are not the same."))


def set_new_password(user: User, password: str, confirm: str, *, keep_session: str | None = None) -> None:
    """The one way a password is set (change, reset, admin, CLI): checked, hashed, and every session of
    the account ended but `keep_session` (the key of the session that changed it). Flushes."""
    check_new_password(password, confirm, user=user)
    user.set_password(password)
    if user.id is not None:
        sessions.end_all(user.id, keep=keep_session)
    db.session.flush()


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change one's own password; other sessions end, and the person is told (in case it was not them)."""
    from flask_babel import format_datetime

    from lms.core import audit
    from lms.core.notifications import notify

    if not user.check_password(current or ""):
        raise DomainError(_l("The current password is not right."))
    set_new_password(user, new, confirm, keep_session=user.session_key)
    user.must_change_password = False
    entry = audit.record("password.changed", "user", user.id, actor_id=user.id)
    db.session.flush()
    notify(user.id, "core/password_changed", {"changed_at": format_datetime(utcnow(), "dd/MM/yyyy HH:mm")},
           mandatory=True, dedupe_key=f"password-changed:{user.id}:{entry.id}")
