"""Log-in, throttling and passwords."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload

from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import LoginAttempt, User

MIN_PASSWORD_LENGTH = 8


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


def _recent_failures(column, value) -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.scalar(select(func.count()).select_from(LoginAttempt)
                             .where(column == value, LoginAttempt.at >= since)) or 0


def authenticate(identifier: str, password: str, address: str) -> User:
    """Return the user for these credentials, or raise LoginRefused. Records failures for throttling."""
    key = (identifier or "").strip().lower()[:254]
    cfg = current_app.config
    if (_recent_failures(LoginAttempt.account_key, key) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginAttempt.address, address) >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        raise LoginRefused(_l("Too many failed attempts. Please wait %(minutes)s minutes and try again."),
                           minutes=cfg["LOGIN_WINDOW_SECONDS"] // 60)
    user = find_user(identifier)
    if user is None or not user.check_password(password or ""):
        db.session.add(LoginAttempt(account_key=key, address=address[:64]))
        raise LoginRefused(_l("The login or the password is not right."))
    if not user.active:  # told only to whoever knows the password
        raise LoginRefused(_l("This account has been switched off (the official has left, or an administrator "
                              "closed it). Ask your unit's personnel office to reopen it."))
    db.session.execute(delete(LoginAttempt).where(or_(LoginAttempt.account_key == key)))
    user.last_login_at = utcnow()
    return user


def purge_old_attempts() -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < since)).rowcount


def check_new_password(password: str, confirm: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password must have at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    if password != confirm:
        raise DomainError(_l("The two passwords are not the same."))


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change one's own password; other sessions end, and the person is told (in case it was not them)."""
    from flask_babel import format_datetime

    from lms.core import audit
    from lms.core.notifications import notify

    if not user.check_password(current or ""):
        raise DomainError(_l("The current password is not right."))
    check_new_password(new, confirm)
    user.set_password(new)
    audit.record("password.changed", "user", user.id, actor_id=user.id)
    db.session.flush()
    notify(user.id, "core/password_changed", {"changed_at": format_datetime(utcnow(), "dd/MM/yyyy HH:mm")},
           mandatory=True, dedupe_key=f"password-changed:{user.id}:{user.session_version}")


# Built once, with a parameter: a fifth cheaper per request than Session.get building its load each time.
_USER_WITH_GRANTS = select(User).options(joinedload(User.grants)).where(User.id == bindparam("id"))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so a password change logs others out."""
    try:
        raw_id, version = user_id.split(":", 1)
        # One query per request: the user with their grants (every page asks "may this person ...").
        user = db.session.execute(_USER_WITH_GRANTS, {"id": int(raw_id)}).unique().scalar_one_or_none()
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_version) != version:
        return None
    return user
