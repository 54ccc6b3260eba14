"""Who a single sign-on identity is here: remembered at the first log-in through an identity provider."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import UTCDateTime, db, utcnow


class SsoLink(db.Model):
    """An OpenID Connect identity (issuer + subject, which never change) tied to an account.

    Found by the provider's employee code or e-mail claim the first time; from then on by the subject alone, so
    a later change of e-mail at the provider still leads to the same account.
    """

    __tablename__ = "core_sso_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
