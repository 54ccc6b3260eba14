"""Authoring in the browser: courses, sections, activities, lesson bodies, files, order and status.

Keys are made from titles (without diacritics) and never change afterwards, so a course edited in the
browser and exported keeps its learners' progress when it comes back as a folder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from lms.core import activities, audit, storage
from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotAllowed
from lms.core.models import User
from lms.core.text import fold
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.courses.access import may_create_course
from lms.courses.models import (
    Activity,
    Asset,
    Course,
    CourseLecturer,
    CourseLevel,
    CourseStatus,
    LessonContent,
    Section,
)
from lms.courses.sanitize import is_allowed_video_url
from lms.courses.services import content as own
from lms.courses.services.folder import KEY_PATTERN, Problem
from lms.courses.services.progress import refresh_course_progress
from lms.courses.types import OWN_TYPES


def slug(text: str, fallback: str = "muc") -> str:
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-")
    return value or fallback


def _unique(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@dataclass
class CourseFields:
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    content_area: str
    topics: list[str]
    periods: float
    level: str
    school_id: int | None
    self_enrol: bool
    prerequisites: list[str]
    min_attendance: float | None
    sources: list[str]


def _apply_fields(course: Course, fields: CourseFields) -> None:
    if fields.content_area not in CONTENT_AREAS:
        raise DomainError(_l("Choose a content area."))
    if any(t not in TOPICS for t in fields.topics):
        raise DomainError(_l("Unknown topic."))
    if not fields.periods or fields.periods <= 0:
        raise DomainError(_l("The number of periods must be positive."))
    bad = [k for k in fields.prerequisites if not KEY_PATTERN.match(k) or k == course.key]
    if bad:
        raise DomainError(_l("These prerequisites are not course keys: %(keys)s", keys=", ".join(bad)))
    course.title_vi, course.title_en = fields.title_vi.strip(), fields.title_en.strip()
    course.summary_vi, course.summary_en = fields.summary_vi.strip(), fields.summary_en.strip()
    course.content_area, course.topics, course.periods = fields.content_area, list(fields.topics), float(fields.periods)
    course.level, course.self_enrol = CourseLevel(fields.level), fields.self_enrol
    course.prerequisites, course.min_attendance = list(fields.prerequisites), fields.min_attendance
    course.sources = [s.strip() for s in fields.sources if s.strip()]


def create_course(user, fields: CourseFields, key: str = "") -> Course:
    """A new draft course owned by a school the lecturer belongs to."""
    if not may_create_course(user, fields.school_id):
        raise NotAllowed(_l("You may not add courses for this school."))
    key = (key or "").strip() or slug(fields.title_vi, "khoa-hoc")
    if not KEY_PATTERN.match(key) or len(key) > 80:
        raise DomainError(_l("The key may only hold lowercase letters, digits and hyphens."))
    if db.session.scalar(select(exists().where(Course.key == key))):
        raise DomainError(_l("Another course already has the key %(key)s.", key=key))
    course = Course(key=key, school_id=fields.school_id, status=CourseStatus.draft, created_by=user.id, version=1)
    _apply_fields(course, fields)
    db.session.add(course)
    db.session.flush()
    audit.record("course.created", "course", course.id, actor_id=user.id, data={"key": key})
    return course


def update_course(user, course: Course, fields: CourseFields) -> None:
    if fields.school_id != course.school_id and not may_create_course(user, fields.school_id):
        raise NotAllowed(_l("You may not move the course to that school."))
    course.school_id = fields.school_id
    _apply_fields(course, fields)
    db.session.flush()


def set_status(user, course: Course, status: CourseStatus) -> None:
    if status is CourseStatus.published:
        count = db.session.scalar(select(func.count()).select_from(Activity).where(Activity.course_id == course.id))
        if not count:
            raise DomainError(_l("Add at least one activity before publishing."))
        course.published_at = course.published_at or utcnow()
    course.status = status
    audit.record("course.status", "course", course.id, actor_id=user.id, data={"status": status.value})
    db.session.flush()


def publish_revision(user, course: Course) -> None:
    """A published course was revised: bump its version (learners keep their progress)."""
    if course.status is not CourseStatus.published:
        raise DomainError(_l("Only a published course gets a new version."))
    course.version += 1
    audit.record("course.revised", "course", course.id, actor_id=user.id, data={"version": course.version})
    db.session.flush()


# --- sections and activities -------------------------------------------------------------------

def add_section(course: Course, title_vi: str, title_en: str = "") -> Section:
    """Append a section; the same empty section submitted twice in a row (a double click) is added once."""
    last = db.session.scalar(select(Section).where(Section.course_id == course.id)
                             .order_by(Section.position.desc(), Section.id.desc()).limit(1))
    if last is not None and last.title_vi == title_vi.strip() and not last.activities:
        return last
    taken = set(db.session.scalars(select(Section.key).where(Section.course_id == course.id)))
    position = db.session.scalar(select(func.coalesce(func.max(Section.position) + 1, 0))
                                 .where(Section.course_id == course.id))
    section = Section(course_id=course.id, key=_unique(slug(title_vi, "phan"), taken), position=position,
                      title_vi=title_vi.strip(), title_en=title_en.strip())
    db.session.add(section)
    db.session.flush()
    return section


def _siblings(model, parent_column, parent_id):
    return list(db.session.scalars(select(model).where(parent_column == parent_id).order_by(model.position, model.id)))


def _move(items: list, item, direction: int) -> None:
    index = items.index(item)
    target = index + direction
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, each in enumerate(items):
        each.position = position
    db.session.flush()


def move_section(section: Section, direction: int) -> None:
    _move(_siblings(Section, Section.course_id, section.course_id), section, direction)


def move_activity(activity: Activity, direction: int) -> None:
    _move(_siblings(Activity, Activity.section_id, activity.section_id), activity, direction)


def delete_section(course: Course, section: Section) -> None:
    for activity in section.activities:
        if activity.type in OWN_TYPES and activity.ref.isdigit():
            content = db.session.get(LessonContent, int(activity.ref))
            if content is not None:
                db.session.delete(content)
    db.session.delete(section)
    db.session.flush()
    refresh_course_progress(course)


def add_activity(course: Course, section: Section, kind: str, title_vi: str, title_en: str = "",
                 required: bool = True) -> Activity:
    if activities.get(kind) is None:
        raise DomainError(_l("The activity type %(type)s is not available.", type=kind))
    last = db.session.scalar(select(Activity).where(Activity.section_id == section.id)
                             .order_by(Activity.position.desc(), Activity.id.desc()).limit(1))
    if last is not None and (last.type, last.title_vi) == (kind, title_vi.strip()) and _is_empty(last):
        return last  # the same new activity submitted twice (a double click): added once
    taken = set(db.session.scalars(select(Activity.key).where(Activity.course_id == course.id)))
    position = db.session.scalar(select(func.coalesce(func.max(Activity.position) + 1, 0))
                                 .where(Activity.section_id == section.id))
    ref = ""
    if kind in OWN_TYPES:
        content = LessonContent(course_id=course.id, kind=kind, format="markdown")
        db.session.add(content)
        db.session.flush()
        ref = str(content.id)
    activity = Activity(course_id=course.id, section_id=section.id, key=_unique(slug(title_vi, "bai"), taken),
                        position=position, type=kind, ref=ref, title_vi=title_vi.strip(), title_en=title_en.strip(),
                        required=required, settings={})
    db.session.add(activity)
    db.session.flush()
    refresh_course_progress(course)
    return activity


def _is_empty(activity: Activity) -> bool:
    if activity.type not in OWN_TYPES:
        return not activity.ref
    content = db.session.get(LessonContent, int(activity.ref)) if activity.ref.isdigit() else None
    return content is None or not (content.source_vi or content.url or content.asset_path)


def update_activity(course: Course, activity: Activity, *, title_vi: str, title_en: str, required: bool) -> None:
    changed = activity.required != required
    activity.title_vi, activity.title_en, activity.required = title_vi.strip(), title_en.strip(), required
    db.session.flush()
    if changed:
        refresh_course_progress(course)


def delete_activity(course: Course, activity: Activity) -> None:
    if activity.type in OWN_TYPES and activity.ref.isdigit():
        content = db.session.get(LessonContent, int(activity.ref))
        if content is not None:
            db.session.delete(content)
    db.session.delete(activity)
    db.session.flush()
    refresh_course_progress(course)


def _own_content(activity: Activity) -> LessonContent:
    content = db.session.get(LessonContent, int(activity.ref)) if activity.ref.isdigit() else None
    if content is None:
        content = LessonContent(course_id=activity.course_id, kind=activity.type)
        db.session.add(content)
        db.session.flush()
        activity.ref = str(content.id)
    return content


def preview_page(course: Course, fmt: str, text: str) -> tuple[str, list[Problem]]:
    """Sanitised HTML as it will be stored (course files still named "asset:<path>")."""
    paths = set(db.session.scalars(select(Asset.path).where(Asset.course_id == course.id)))
    stored, _used, warnings = own.render_page(fmt, text, own.assets_resolver(paths), "")
    return stored, warnings


def save_page(course: Course, activity: Activity, *, fmt: str, source_vi: str, source_en: str,
              manual: bool) -> list[Problem]:
    """Save a page's Markdown or HTML; returns what the HTML policy removed (to show the author)."""
    if fmt not in ("markdown", "html"):
        raise DomainError(_l("Choose Markdown or HTML."))
    content = _own_content(activity)
    html_vi, warnings = preview_page(course, fmt, source_vi)
    html_en, warnings_en = preview_page(course, fmt, source_en) if source_en.strip() else ("", [])
    content.format, content.source_vi, content.source_en = fmt, source_vi, source_en
    content.html_vi, content.html_en = html_vi, html_en
    settings = dict(activity.settings or {})
    settings.pop("completion", None)
    if manual:
        settings["completion"] = "manual"
    activity.settings = settings
    db.session.flush()
    return warnings + warnings_en


def save_file_activity(activity: Activity, asset_path: str) -> None:
    if not db.session.scalar(select(exists().where(Asset.course_id == activity.course_id, Asset.path == asset_path))):
        raise DomainError(_l("Choose one of the course's files."))
    content = _own_content(activity)
    content.asset_path, content.url = asset_path, ""
    db.session.flush()


def save_video(activity: Activity, *, url: str, asset_path: str, percent: int) -> None:
    content = _own_content(activity)
    url = (url or "").strip()
    if url:
        if not is_allowed_video_url(url):
            raise DomainError(_l("Videos may only be embedded from the allowed hosts (https)."))
        content.url, content.asset_path = url, ""
    else:
        if not db.session.scalar(select(exists().where(Asset.course_id == activity.course_id,
                                                       Asset.path == asset_path))):
            raise DomainError(_l("Give an embed address or choose an uploaded video."))
        if PurePosixPath(asset_path).suffix.lower() not in own.VIDEO_EXTENSIONS:
            raise DomainError(_l("That file is not a video."))
        content.url, content.asset_path = "", asset_path
    if not 1 <= percent <= 100:
        raise DomainError(_l("The share to watch must be between 1 and 100 %."))
    activity.settings = {**(activity.settings or {}), "complete_at_percent": percent}
    db.session.flush()


def save_link(activity: Activity, url: str) -> None:
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s]+$", url):
        raise DomainError(_l("A link must start with http:// or https://."))
    content = _own_content(activity)
    content.url, content.asset_path = url, ""
    db.session.flush()


def save_foreign_ref(course: Course, activity: Activity, ref: str) -> None:
    kind = activities.get(activity.type)
    allowed = {str(r) for r, _label in (kind.choices(course.id, course.school_id) if kind else [])}
    if ref not in allowed:
        raise DomainError(_l("Choose one of the offered items."))
    activity.ref = ref
    db.session.flush()


# --- files and lecturers -------------------------------------------------------------------------

def upload_asset(course: Course, upload: FileStorage, user_id: int) -> Asset:
    """Keep an uploaded course file under files/<its name>; its bytes must match its name."""
    original = PurePosixPath((upload.filename or "").replace("\\", "/")).name
    stem, suffix = PurePosixPath(original).stem, PurePosixPath(original).suffix.lower()
    if not original or not secure_filename(original):
        raise DomainError(_l("Choose a file to upload."))
    name = f"{slug(stem, 'tep')}{re.sub(r'[^a-z0-9.]', '', suffix)}"
    path = f"files/{name}"
    head = upload.stream.read(8192)
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    problem = own.check_file(path, head, size)
    if problem is not None:
        raise DomainError(_l("%(file)s: %(reason)s", file=upload.filename, reason=problem.message))
    stored = storage.save(upload.stream, name, own.allowed_types(path), max_bytes=own.size_limit(path),
                          uploaded_by=user_id)
    asset = db.session.scalar(select(Asset).where(Asset.course_id == course.id, Asset.path == path))
    if asset is None:
        asset = Asset(course_id=course.id, path=path, file_id=stored.id)
        db.session.add(asset)
    else:
        asset.file_id = stored.id
    db.session.flush()
    return asset


def delete_asset(course: Course, path: str) -> None:
    used = db.session.scalar(select(exists().where(LessonContent.course_id == course.id,
                                                   LessonContent.asset_path == path)))
    if used:
        raise DomainError(_l("%(path)s is used by an activity; change that activity first.", path=path))
    asset = db.session.scalar(select(Asset).where(Asset.course_id == course.id, Asset.path == path))
    if asset is not None:
        db.session.delete(asset)
        db.session.flush()


def assign_lecturer(course: Course, email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))
    if user is None:
        raise DomainError(_l("No account has the e-mail %(email)s.", email=email))
    if not db.session.get(CourseLecturer, (course.id, user.id)):
        db.session.add(CourseLecturer(course_id=course.id, user_id=user.id))
        db.session.flush()
    return user


def unassign_lecturer(course: Course, user_id: int) -> None:
    link = db.session.get(CourseLecturer, (course.id, user_id))
    if link is not None:
        db.session.delete(link)
        db.session.flush()
