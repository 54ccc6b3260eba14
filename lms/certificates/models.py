"""Models of the certificates plugin; tables are prefixed `certificates_`.

A certificate is a snapshot: everything it prints (holder, course, school, signer, images) is copied
onto it when it is issued, so it stays true after the course, the class, the template or the school
change. The facts it vouches for are kept as the exact canonical JSON that the school's key signed.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import UTCDateTime, db, utcnow
from lms.core.models import School


class CertificateKind(str, enum.Enum):
    program = "program"  # chứng chỉ: a standardised program
    completion = "completion"  # giấy chứng nhận hoàn thành khóa bồi dưỡng


class Orientation(str, enum.Enum):
    landscape = "landscape"
    portrait = "portrait"


class Status(str, enum.Enum):
    valid = "valid"
    expired = "expired"
    revoked = "revoked"
    superseded = "superseded"


class Variant(str, enum.Enum):
    original = "original"
    copy = "copy"  # re-issued for a lost or damaged certificate; points to the original
    correction = "correction"  # supersedes a certificate that carried an error


class ExpiryBase(str, enum.Enum):
    """Where a renewed certificate's validity starts (Totara's "recertification date")."""

    completion = "completion"  # the date the new cycle was completed
    expiry = "expiry"  # the previous certificate's expiry, when renewed on time


class RevocationGround(str, enum.Enum):
    """The legal grounds for revoking a certificate (DOMAIN.md)."""

    fraud = "fraud"
    not_eligible = "not_eligible"
    beyond_authority = "beyond_authority"
    altered = "altered"
    lent = "lent"
    school_error = "school_error"


DEFAULT_SERIAL_FORMAT = "{school}-{year}-{seq:05d}"
NATIONAL_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


class CertificateTemplate(db.Model):
    """How a school's certificates look: kind, page, printed wording, signature, seal, background."""

    __tablename__ = "certificates_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("core_schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CertificateKind] = mapped_column(Enum(CertificateKind, native_enum=False, length=20))
    orientation: Mapped[Orientation] = mapped_column(Enum(Orientation, native_enum=False, length=20),
                                                     default=Orientation.landscape)
    national_heading: Mapped[str] = mapped_column(String(120), default=NATIONAL_HEADING)
    national_motto: Mapped[str] = mapped_column(String(120), default=NATIONAL_MOTTO)
    title: Mapped[str] = mapped_column(String(120))  # "GIẤY CHỨNG NHẬN", "CHỨNG CHỈ"
    subtitle: Mapped[str] = mapped_column(String(160), default="")  # "HOÀN THÀNH KHÓA BỒI DƯỠNG"
    body: Mapped[str] = mapped_column(String(200), default="")  # the line before the course's name
    signer_title: Mapped[str] = mapped_column(String(200), default="")  # empty: the school's
    signer_name: Mapped[str] = mapped_column(String(200), default="")  # empty: the school's
    serial_format: Mapped[str] = mapped_column(String(100), default=DEFAULT_SERIAL_FORMAT)
    signature_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    seal_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    background_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()


class CertificateRule(db.Model):
    """When a course (or one class of it) yields a certificate, on which template, valid how long.

    A class's rule wins over its course's. `scope` is "course:<course_key>" or "class:<class_id>",
    unique, so a course or class has at most one rule.
    """

    __tablename__ = "certificates_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(120), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("core_schools.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("certificates_templates.id"))
    course_key: Mapped[str] = mapped_column(String(80), index=True)
    course_id: Mapped[int | None] = mapped_column(Integer)  # ref into courses
    class_id: Mapped[int | None] = mapped_column(Integer, index=True)  # ref into courses
    min_final_score: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    min_attendance: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    renewal_window_days: Mapped[int] = mapped_column(Integer, default=60)
    expiry_base: Mapped[ExpiryBase] = mapped_column(Enum(ExpiryBase, native_enum=False, length=20),
                                                    default=ExpiryBase.expiry)
    periods: Mapped[float | None] = mapped_column(Float)  # None: the course's periods
    content_area: Mapped[str] = mapped_column(String(40), default="")  # empty: the course's
    auto_issue: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    template: Mapped[CertificateTemplate] = relationship(lazy="joined")


class RegisterCounter(db.Model):
    """The last register number a school used in a year. Numbers are taken by one row update per batch,
    inside the issuing transaction, so a rolled-back batch leaves no gap and parallel batches queue."""

    __tablename__ = "certificates_register_counters"

    school_id: Mapped[int] = mapped_column(ForeignKey("core_schools.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class SchoolKey(db.Model):
    """A school's Ed25519 signing key. The private half is stored sealed (AES-GCM under a key derived with
    scrypt from the CERTIFICATES_KEY_PASSPHRASE setting), so every web process reaches it through the
    database; the public half is published. Retired keys stay, so old certificates still verify."""

    __tablename__ = "certificates_school_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("core_schools.id"), index=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # RFC 7638 JWK thumbprint
    public_key: Mapped[str] = mapped_column(String(64))  # raw 32 bytes, base64url
    private_key_sealed: Mapped[str] = mapped_column(Text)  # AES-GCM under a key derived from the passphrase
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Certificate(db.Model):
    """One entry of a school's certificate register."""

    __tablename__ = "certificates_certificates"
    __table_args__ = (
        UniqueConstraint("school_id", "register_year", "register_seq"),
        UniqueConstraint("school_id", "serial"),
        Index("ix_certificates_certificates_holder_course", "official_id", "course_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("core_schools.id"))
    official_id: Mapped[int] = mapped_column(ForeignKey("core_officials.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("certificates_templates.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("certificates_rules.id"))
    # what was completed (refs into courses; a certificate outlives its course and class)
    course_key: Mapped[str] = mapped_column(String(80))
    course_id: Mapped[int | None] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(Integer, index=True)
    enrolment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    # "<official>:<course_key>:<cycle>" on originals: one certificate per official, course and cycle.
    issue_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    variant: Mapped[Variant] = mapped_column(Enum(Variant, native_enum=False, length=20), default=Variant.original)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("certificates_certificates.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("certificates_certificates.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates_certificates.id"))
    # the register
    register_year: Mapped[int] = mapped_column(Integer)
    register_seq: Mapped[int] = mapped_column(Integer)
    register_number: Mapped[str] = mapped_column(String(30))
    serial: Mapped[str] = mapped_column(String(80))
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    # the printed facts
    kind: Mapped[CertificateKind] = mapped_column(Enum(CertificateKind, native_enum=False, length=20))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_name_folded: Mapped[str] = mapped_column(String(200), index=True)
    holder_birth_date: Mapped[date | None] = mapped_column(Date)
    holder_employee_code: Mapped[str] = mapped_column(String(40), default="")
    holder_unit_name: Mapped[str] = mapped_column(String(255), default="")
    course_title_vi: Mapped[str] = mapped_column(String(300))
    course_title_en: Mapped[str] = mapped_column(String(300), default="")
    class_code: Mapped[str] = mapped_column(String(80), default="")
    content_area: Mapped[str] = mapped_column(String(40), default="")
    topics: Mapped[list] = mapped_column(JSON, default=list)
    periods: Mapped[float] = mapped_column(Float, default=0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    final_score: Mapped[float | None] = mapped_column(Float)
    attendance_rate: Mapped[float | None] = mapped_column(Float)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    # the print snapshot: template wording, school and signer as they were on the day of issue
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    school_code: Mapped[str] = mapped_column(String(40))
    school_name_vi: Mapped[str] = mapped_column(String(255))
    school_name_en: Mapped[str] = mapped_column(String(255), default="")
    signature_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    seal_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    background_file_id: Mapped[int | None] = mapped_column(ForeignKey("core_files.id"))
    # what the school's key vouches for
    key_id: Mapped[int] = mapped_column(ForeignKey("certificates_school_keys.id"))
    facts_json: Mapped[str] = mapped_column(Text)  # the exact canonical JSON that was signed
    facts_signature: Mapped[str] = mapped_column(String(100))  # Ed25519, base64url
    birth_date_salt: Mapped[str] = mapped_column(String(40), default="")
    # the state
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=20), default=Status.valid,
                                           index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    revocation_ground: Mapped[str] = mapped_column(String(40), default="")
    revocation_note: Mapped[str] = mapped_column(Text, default="")
    renewal_opened_on: Mapped[date | None] = mapped_column(Date)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    # The form's one-time key for copies and corrections: a double-clicked submit finds the first result.
    request_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    key: Mapped[SchoolKey] = relationship(lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.status in (Status.valid, Status.expired)

    def __repr__(self) -> str:
        return f"<Certificate {self.register_number} {self.holder_name}>"


class VerifyCounter(db.Model):
    """Fixed-window request counters for the public verify pages, shared by every web process."""

    __tablename__ = "certificates_verify_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "<bucket>:<address>:<window start>"
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
