"""Password reset by e-mail: a single-use, expiring link whose token is stored only as a SHA-256.

`request_reset` answers nothing about whether the account exists (the page always says the same);
requests are throttled per typed account and per client address, whether the account exists or not.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import User
from lms.core.notifications.models import PasswordResetRequest, PasswordResetToken
from lms.core.notifications.services import enqueue_mail, notify, recipient_address
from lms.core.services.accounts import check_new_password, find_user, set_new_password

RESET_MAIL = "core/notifications/mail/password_reset"


class ResetThrottled(DomainError):
    """Too many requests for this account or from this address in the window."""


class ResetLinkInvalid(DomainError):
    """Unknown, used or expired link."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def request_reset(identifier: str, address: str) -> None:
    """Record the request and, if it names an active account with an e-mail address, queue the mail.

    Flushes. Raises ResetThrottled (whatever the account) when the window's allowance is spent.
    """
    cfg = current_app.config
    key = (identifier or "").strip().lower()[:254]
    address = (address or "")[:64]
    since = utcnow() - timedelta(seconds=cfg["PASSWORD_RESET_WINDOW_SECONDS"])

    def recent(column, value) -> int:
        return db.session.scalar(select(func.count()).select_from(PasswordResetRequest)
                                 .where(column == value, PasswordResetRequest.at >= since)) or 0

    if (recent(PasswordResetRequest.account_key, key) >= cfg["PASSWORD_RESET_MAX_PER_ACCOUNT"]
            or recent(PasswordResetRequest.address, address) >= cfg["PASSWORD_RESET_MAX_PER_ADDRESS"]):
        raise ResetThrottled(_l("Too many requests. Please wait %(minutes)s minutes and try again."),
                             minutes=cfg["PASSWORD_RESET_WINDOW_SECONDS"] // 60)
    db.session.add(PasswordResetRequest(account_key=key, address=address))
    user = find_user(identifier)
    to = recipient_address(user) if user is not None and user.active else None
    if to is None:
        db.session.flush()
        return
    raw = secrets.token_urlsafe(32)
    ttl = cfg["PASSWORD_RESET_TTL_SECONDS"]
    token = PasswordResetToken(user_id=user.id, token_hash=_hash(raw), expires_at=utcnow() + timedelta(seconds=ttl))
    db.session.add(token)
    db.session.flush()
    # The link carries the token: the outbox row is marked sensitive and forgets it once sent.
    enqueue_mail(to, RESET_MAIL, {"minutes": ttl // 60}, user_id=user.id, locale=user.locale,
                 link=f"/password/reset/{raw}", sensitive=True, dedupe_key=f"password-reset:{token.id}")


def valid_token(raw: str) -> PasswordResetToken | None:
    token = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(raw or "")))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def reset_password(raw: str, new: str, confirm: str) -> User:
    """Set a new password through a valid link; the link (and any other of the account's) is then spent.

    Flushes. Ends every session of the account, lifts an administrator's "must change password",
    and sends a mandatory "your password was changed" notice.
    """
    token = valid_token(raw)
    if token is None:
        raise ResetLinkInvalid(_l("This link is not valid any more. Ask for a new one."))
    user = db.session.get(User, token.user_id)
    check_new_password(new, confirm, user=user)
    now = utcnow()
    spent = db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None)).values(used_at=now)).rowcount
    if not spent:  # the same link submitted twice at once: the first wins
        raise ResetLinkInvalid(_l("This link is not valid any more. Ask for a new one."))
    db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.user_id == token.user_id, PasswordResetToken.used_at.is_(None)).values(used_at=now))
    set_new_password(user, new, confirm)
    user.must_change_password = False
    audit.record("password.reset", "user", user.id, actor_id=user.id)
    db.session.flush()
    notify(user.id, "core/password_changed", {"changed_at": format_datetime(now, "dd/MM/yyyy HH:mm")},
           mandatory=True, dedupe_key=f"password-changed:reset:{token.id}")
    return user
