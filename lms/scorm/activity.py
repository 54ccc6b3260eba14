"""The "scorm" activity type: how a course attaches a package, launches it, imports and exports it."""
from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.activities import ActivityInfo, ActivityType
from lms.core.db import db
from lms.core.errors import DomainError
from lms.scorm import services
from lms.scorm.models import ScormPackage


def package_id(ref: str) -> int | None:
    try:
        return int(ref)
    except (TypeError, ValueError):
        return None


class ScormActivityType(ActivityType):
    name = "scorm"
    label = _l("SCORM package")
    graded = True
    content_extensions = (".zip",)

    def launch_url(self, activity: ActivityInfo) -> str | None:
        found = package_id(activity.ref)
        return url_for("scorm.play", package_id=found) if found is not None else None

    def completion_hint(self) -> str:
        return _("Work through the package until it reports that you have completed it (or passed its test).")

    def choices(self, course_id: int, school_id: int | None) -> list[tuple[str, str]]:
        statement = select(ScormPackage.id, ScormPackage.title).order_by(ScormPackage.title, ScormPackage.id)
        if school_id is not None:
            statement = statement.where(ScormPackage.school_id == school_id)
        return [(str(row.id), row.title) for row in db.session.execute(statement)]

    def import_content(self, *, course_id: int, course_key: str, school_id: int | None, key: str,
                       title: dict, spec: dict, folder: Path, existing_ref: str | None) -> str:
        source = str(spec.get("source") or "").strip()
        if not source:
            raise DomainError(_l("A SCORM activity needs 'source': the path of its zip in the course folder."))
        path = _inside(folder, source)
        if path is None or not path.is_file():
            raise DomainError(_l("The SCORM package %(source)s is not in the course folder."), source=source)
        existing = None
        found = package_id(existing_ref) if existing_ref else None
        if found is not None:
            existing = db.session.get(ScormPackage, found)
        chosen_title = (title or {}).get("vi") or (title or {}).get("en") or None
        package = services.import_file(path, school_id=school_id, user_id=None, title=chosen_title, existing=existing)
        return str(package.id)

    def export_content(self, ref: str, folder: Path) -> dict:
        found = package_id(ref)
        package = db.session.get(ScormPackage, found) if found is not None else None
        if package is None:
            raise ValueError(f"SCORM package {ref!r} does not exist")
        return {"source": services.export_zip(package, folder)}


def _inside(folder: Path, relative: str) -> Path | None:
    """`folder/relative`, or None if it would leave the folder (absolute path, '..', a link outside)."""
    base = folder.resolve()
    candidate = (base / relative).resolve()
    return candidate if base in candidate.parents else None
