"""Packages: check, upload, replace with a new version, import from and export to a course folder.

Services flush, never commit: the view or command that called them commits once. A package is checked
completely (zip entries, manifest, launch files) and unpacked in a staging folder before anything is
stored, so a refused upload stores nothing.
"""
from __future__ import annotations

import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.utils import secure_filename

from lms.core import storage
from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotFound
from lms.core.models import Role, StoredFile
from lms.scorm import archive, files
from lms.scorm import manifest as manifests
from lms.scorm.archive import Inspection, Limits, PackageRefused
from lms.scorm.models import ScormAttempt, ScormItem, ScormPackage

MAX_IDENTIFIER = 255
MAX_LAUNCH = 2000


@dataclass(frozen=True)
class CheckedPackage:
    inspection: Inspection
    manifest: manifests.Manifest


def limits() -> Limits:
    return Limits.from_config(current_app.config)


def check_package(path: Path, filename: str, checks: Limits) -> CheckedPackage:
    """Check a zip completely without unpacking it: entries, manifest, launch files. Raises PackageRefused."""
    inspection = archive.inspect_zip(path, filename, checks)
    parsed = manifests.parse(archive.read_manifest(path, inspection, filename))
    present = inspection.file_paths
    for item, _parent, _depth in parsed.walk():
        if len(item.identifier) > MAX_IDENTIFIER:
            raise PackageRefused("identifier_too_long", _l("The manifest has an identifier longer than %(limit)s "
                                                           "characters (%(start)s...)."),
                                 limit=MAX_IDENTIFIER, start=item.identifier[:40])
        if not item.launch:
            continue
        if len(item.launch) > MAX_LAUNCH:
            raise PackageRefused("launch_too_long", _l("The launch address of item %(item)s is longer than "
                                                       "%(limit)s characters."), item=item.identifier, limit=MAX_LAUNCH)
        wanted = unicodedata.normalize("NFC", manifests.launch_path(item.launch))
        if wanted not in present:
            raise PackageRefused("launch_missing", _l("The launch file %(href)s of resource %(ref)s is not in the "
                                                      "zip."), href=wanted, ref=item.resource.identifier)
    return CheckedPackage(inspection=inspection, manifest=parsed)


def _max_zip_bytes() -> int:
    return int(current_app.config["SCORM_MAX_ZIP_BYTES"])


def _title(title: str | None, parsed: manifests.Manifest, filename: str) -> str:
    chosen = (title or "").strip() or parsed.title or Path(filename).stem or "SCORM"
    return unicodedata.normalize("NFC", chosen)[:255]


def create_package(stream: BinaryIO, filename: str, *, school_id: int | None, user_id: int | None,
                   title: str | None = None) -> tuple[ScormPackage, bool]:
    """Upload a package for a school. Returns (package, created); the same zip again returns the first one."""
    checks = limits()
    with files.staging_area() as area:
        zip_path = area / "upload.zip"
        sha = files.receive(stream, zip_path, filename, _max_zip_bytes())
        same_school = (ScormPackage.school_id.is_(None) if school_id is None
                       else ScormPackage.school_id == school_id)
        existing = db.session.scalar(select(ScormPackage).where(ScormPackage.sha256 == sha, same_school)
                                     .order_by(ScormPackage.id).limit(1))
        if existing is not None:
            return existing, False
        checked, unpacked = _unpack(zip_path, area, filename, checks)
        stored = _store(zip_path, filename, user_id)
        package = ScormPackage(school_id=school_id, created_by=user_id, revision=1)
        _describe(package, checked, stored, sha, _title(title, checked.manifest, filename))
        _sync_items(package, checked.manifest)
        db.session.add(package)
        db.session.flush()
        files.install(db.session, unpacked, package.id, package.revision)
    return package, True


def replace_package(package: ScormPackage, stream: BinaryIO, filename: str, *, user_id: int | None,
                    title: str | None = None) -> bool:
    """Put a new version of the zip in place; tracks keep the items whose identifiers did not change.

    Returns False when the zip is the one already in place (nothing to do).
    """
    package = db.session.scalar(select(ScormPackage).where(ScormPackage.id == package.id).with_for_update())
    checks = limits()
    with files.staging_area() as area:
        zip_path = area / "upload.zip"
        sha = files.receive(stream, zip_path, filename, _max_zip_bytes())
        if sha == package.sha256:
            return False
        checked, unpacked = _unpack(zip_path, area, filename, checks)
        if checked.manifest.version != package.version:
            raise PackageRefused("version_changed", _l("The new zip is SCORM %(new)s but this package is SCORM "
                                                       "%(old)s; upload it as a new package instead."),
                                 new=checked.manifest.version, old=package.version)
        stored = _store(zip_path, filename, user_id)
        old_folder = files.package_folder(package.id, package.revision)
        package.revision += 1
        _describe(package, checked, stored, sha, (title or "").strip()[:255] or package.title)
        _sync_items(package, checked.manifest)
        db.session.flush()
        files.install(db.session, unpacked, package.id, package.revision)
        files.remove_after_commit(db.session, old_folder)
    return True


def _unpack(zip_path: Path, area: Path, filename: str, checks: Limits) -> tuple[CheckedPackage, Path]:
    checked = check_package(zip_path, filename, checks)
    unpacked = area / "files"
    unpacked.mkdir()
    archive.extract(zip_path, checked.inspection, unpacked, filename, checks)
    return checked, unpacked


def _store(zip_path: Path, filename: str, user_id: int | None) -> StoredFile:
    with open(zip_path, "rb") as stream:
        return storage.save(stream, filename, storage.ARCHIVE_TYPES, max_bytes=_max_zip_bytes(), uploaded_by=user_id)


def _describe(package: ScormPackage, checked: CheckedPackage, stored: StoredFile, sha: str, title: str) -> None:
    parsed = checked.manifest
    package.title = title
    package.version = parsed.version
    package.edition = parsed.edition
    package.manifest_identifier = parsed.identifier[:255]
    package.organization = parsed.organization[:255]
    package.sequencing = parsed.root.sequencing.as_dict()
    package.notes = list(parsed.notes)
    package.skipped_files = len(checked.inspection.skipped)
    package.file_id = stored.id
    package.sha256 = sha
    package.file_count = checked.inspection.file_count
    package.unpacked_bytes = checked.inspection.unpacked_bytes
    package.updated_at = utcnow()


def _sync_items(package: ScormPackage, parsed: manifests.Manifest) -> None:
    """Make the package's items those of the manifest, updating rows in place by identifier."""
    existing = {item.identifier: item for item in package.items}
    ordered: list[ScormItem] = []
    for position, (item, parent, depth) in enumerate(parsed.walk()):
        row = existing.pop(item.identifier, None) or ScormItem(identifier=item.identifier)
        row.parent = parent.identifier if parent is not None else ""
        row.depth = depth
        row.position = position
        row.title = item.title[:500]
        row.visible = item.visible
        row.scorm_type = item.scorm_type
        row.launch = item.launch
        row.mastery_score = item.mastery_score
        row.scaled_passing_score = item.sequencing.scaled_passing_score
        row.completion_threshold = item.completion_threshold
        row.max_time_allowed = item.max_time_allowed[:40]
        row.time_limit_action = item.time_limit_action[:40]
        row.data_from_lms = item.data_from_lms
        row.sequencing = item.sequencing.as_dict()
        row.hide_lms_ui = list(item.hide_lms_ui)
        ordered.append(row)
    package.items = ordered  # items the new manifest no longer has are deleted (delete-orphan)


def import_file(path: Path, *, school_id: int | None, user_id: int | None, title: str | None = None,
                existing: ScormPackage | None = None) -> ScormPackage:
    """Create a package from a zip on disk, or update `existing` in place (course-folder import, CLI)."""
    with open(path, "rb") as stream:
        if existing is not None:
            replace_package(existing, stream, path.name, user_id=user_id, title=title)
            return existing
        package, _created = create_package(stream, path.name, school_id=school_id, user_id=user_id, title=title)
        return package


def export_zip(package: ScormPackage, folder: Path, subfolder: str = "scorm") -> str:
    """Write the package's zip into a course folder; returns its path relative to the folder."""
    stored = db.session.get(StoredFile, package.file_id)
    name = secure_filename(stored.filename) or f"package-{package.id}.zip"
    if not name.lower().endswith(".zip"):
        name += ".zip"
    target_dir = folder / subfolder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    if target.exists() and storage.path_for(stored.sha256).read_bytes() != target.read_bytes():
        target = target_dir / f"{Path(name).stem}-{package.id}.zip"
    storage.copy_to(stored, target)
    return f"{subfolder}/{target.name}"


def get_package(package_id: int) -> ScormPackage:
    package = db.session.get(ScormPackage, package_id)
    if package is None:
        raise NotFound(_l("There is no such SCORM package."))
    return package


# --- who may do what ------------------------------------------------------------------------------

AUTHOR_ROLES = (Role.lecturer, Role.school_admin)


def authoring_school_ids(user) -> set[int] | None:
    """Schools whose packages the user manages; None means every school (an administrator)."""
    if user.is_admin:
        return None
    return {g.school_id for g in user.grants if g.role in AUTHOR_ROLES and g.school_id is not None}


def may_author(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin or authoring_school_ids(user)))


def may_manage(user, package: ScormPackage) -> bool:
    """Lecturers and school administrators of the package's school (and whoever uploaded it), admins."""
    if not user or not user.is_authenticated:
        return False
    schools = authoring_school_ids(user)
    return schools is None or package.school_id in schools or (package.created_by == user.id
                                                               and package.created_by is not None)


def require_manage(user, package: ScormPackage) -> None:
    if not may_manage(user, package):
        raise DomainError(_l("You may not manage this SCORM package."))


def packages_for(user):
    """A statement of the packages the user manages, newest first, with the number of launchable items."""
    launchable = (select(func.count(ScormItem.id)).where(ScormItem.package_id == ScormPackage.id,
                                                         ScormItem.launch != "").scalar_subquery())
    learners = (select(func.count(func.distinct(ScormAttempt.user_id)))
                .where(ScormAttempt.package_id == ScormPackage.id).scalar_subquery())
    statement = select(ScormPackage, launchable.label("launchable"), learners.label("learners"))
    schools = authoring_school_ids(user)
    if schools is not None:
        statement = statement.where((ScormPackage.school_id.in_(schools)) | (ScormPackage.created_by == user.id))
    return statement.order_by(ScormPackage.updated_at.desc(), ScormPackage.id.desc())


def remove_unused_folders(min_age_seconds: int = 24 * 3600) -> list[Path]:
    """Delete unpacked folders no package points at (old revisions, abandoned uploads); returns them."""
    known = dict(db.session.execute(select(ScormPackage.id, ScormPackage.revision)).all())
    removed = files.orphan_folders(known, min_age_seconds=min_age_seconds)
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
