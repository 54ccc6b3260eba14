"""Models of the courses plugin; tables are prefixed `courses_`.

Course > sections > activities. An activity names its type (registered in lms.core.activities) and an
opaque `ref` the type understands; the four types this plugin owns (page, file, video, link) keep
their content in `LessonContent` (ref = its id). Progress is kept per person and activity, so it
survives re-imports that keep the activity's key; each enrolment stores its percentage.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.core.db import UTCDateTime, db, utcnow
from lms.core.models import School
from lms.core.text import fold


def _enum(cls, length: int = 20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class CourseStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    archived = "archived"


class CourseLevel(str, enum.Enum):
    province = "province"
    commune = "commune"
    all = "all"


class ClassMode(str, enum.Enum):
    online = "online"
    in_person = "in_person"
    blended = "blended"


class AttendanceStatus(str, enum.Enum):
    present = "present"
    late = "late"
    excused = "excused"
    absent = "absent"


class EnrolmentStatus(str, enum.Enum):
    active = "active"
    withdrawn = "withdrawn"


class Course(db.Model):
    __tablename__ = "courses_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    sample: Mapped[bool] = mapped_column(default=False)
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    summary_vi: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    content_area: Mapped[str] = mapped_column(String(40))
    topics: Mapped[list] = mapped_column(JSON, default=list)
    periods: Mapped[float] = mapped_column(Float, default=0)
    level: Mapped[CourseLevel] = mapped_column(_enum(CourseLevel), default=CourseLevel.all)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"), index=True)
    status: Mapped[CourseStatus] = mapped_column(_enum(CourseStatus), default=CourseStatus.draft, index=True)
    self_enrol: Mapped[bool] = mapped_column(default=False)
    prerequisites: Mapped[list] = mapped_column(JSON, default=list)  # course keys
    min_attendance: Mapped[float | None] = mapped_column(Float)  # fraction 0..1 for in-person parts
    sources: Mapped[list] = mapped_column(JSON, default=list)
    # Titles and key without diacritics or case: "chuyen doi so" finds "Chuyển đổi số".
    search_text: Mapped[str] = mapped_column(String(700), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School | None] = relationship()
    sections: Mapped[list[Section]] = relationship(back_populates="course", order_by="Section.position",
                                                  cascade="all, delete-orphan")

    @validates("key", "title_vi", "title_en")
    def _fold_titles(self, field: str, value):
        parts = {"key": self.key, "title_vi": self.title_vi, "title_en": self.title_en, field: value}
        self.search_text = fold(" ".join(p or "" for p in parts.values()))[:700]
        return value

    def __repr__(self) -> str:
        return f"<Course {self.key} v{self.version}>"


class Section(db.Model):
    __tablename__ = "courses_sections"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")

    course: Mapped[Course] = relationship(back_populates="sections")
    activities: Mapped[list[Activity]] = relationship(back_populates="section", order_by="Activity.position",
                                                      cascade="all, delete-orphan")


class Activity(db.Model):
    __tablename__ = "courses_activities"
    __table_args__ = (UniqueConstraint("course_id", "key"), Index("ix_courses_activities_type_ref", "type", "ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("courses_sections.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(80), default="")
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    required: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    section: Mapped[Section] = relationship(back_populates="activities")


class LessonContent(db.Model):
    """What a page, file, video or link activity shows. HTML is stored already sanitised."""

    __tablename__ = "courses_contents"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # page, file, video, link
    format: Mapped[str] = mapped_column(String(10), default="markdown")  # markdown or html (pages)
    source_path: Mapped[str] = mapped_column(String(255), default="")  # where it lives in the course folder
    source_vi: Mapped[str] = mapped_column(Text, default="")
    source_en: Mapped[str] = mapped_column(Text, default="")
    html_vi: Mapped[str] = mapped_column(Text, default="")
    html_en: Mapped[str] = mapped_column(Text, default="")
    asset_path: Mapped[str] = mapped_column(String(255), default="")  # file and uploaded video
    url: Mapped[str] = mapped_column(String(1000), default="")  # link and embedded video
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Asset(db.Model):
    """A file of a course folder (files/...), kept by the storage service."""

    __tablename__ = "courses_assets"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(255))
    file_id: Mapped[int] = mapped_column(ForeignKey("core_files.id"))


class CourseLecturer(db.Model):
    """A lecturer assigned to a course (may edit it even when not of its school)."""

    __tablename__ = "courses_course_lecturers"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True)


class CourseClass(db.Model):
    """A run of a course for a group of officials (lớp)."""

    __tablename__ = "courses_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_units.id"))
    mode: Mapped[ClassMode] = mapped_column(_enum(ClassMode), default=ClassMode.online)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(255), default="")
    min_attendance: Mapped[float | None] = mapped_column(Float)  # overrides the course's
    credit_on_attendance: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    school: Mapped[School | None] = relationship()


class ClassLecturer(db.Model):
    __tablename__ = "courses_class_lecturers"

    class_id: Mapped[int] = mapped_column(ForeignKey("courses_classes.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True)


class ClassSession(db.Model):
    """An in-person session of a class; attendance is taken per session."""

    __tablename__ = "courses_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("courses_classes.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(255), default="")
    topic: Mapped[str] = mapped_column(String(255), default="")


class Enrolment(db.Model):
    """A person's place in a course (through a class or by themselves); one per person and course."""

    __tablename__ = "courses_enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses_courses.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("courses_classes.id"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="self")  # self, class
    status: Mapped[EnrolmentStatus] = mapped_column(_enum(EnrolmentStatus), default=EnrolmentStatus.active)
    course_version: Mapped[int] = mapped_column(Integer, default=1)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # stored fraction 0..1
    attendance_rate: Mapped[float | None] = mapped_column(Float)
    final_score: Mapped[float | None] = mapped_column(Float)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_version: Mapped[int | None] = mapped_column(Integer)
    last_activity_id: Mapped[int | None] = mapped_column(ForeignKey("courses_activities.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()


class ActivityProgress(db.Model):
    """One person's state on one activity: opened, watched so far, score, completed."""

    __tablename__ = "courses_progress"
    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("courses_activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"), index=True)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Attendance(db.Model):
    __tablename__ = "courses_attendance"
    __table_args__ = (UniqueConstraint("session_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("courses_sessions.id", ondelete="CASCADE"))
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("courses_enrolments.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, 10))
    note: Mapped[str] = mapped_column(String(255), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
