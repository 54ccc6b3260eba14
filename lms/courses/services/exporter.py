"""Exporting a course to its folder (or the same folder zipped): what `import_course` reads back."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import yaml
from sqlalchemy import select

from lms.core import activities, storage
from lms.core.db import db
from lms.core.models import School, StoredFile
from lms.courses.models import Activity, Asset, Course, Section
from lms.courses.services import content as own
from lms.courses.services.folder import inside
from lms.courses.types import OWN_TYPES


def _text(vi: str, en: str) -> dict:
    return {"vi": vi, "en": en} if en else {"vi": vi}


def course_mapping(course: Course, activity_specs: dict[int, dict]) -> dict:
    school_code = (db.session.scalar(select(School.code).where(School.id == course.school_id))
                   if course.school_id else None)
    sections = db.session.scalars(select(Section).where(Section.course_id == course.id).order_by(Section.position))
    data = {
        "key": course.key, "version": course.version, "sample": course.sample,
        "title": _text(course.title_vi, course.title_en), "summary": _text(course.summary_vi, course.summary_en),
        "content_area": course.content_area, "topics": list(course.topics or []), "periods": course.periods,
        "level": course.level.value,
    }
    if school_code:
        data["school"] = school_code
    data.update({
        "self_enrol": course.self_enrol, "status": course.status.value,
        "completion": {"prerequisites": list(course.prerequisites or []), "min_attendance": course.min_attendance},
        "sources": list(course.sources or []),
        "sections": [{"key": s.key, "title": _text(s.title_vi, s.title_en),
                      "activities": [activity_specs[a.id] for a in s.activities]} for s in sections],
    })
    if float(course.periods).is_integer():
        data["periods"] = int(course.periods)
    return data


def _activity_spec(activity: Activity, folder: Path, page_number: int) -> dict:
    spec = {"key": activity.key, "type": activity.type, "title": _text(activity.title_vi, activity.title_en)}
    if activity.type in OWN_TYPES:
        default = f"lessons/{page_number:02d}-{activity.key}.md"
        returned = own.export_own_content(activity.type, activity.ref, folder, default_page_path=default)
    else:
        kind = activities.get(activity.type)
        if kind is None:
            raise ValueError(f"activity type '{activity.type}' of {activity.key} is not available (plugin off?)")
        returned = dict(kind.export_content(activity.ref, folder) or {})
    for reserved in ("key", "type", "title"):
        returned.pop(reserved, None)
    spec.update(returned)
    spec["required"] = activity.required
    if activity.settings and "settings" not in spec:
        spec["settings"] = dict(activity.settings)
    return spec


def export_course(course: Course, folder: Path) -> Path:
    """Write the course folder into `folder` (created if needed); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for asset in db.session.scalars(select(Asset).where(Asset.course_id == course.id).order_by(Asset.path)):
        target = inside(folder, asset.path)
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        storage.copy_to(db.session.get(StoredFile, asset.file_id), target)
    specs, pages = {}, 0
    ordered = db.session.scalars(select(Activity).join(Section, Section.id == Activity.section_id)
                                 .where(Activity.course_id == course.id).order_by(Section.position, Activity.position))
    for activity in ordered:
        if activity.type == "page":
            pages += 1
        specs[activity.id] = _activity_spec(activity, folder, pages)
    text = yaml.safe_dump(course_mapping(course, specs), allow_unicode=True, sort_keys=False, width=1000)
    (folder / "course.yaml").write_text(text, encoding="utf-8")
    return folder


def export_zip(course: Course) -> bytes:
    """The course folder as a zip with the folder `<key>/` at its root."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="lms-export-") as tmp:
        root = export_course(course, Path(tmp) / course.key)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{course.key}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()
