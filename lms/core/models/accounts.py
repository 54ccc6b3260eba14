"""Accounts, role grants scoped to a school or unit, and login throttling."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from lms.core.db import UTCDateTime, db, utcnow
from lms.core.models.org import Official, School, Unit

# Not a hash any algorithm produces, so no password can match it; "!" marks it at a glance.
UNUSABLE_PASSWORD = "!unusable"


class Role(str, enum.Enum):
    official = "official"
    lecturer = "lecturer"
    school_admin = "school_admin"
    unit_manager = "unit_manager"
    admin = "admin"


class User(UserMixin, db.Model):
    """A person who logs in: by e-mail, or by the employee code of the official they are."""

    __tablename__ = "core_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    login_code: Mapped[str | None] = mapped_column(String(40), unique=True)  # employee code for officials
    display_name: Mapped[str] = mapped_column(String(200))
    # UNUSABLE_PASSWORD until the person sets one (activation, a reset, or an admin): it matches nothing.
    password_hash: Mapped[str] = mapped_column(String(255), default=UNUSABLE_PASSWORD)
    # Null: the account was never activated (created by an import, no password chosen yet).
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    official_id: Mapped[int | None] = mapped_column(ForeignKey("core_officials.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Set by an admin: the person is kept on the change-password page until they choose a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    official: Mapped[Official | None] = relationship()
    grants: Mapped[list[Grant]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # The server-side session (UserSession) this request runs in, set at log-in or by the loader.
    session_key = None

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)
        self.password_set_at = utcnow()

    @property
    def has_usable_password(self) -> bool:
        return bool(self.password_hash) and not self.password_hash.startswith("!")

    def check_password(self, password: str) -> bool:
        return self.has_usable_password and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        # What Flask-Login keeps in the session and remember-me cookies: ending the row ends both.
        return f"{self.id}:{self.session_key}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, role: Role | str) -> bool:
        role = Role(role)
        if role is Role.official:
            return self.official_id is not None
        return any(g.role is role for g in self.grants)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)

    def __repr__(self) -> str:
        return f"<User {self.email or self.login_code}>"


class Grant(db.Model):
    """A role for a user, scoped: school_admin/lecturer of a school, unit_manager of a unit (and below)."""

    __tablename__ = "core_grants"
    __table_args__ = (Index("ix_core_grants_user_role", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants")
    school: Mapped[School | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class LoginAttempt(db.Model):
    """A failed log-in, kept for throttling across all web processes."""

    __tablename__ = "core_login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UserSession(db.Model):
    """One logged-in browser. Log-out deletes its row, so a copied cookie stops working.

    Only a SHA-256 of the key is stored: the key travels in the signed (not encrypted) cookie.
    """

    __tablename__ = "core_user_sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
