"""Activation: how an account created by the HR import (no usable password) gets its first one.

Two ways, both single-use and expiring: a short code printed on a letter, typed with the employee code,
and a long token in an e-mailed link. Only a keyed hash of either is stored. Issuing a code for an account
spends the codes it had. Wrong codes are failed log-ins: the log-in limiter's rows, limits and window arithmetic
(lms/core/services/accounts.py), counted per address and per typed employee code.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import contains_eager

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import ActivationCode, ActivationKind, LoginAttempt, Official, Role, School, Unit, User
from lms.core.models.accounts import UNUSABLE_PASSWORD
from lms.core.notifications.services import enqueue_mail, recipient_address
from lms.core.permissions import managed_unit_paths, school_ids
from lms.core.services.accounts import _wait_minutes, check_new_password, set_new_password

# No 0/O, 1/I: a code read off paper and typed on a phone has no look-alike letters. 32 symbols, 10 of them:
# 50 bits, against a handful of guesses per window.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
ACTIVATION_MAIL = "core/activation/mail/activation"
ACTIVATION_PATH = "/activate"  # the public page (lms/core/views/activation.py); an e-mailed link adds /<token>
IN_BATCH = 1000  # values in one IN (...) list, well under every database's limit on bound parameters
_NOT_IN_ALPHABET = re.compile(f"[^{ALPHABET}]")


class ActivationRefused(DomainError):
    """A wrong, expired or used code, or an account already activated or switched off."""


class ActivationThrottled(ActivationRefused):
    """Too many wrong codes from this address, or for this employee code, in the window."""


@dataclass(frozen=True)
class Letter:
    """What one half-page says: printed once, at issue time, since only the code's hash is kept."""

    full_name: str
    employee_code: str
    unit_name: str
    code: str
    expires_at: datetime


def format_code(code: str) -> str:
    """ABCDE-FGHJK: two groups of five are easier to read out and type."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(typed: str) -> str:
    """What was typed, upper-cased, without spaces or dashes (and anything outside the alphabet)."""
    return _NOT_IN_ALPHABET.sub("", (typed or "").upper())


def _hash(raw: str) -> str:
    # Keyed: a letter's code has 50 bits, too few to resist guessing against a leaked table of plain hashes.
    return hmac.new(current_app.config["SECRET_KEY"].encode(), raw.encode(), hashlib.sha256).hexdigest()


def awaiting_activation():
    """A SQL condition on User: an active account that never had a password."""
    return (User.active.is_(True)) & (User.password_hash == UNUSABLE_PASSWORD) & User.password_set_at.is_(None)


def may_activate_unit(user, unit: Unit) -> bool:
    """Admin, a unit manager of this unit or one above it, or a school admin of a school of such a unit."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    paths = managed_unit_paths(user)
    schools = school_ids(user, Role.school_admin)
    if schools:
        paths += list(db.session.scalars(select(Unit.path).join(School, School.unit_id == Unit.id)
                                         .where(School.id.in_(schools))))
    return any(unit.path.startswith(p) for p in paths)


def unit_accounts(unit: Unit) -> list[User]:
    """The accounts of the unit's own officials (not those of units below it) that await activation."""
    return list(db.session.scalars(
        select(User).join(Official, User.official_id == Official.id).options(contains_eager(User.official))
        .where(Official.unit_id == unit.id, Official.active.is_(True), awaiting_activation())
        .order_by(Official.name_folded, Official.employee_code)))


def _spend_codes(user_ids: list[int]) -> None:
    """A new code spends the old ones: a lost letter or a forwarded mail stops working."""
    for start in range(0, len(user_ids), IN_BATCH):
        db.session.execute(update(ActivationCode).where(ActivationCode.user_id.in_(user_ids[start:start + IN_BATCH]),
                                                        ActivationCode.used_at.is_(None)).values(used_at=utcnow()))


def _new_code(user: User, kind: ActivationKind, raw: str, ttl: int, issued_by: int | None) -> ActivationCode:
    now = utcnow()
    code = ActivationCode(user_id=user.id, kind=kind, code_hash=_hash(raw), issued_by_id=issued_by,
                          created_at=now, expires_at=now + timedelta(seconds=ttl))
    db.session.add(code)
    return code


def issue_letters(unit: Unit, *, issued_by: int | None, with_email: bool = False) -> list[Letter]:
    """New letter codes for the unit's accounts awaiting activation (those without an e-mail address,
    unless `with_email`). Flushes. The returned letters are the only copy of the codes."""
    ttl = current_app.config["ACTIVATION_LETTER_TTL_SECONDS"]
    users = [user for user in unit_accounts(unit) if with_email or not recipient_address(user)]
    _spend_codes([user.id for user in users])
    letters = []
    for user in users:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        code = _new_code(user, ActivationKind.letter, raw, ttl, issued_by)
        letters.append(Letter(user.official.full_name, user.official.employee_code, unit.name_vi,
                              format_code(raw), code.expires_at))
    db.session.flush()
    audit.record("activation.letters_issued", "unit", unit.id, actor_id=issued_by, data={"letters": len(letters)})
    return letters


def send_mails(users, *, issued_by: int | None) -> int:
    """Queue an activation link to each of `users` awaiting activation and having an address. Flushes."""
    ttl = current_app.config["ACTIVATION_MAIL_TTL_SECONDS"]
    users = [user for user in users if user.active and not user.has_usable_password and recipient_address(user)]
    _spend_codes([user.id for user in users])
    for user in users:
        to = recipient_address(user)
        raw = secrets.token_urlsafe(32)
        code = _new_code(user, ActivationKind.mail, raw, ttl, issued_by)
        db.session.flush()
        # The link carries the token: the outbox row is marked sensitive and forgets it once sent.
        enqueue_mail(to, ACTIVATION_MAIL, {"days": ttl // 86400, "login": user.login_code or to},
                     user_id=user.id, locale=user.locale, link=f"{ACTIVATION_PATH}/{raw}", sensitive=True,
                     dedupe_key=f"activation:{code.id}")
    return len(users)


def mail_imported(employee_codes: list[str], *, issued_by: int | None) -> int:
    """After an import: an activation link to each named official awaiting activation, with an address, who
    holds no live code yet (so re-importing the same file mails nobody twice). Flushes."""
    now, users = utcnow(), []
    live = select(ActivationCode.id).where(ActivationCode.user_id == User.id, ActivationCode.used_at.is_(None),
                                           ActivationCode.expires_at > now)
    for start in range(0, len(employee_codes), IN_BATCH):
        users += db.session.scalars(
            select(User).join(Official, User.official_id == Official.id).options(contains_eager(User.official))
            .where(Official.employee_code.in_(employee_codes[start:start + IN_BATCH]), Official.active.is_(True),
                   awaiting_activation(), ~live.exists()))
    return send_mails(users, issued_by=issued_by)


def send_unit_mails(unit: Unit, *, issued_by: int | None) -> int:
    """Activation links for the unit's accounts awaiting activation that have an e-mail address."""
    sent = send_mails(unit_accounts(unit), issued_by=issued_by)
    audit.record("activation.mails_sent", "unit", unit.id, actor_id=issued_by, data={"mails": sent})
    return sent


# --- activating ----------------------------------------------------------------------------------

_WRONG = _l("This activation code does not match that employee code. Check both against your letter and try again.")
_USED = _l("This activation code can no longer be used: it was used already, or a newer letter replaced it. "
           "If you activated your account, log in; if not, ask your unit for a new letter.")
_EXPIRED = _l("This activation code has expired. Ask your unit for a new letter.")
_LINK_INVALID = _l("This activation link is not valid: it has already been used, it has expired, or a newer "
                   "one was sent. Ask your unit for a new one.")


def _throttle(keys: list[str], address: str) -> None:
    cfg = current_app.config
    wait = max([_wait_minutes(LoginAttempt.address, address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])]
               + [_wait_minutes(LoginAttempt.account_key, k, cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]) for k in keys])
    if wait:
        raise ActivationThrottled(_l("Too many wrong tries. Please wait %(minutes)s minutes and try again."),
                                minutes=wait)


def _fail(key: str, address: str, message) -> NoReturn:
    db.session.add(LoginAttempt(account_key=key, address=address))
    db.session.flush()
    raise ActivationRefused(message)


def valid_link(raw: str) -> ActivationCode | None:
    """The e-mailed link's code if it can still be used, else None."""
    code = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == _hash(raw or ""),
                                                          ActivationCode.kind == ActivationKind.mail))
    if code is None or code.used_at is not None or code.expires_at <= utcnow():
        return None
    return code


def activate_by_letter(typed_code: str, employee_code: str, new: str, confirm: str, address: str) -> User:
    """Check a letter's code against the employee code typed with it, then activate. Flushes.

    The first failure message is the same for an unknown code and a code of another person, so guessing
    learns nothing; used and expired codes are told apart only to whoever has the right pair."""
    address = (address or "")[:64]
    employee_code = (employee_code or "").strip()
    key = "activation:" + employee_code.lower()[:200]
    _throttle([key], address)
    code = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == _hash(normalise_code(typed_code)),
                                                          ActivationCode.kind == ActivationKind.letter))
    user = db.session.get(User, code.user_id) if code is not None else None
    if user is None or user.official is None or user.official.employee_code != employee_code:
        _fail(key, address, _WRONG)
    if code.used_at is not None:
        raise ActivationRefused(_USED)
    if code.expires_at <= utcnow():
        raise ActivationRefused(_EXPIRED)
    _activate(user, code, new, confirm)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.account_key == key))
    return user


def activate_by_link(raw: str, new: str, confirm: str, address: str) -> User:
    """Activate through an e-mailed link. Flushes."""
    address = (address or "")[:64]
    _throttle([], address)
    code = valid_link(raw)
    if code is None:
        _fail("activation:link", address, _LINK_INVALID)
    user = db.session.get(User, code.user_id)
    _activate(user, code, new, confirm)
    return user


def _activate(user: User, code: ActivationCode, new: str, confirm: str) -> None:
    if not user.active:
        raise ActivationRefused(_l("This account has been switched off (the official has left, or an administrator "
                                   "closed it). Ask your unit's personnel office to reopen it."))
    if user.has_usable_password:
        raise ActivationRefused(_l("This account is already activated. Log in with your password, or use "
                                   "\"Forgot password\"."))
    check_new_password(new, confirm, user=user)
    now = utcnow()
    spent = db.session.execute(update(ActivationCode).where(
        ActivationCode.id == code.id, ActivationCode.used_at.is_(None)).values(used_at=now)).rowcount
    if not spent:  # the same code submitted twice at once: the first wins
        raise ActivationRefused(_USED)
    db.session.execute(update(ActivationCode).where(ActivationCode.user_id == user.id,
                                                    ActivationCode.used_at.is_(None)).values(used_at=now))
    set_new_password(user, new, confirm)
    user.must_change_password = False
    user.last_login_at = now
    audit.record("account.activated", "user", user.id, actor_id=user.id, data={"by": code.kind.value})
    db.session.flush()
