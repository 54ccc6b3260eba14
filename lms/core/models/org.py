"""The organisation: units as a tree, officials, training schools (DOMAIN.md)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.core.db import UTCDateTime, db, utcnow
from lms.core.text import fold


class UnitLevel(str, enum.Enum):
    central = "central"
    province = "province"
    commune = "commune"
    district = "district"  # only for records dated before 2025-07-01


class OfficialKind(str, enum.Enum):
    cadre = "cadre"  # cán bộ
    civil_servant = "civil_servant"  # công chức
    public_employee = "public_employee"  # viên chức


class Unit(db.Model):
    """A unit of government. `path` ("/1/7/42/") makes "this unit and all below it" one indexed LIKE."""

    __tablename__ = "core_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    name_folded: Mapped[str] = mapped_column(String(255), default="", index=True)
    level: Mapped[UnitLevel] = mapped_column(Enum(UnitLevel, native_enum=False, length=20))
    kind: Mapped[str] = mapped_column(String(40), default="")  # department, agency, ward, commune ...
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("core_units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @validates("name_vi")
    def _fold_name(self, key, value):
        self.name_folded = fold(value)
        return value

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Official(db.Model):
    """A cadre, civil servant or public employee, known to HR by an employee code."""

    __tablename__ = "core_officials"
    __table_args__ = (Index("ix_core_officials_unit_kind", "unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True, default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(10), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[OfficialKind] = mapped_column(Enum(OfficialKind, native_enum=False, length=20))
    rank: Mapped[str] = mapped_column(String(200), default="")  # ngạch / chức danh nghề nghiệp
    political_theory_level: Mapped[str] = mapped_column(String(20), default="")  # elementary/intermediate/advanced
    political_theory_school: Mapped[str] = mapped_column(String(255), default="")
    political_theory_year: Mapped[int | None]
    # Never deleted: an official who leaves (a leaving date, or missing from a full import) is made inactive,
    # their record stays, and their account cannot log in until an import brings them back.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    left_on: Mapped[date | None] = mapped_column(Date)  # ngày thôi việc, from HR
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    @validates("full_name")
    def _fold_name(self, key, value):
        self.name_folded = fold(value)
        return value

    def __repr__(self) -> str:
        return f"<Official {self.employee_code}>"


class School(db.Model):
    """A training school: it runs classes and issues certificates, printing these details."""

    __tablename__ = "core_schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"), index=True)
    place: Mapped[str] = mapped_column(String(120), default="")  # printed as "<place>, ngày ... "
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    governing_body: Mapped[str] = mapped_column(Text, default="")  # the line above the school's name
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"))
    active: Mapped[bool] = mapped_column(default=True)

    unit: Mapped[Unit] = relationship()
    successor: Mapped[School | None] = relationship(remote_side=[id])

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi
