"""Notifications shown in the app, the e-mail outbox, reminder preferences and password-reset tokens."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import UTCDateTime, db, utcnow


class Notification(db.Model):
    """One notice for one person. `template` names the Jinja pair that renders it ("area/name").

    The text is rendered when shown, in the reader's language, so the row keeps only the template
    name and its parameters. `dedupe_key` makes `notify()` idempotent.
    """

    __tablename__ = "core_notifications"
    __table_args__ = (Index("ix_core_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(120))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    mandatory: Mapped[bool] = mapped_column(default=False)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailStatus(str, enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after MAIL_MAX_ATTEMPTS; shown to admins


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, written in the transaction of the change that causes it.

    The outbox job renders it in the recipient's language when it sends it. `message_id` is fixed
    when the row is written, so every retry carries the same Message-ID header and a duplicate
    after an ambiguous failure (the server took the mail but the answer was lost) is recognisable.
    """

    __tablename__ = "core_outbox"
    __table_args__ = (Index("ix_core_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="vi")  # used when the account is gone
    template: Mapped[str] = mapped_column(String(200))  # the path stem, e.g. "core/notifications/mail/password_reset"
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500))
    # A secret in params (a reset token) is wiped once the mail is sent.
    sensitive: Mapped[bool] = mapped_column(default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[MailStatus] = mapped_column(Enum(MailStatus, native_enum=False, length=20),
                                               default=MailStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationOptOut(db.Model):
    """A person turned off one kind of reminder (a template); mandatory notices still arrive."""

    __tablename__ = "core_notification_optouts"
    __table_args__ = (UniqueConstraint("user_id", "template"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    template: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordResetToken(db.Model):
    """A single-use, expiring password-reset token; only its SHA-256 is stored."""

    __tablename__ = "core_password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordResetRequest(db.Model):
    """A request on the "forgot password" page, kept a while for throttling (known account or not)."""

    __tablename__ = "core_password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
