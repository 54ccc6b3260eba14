"""Models of the SCORM plugin; tables are prefixed `scorm_`.

A package is an uploaded zip (kept by the core storage service) unpacked into its own folder, with
the items of its manifest. An official's work on a package is an attempt; within it, one track per
item keeps the CMI data the item's SCO committed (as a flat JSON object of element -> value) and, for
reports, its status, score and time in plain columns. Tracks name their item by the manifest
identifier, so a new version of a package keeps the progress on items whose identifiers did not change.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import UTCDateTime, db, utcnow


class ScormPackage(db.Model):
    __tablename__ = "scorm_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(8))  # "1.2" or "2004"
    edition: Mapped[str] = mapped_column(String(8), default="")  # 2004: "2nd", "3rd", "4th" when declared
    manifest_identifier: Mapped[str] = mapped_column(String(255), default="")
    organization: Mapped[str] = mapped_column(String(255), default="")
    # The organization's own sequencing (control modes of the activity tree's root).
    sequencing: Mapped[dict] = mapped_column(JSON, default=dict)
    # Declarations the player does not apply (keys of lms.scorm.labels.NOTES), and skipped junk files.
    notes: Mapped[list] = mapped_column(JSON, default=list)
    skipped_files: Mapped[int] = mapped_column(default=0)
    file_id: Mapped[int] = mapped_column(ForeignKey("core_files.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(default=1)  # the unpacked folder is r<revision>
    file_count: Mapped[int] = mapped_column(default=0)
    unpacked_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[ScormItem]] = relationship(back_populates="package", order_by="ScormItem.position",
                                                  cascade="all, delete-orphan")

    @property
    def launchable_items(self) -> list[ScormItem]:
        return [item for item in self.items if item.launch]


class ScormItem(db.Model):
    """An item of the manifest's organization: a launchable SCO or asset, or an aggregation of items."""

    __tablename__ = "scorm_items"
    __table_args__ = (UniqueConstraint("package_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(255))
    parent: Mapped[str] = mapped_column(String(255), default="")  # identifier of the parent item, "" at the top
    depth: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)  # document order
    title: Mapped[str] = mapped_column(String(500))
    visible: Mapped[bool] = mapped_column(default=True)
    scorm_type: Mapped[str] = mapped_column(String(8), default="")  # "sco", "asset", "" for an aggregation
    launch: Mapped[str] = mapped_column(String(2000), default="")  # relative to the package root, parameters added
    mastery_score: Mapped[float | None] = mapped_column(Float)  # 1.2: 0..100
    scaled_passing_score: Mapped[float | None] = mapped_column(Float)  # 2004: -1..1
    completion_threshold: Mapped[float | None] = mapped_column(Float)  # 2004: 0..1
    max_time_allowed: Mapped[str] = mapped_column(String(40), default="")
    time_limit_action: Mapped[str] = mapped_column(String(40), default="")
    data_from_lms: Mapped[str] = mapped_column(Text, default="")
    sequencing: Mapped[dict] = mapped_column(JSON, default=dict)
    hide_lms_ui: Mapped[list] = mapped_column(JSON, default=list)

    package: Mapped[ScormPackage] = relationship(back_populates="items")


class ScormAttempt(db.Model):
    """One official's attempt on a package. Resetting closes it; the next launch opens a new one."""

    __tablename__ = "scorm_attempts"
    __table_args__ = (UniqueConstraint("package_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_item: Mapped[str] = mapped_column(String(255), default="")  # where to resume
    completed: Mapped[bool] = mapped_column(default=False)
    passed: Mapped[bool | None]
    score: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    items_done: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported: Mapped[str] = mapped_column(String(80), default="")  # the outcome last sent (no repeats)
    reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reset_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))

    tracks: Mapped[list[ScormTrack]] = relationship(back_populates="attempt", cascade="all, delete-orphan")


class ScormTrack(db.Model):
    """The CMI data of one item in one attempt, with what reports need in plain columns."""

    __tablename__ = "scorm_tracks"
    __table_args__ = (UniqueConstraint("attempt_id", "item_identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("scorm_attempts.id", ondelete="CASCADE"), index=True)
    item_identifier: Mapped[str] = mapped_column(String(255))
    cmi: Mapped[dict] = mapped_column(JSON, default=dict)  # element -> value, as the SCO set them
    status: Mapped[str] = mapped_column(String(20), default="not attempted")  # 1.2 lesson / 2004 completion status
    success: Mapped[str] = mapped_column(String(10), default="unknown")  # passed, failed, unknown
    completed: Mapped[bool] = mapped_column(default=False)
    score_raw: Mapped[float | None] = mapped_column(Float)
    score_min: Mapped[float | None] = mapped_column(Float)
    score_max: Mapped[float | None] = mapped_column(Float)
    score_scaled: Mapped[float | None] = mapped_column(Float)
    exit: Mapped[str] = mapped_column(String(20), default="")  # cmi.exit of the last session
    # Time: closed sessions folded into base_seconds; the recent ones kept by id, so that a late or
    # repeated commit of a session replaces its own time instead of adding it twice.
    base_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    sessions: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "seq", "seconds"}]
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    session_count: Mapped[int] = mapped_column(default=0)
    first_launched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[ScormAttempt] = relationship(back_populates="tracks")
