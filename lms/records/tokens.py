"""API tokens for HR systems: read-only, scoped to a unit and the units below it, hashed at rest."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import Official, Unit
from lms.core.text import nfc
from lms.records.models import ApiToken

TOKEN_PREFIX = "lmsrec_"
TOUCH_EVERY = timedelta(minutes=5)  # last use is written at most this often (a GET should rarely write)


def digest(token: str) -> str:
    # The token is 256 random bits: a fast hash is enough (nothing to brute-force), and lookups stay indexed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, unit: Unit, *, actor_id: int | None) -> tuple[ApiToken, str]:
    """A new token for `unit`; returns the row and the token itself (shown once, never stored)."""
    name = nfc(name)
    if not name:
        raise DomainError(_l("Name the token after the system that will use it."))
    if unit.successor_id is not None or unit.valid_to is not None:
        raise DomainError(_l("%(unit)s no longer exists; give the token to the unit that replaced it."),
                          unit=unit.name_vi)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name[:120], token_hash=digest(token), token_prefix=token[:12], unit_id=unit.id,
                   created_by=actor_id)
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", "api_token", row.id, actor_id=actor_id, data={"unit_id": unit.id, "name": name})
    return row, token


def revoke_token(row: ApiToken, *, actor_id: int | None) -> None:
    """Revoke (once; revoking again changes nothing)."""
    if row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_by = utcnow(), actor_id
    db.session.flush()
    audit.record("api_token.revoked", "api_token", row.id, actor_id=actor_id)


def authenticate(header: str | None) -> ApiToken | None:
    """The live token named by an `Authorization: Bearer ...` header, or None."""
    if not header or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer "):].strip()
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
    return row


def covers_unit(row: ApiToken, unit: Unit) -> bool:
    return unit.path.startswith(row.unit.path)


def covers_official(row: ApiToken, official: Official) -> bool:
    return covers_unit(row, official.unit)
