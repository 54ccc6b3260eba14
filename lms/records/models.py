"""The training record's tables (prefixed `records_`).

The ledger (`TrainingCredit`) is the truth; `OfficialYearTotal` and `UnitAreaTotal` are totals kept
in the same transaction as every credit change, so dashboards and reports read a few thousand rows
instead of a million. `lms.records.ledger.total_differences()` recounts them from the ledger.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import UTCDateTime, db, utcnow
from lms.core.models import Official, School, StoredFile, Unit

# Periods may be fractional (a 90-minute webinar is 2 periods, a 30-minute module 0.67); PostgreSQL
# keeps them as exact NUMERIC, Python sees floats (SQLite has no decimal type).
Periods = Numeric(10, 2, asdecimal=False)


class CreditSource(str, enum.Enum):
    certificate = "certificate"  # a certificate issued on the platform
    attendance = "attendance"  # an in-person class completed without a certificate
    outside = "outside"  # recorded by a school for training done elsewhere, with evidence


class TrainingCredit(db.Model):
    """One thing an official earned: title, area, topics, periods, date, school, and their unit then.

    `(source, source_id)` is unique, so a replayed event adds nothing twice. A withdrawn credit
    (revoked certificate) stays, marked, and no longer counts.
    """

    __tablename__ = "records_credits"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_records_credits_official_year", "official_id", "year"),
        Index("ix_records_credits_unit_year", "unit_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("core_officials.id"))
    source: Mapped[CreditSource] = mapped_column(Enum(CreditSource, native_enum=False, length=20))
    source_id: Mapped[str] = mapped_column(String(80))
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    content_area: Mapped[str] = mapped_column(String(40))
    topics: Mapped[list] = mapped_column(JSON, default=list)
    periods: Mapped[float] = mapped_column(Periods)
    earned_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    # The official's unit when the credit was earned: reports roll it into its successor by name.
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"))
    provider: Mapped[str] = mapped_column(String(255), default="")  # outside: who ran the training
    # The issued certificate's id (a reference, no foreign key).
    certificate_id: Mapped[int | None] = mapped_column(Integer)
    verification_code: Mapped[str | None] = mapped_column(String(64))
    class_id: Mapped[int | None] = mapped_column(Integer)  # the class's id in the course catalogue (a reference)
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    recorded_by_school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str] = mapped_column(String(255), default="")

    official: Mapped[Official] = relationship()
    unit: Mapped[Unit] = relationship()
    school: Mapped[School | None] = relationship(foreign_keys=[school_id])
    evidence: Mapped[StoredFile | None] = relationship()

    @property
    def counts(self) -> bool:
        return self.withdrawn_at is None


class OfficialYearTotal(db.Model):
    """One row per official and year: periods in total and in each content area, and the number of credits.

    Wide on purpose: a dashboard tests every official of a province against the requirements, and one
    row per person (no grouping) is what keeps that fast. The area columns are the five content areas of
    `lms.core.vocab.CONTENT_AREAS` (a test checks they agree). Withdrawn credits are not counted.
    """

    __tablename__ = "records_official_years"
    __table_args__ = (Index("ix_records_official_years_official", "official_id"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("core_officials.id"), primary_key=True)
    credits: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Periods, default=0)
    political_theory: Mapped[float] = mapped_column(Periods, default=0)
    defence_security: Mapped[float] = mapped_column(Periods, default=0)
    state_management: Mapped[float] = mapped_column(Periods, default=0)
    job_position: Mapped[float] = mapped_column(Periods, default=0)
    science_technology_digital: Mapped[float] = mapped_column(Periods, default=0)

    def areas(self) -> dict[str, float]:
        from lms.core.vocab import CONTENT_AREAS
        return {area: float(getattr(self, area) or 0) for area in CONTENT_AREAS}


class UnitAreaTotal(db.Model):
    """Periods and credits per year, unit (at the time of the credit), content area and source."""

    __tablename__ = "records_unit_totals"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"), primary_key=True)
    content_area: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[CreditSource] = mapped_column(Enum(CreditSource, native_enum=False, length=20), primary_key=True)
    periods: Mapped[float] = mapped_column(Periods, default=0)
    credits: Mapped[int] = mapped_column(Integer, default=0)


class Requirement(db.Model):
    """A training requirement, as data: who, which years, minimum periods in total and per area.

    Audience: officials whose current unit is `unit` (and, with `include_subunits`, any unit below
    it), whose unit has `unit_level`, who are of `official_kind` and hold `position`; an empty
    criterion means everyone. None apply until an admin switches them on (`active`).
    """

    __tablename__ = "records_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer)  # None: every year from year_from on
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_units.id"))
    include_subunits: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_level: Mapped[str | None] = mapped_column(String(20))
    official_kind: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(200), default="")
    min_periods: Mapped[float | None] = mapped_column(Periods)
    area_minimums: Mapped[dict] = mapped_column(JSON, default=dict)  # {content_area: periods}
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_vi

    def applies_in(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class TrainingPlan(db.Model):
    """A unit's training plan for a year: targets per content area (see PlanTarget)."""

    __tablename__ = "records_plans"
    __table_args__ = (UniqueConstraint("year", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    targets: Mapped[list[PlanTarget]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                     order_by="PlanTarget.content_area")


class PlanTarget(db.Model):
    __tablename__ = "records_plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "content_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("records_plans.id", ondelete="CASCADE"))
    content_area: Mapped[str] = mapped_column(String(40))
    classes: Mapped[int] = mapped_column(Integer, default=0)  # classes to open
    trainees: Mapped[int] = mapped_column(Integer, default=0)  # officials to train

    plan: Mapped[TrainingPlan] = relationship(back_populates="targets")


class ApiToken(db.Model):
    """A read-only API token for an HR system, scoped to a unit and the units below it.

    Only a SHA-256 of the token is kept; the token itself is shown once, when it is created.
    """

    __tablename__ = "records_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_units.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))

    unit: Mapped[Unit] = relationship()


class Transcript(db.Model):
    """A signed transcript: the facts as printed, their Ed25519 signature and a public verify code."""

    __tablename__ = "records_transcripts"
    __table_args__ = (Index("ix_records_transcripts_official_facts", "official_id", "facts_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("core_officials.id"))
    year: Mapped[int | None] = mapped_column(Integer)  # None: every year
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    facts: Mapped[dict] = mapped_column(JSON)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)  # base64 of the Ed25519 signature over the canonical facts
    key_id: Mapped[str] = mapped_column(String(64))  # SHA-256 of the public key that signed


class RateHit(db.Model):
    """One request to a rate-limited public page, kept for a window (shared by all web processes)."""

    __tablename__ = "records_rate_hits"
    __table_args__ = (Index("ix_records_rate_hits_bucket_address_at", "bucket", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
