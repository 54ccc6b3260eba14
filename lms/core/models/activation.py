"""Activation codes: how an imported official's account gets its first password."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import UTCDateTime, db, utcnow


class ActivationKind(str, enum.Enum):
    letter = "letter"  # a short code printed on a letter, typed with the employee code
    mail = "mail"  # a long token in an e-mailed link


class ActivationCode(db.Model):
    """A single-use, expiring code; only a keyed hash of it is stored, so a letter is printed when issued.

    Issuing a new code for an account spends the ones it had (`used_at` set without a use).
    """

    __tablename__ = "core_activation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActivationKind] = mapped_column(Enum(ActivationKind, native_enum=False, length=10))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
