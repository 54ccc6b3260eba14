"""Content of the plugin's own activity types, and course files (assets).

A page's Markdown or HTML is rendered and sanitised when it is saved, never when it is shown; links
to course files are stored as "asset:<path>" and turned into URLs by the page. A course file is
checked by its bytes: its content must match what its name says it is.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import limits, storage
from lms.core.db import db
from lms.core.models import StoredFile
from lms.courses.models import Asset, LessonContent
from lms.courses.sanitize import render_source
from lms.courses.services.folder import FolderRejected, Problem, english_twin, inside

_OOXML = storage.OOXML_BY_EXTENSION
_OLE = "application/x-ole-storage"
TYPES_BY_EXTENSION: dict[str, set[str]] = {
    ".pdf": {"application/pdf"},
    ".docx": {_OOXML[".docx"]}, ".xlsx": {_OOXML[".xlsx"]}, ".pptx": {_OOXML[".pptx"]},
    ".doc": {"application/msword", _OLE}, ".xls": {"application/vnd.ms-excel", _OLE},
    ".ppt": {"application/vnd.ms-powerpoint", _OLE},
    ".odt": {"application/vnd.oasis.opendocument.text"},
    ".ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    ".odp": {"application/vnd.oasis.opendocument.presentation"},
    ".png": {"image/png"}, ".jpg": {"image/jpeg"}, ".jpeg": {"image/jpeg"}, ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".mp4": {"video/mp4"}, ".m4v": {"video/mp4", "video/x-m4v"}, ".webm": {"video/webm"},
    ".mov": {"video/quicktime"}, ".mp3": {"audio/mpeg"}, ".m4a": {"audio/mp4"}, ".ogg": {"audio/ogg"},
    ".zip": {"application/zip"},
}
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".webm", ".mov", ".mp3", ".m4a", ".ogg"}
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}
_URL_ATTRIBUTE = re.compile(r'(src|href)="([^"]*)"')


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, round(size / 1024))} KB"


def size_limit(path: str) -> int:
    if PurePosixPath(path).suffix.lower() in VIDEO_EXTENSIONS:
        return current_app.config["COURSES_VIDEO_MAX_BYTES"]
    return current_app.config["UPLOAD_MAX_BYTES"]


def allowed_types(path: str) -> set[str] | None:
    return TYPES_BY_EXTENSION.get(PurePosixPath(path).suffix.lower())


def check_file(path: str, head: bytes, size: int) -> Problem | None:
    """Would this course file be accepted? Its name says a type; its bytes must agree."""
    allowed = allowed_types(path)
    if allowed is None:
        return Problem(path, _l("files of this kind (%(ext)s) are not accepted",
                                ext=PurePosixPath(path).suffix.lower() or "?"))
    limit = size_limit(path)
    if size > limit:
        return Problem(path, _l("the file is larger than the limit of %(limit)s", limit=human_size(limit)))
    if size == 0:
        return Problem(path, _l("the file is empty"))
    detected = storage.detect_type(head, path)
    if detected not in allowed:
        return Problem(path, _l("its name says %(ext)s but its content is %(kind)s",
                                ext=PurePosixPath(path).suffix.lower(), kind=detected or _l("unknown")))
    return None


def check_folder_file(folder: Path, path: str) -> Problem | None:
    full = folder / path
    with open(full, "rb") as handle:
        head = handle.read(8192)
    return check_file(path, head, full.stat().st_size)


def sha256_of(full: Path) -> str:
    digest = hashlib.sha256()
    with open(full, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def store_asset(course_id: int, path: str, full: Path, existing: dict[str, Asset], *,
                uploaded_by: int | None = None) -> Asset:
    """Keep a course file (unchanged content is not stored again)."""
    asset = existing.get(path)
    if asset is not None:
        current = db.session.get(StoredFile, asset.file_id)
        if current is not None and current.sha256 == sha256_of(full):
            return asset
    with open(full, "rb") as handle:
        stored = storage.save(handle, PurePosixPath(path).name, allowed_types(path) or set(),
                              max_bytes=size_limit(path), uploaded_by=uploaded_by)
    if asset is None:
        asset = Asset(course_id=course_id, path=path, file_id=stored.id)
        db.session.add(asset)
        existing[path] = asset
    else:
        asset.file_id = stored.id
    return asset


def course_assets(course_id: int) -> dict[str, Asset]:
    return {a.path: a for a in db.session.scalars(select(Asset).where(Asset.course_id == course_id))}


# --- pages --------------------------------------------------------------------------------------

@dataclass
class PreparedPage:
    format: str
    source_path: str
    source_vi: str
    source_en: str
    html_vi: str
    html_en: str
    referenced: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return bool(url) and not url.startswith(("/", "#", "?")) and ":" not in url.split("/", 1)[0]


def link_assets(cleaned: str, resolve: Callable[[str], str | None]) -> tuple[str, set[str], list[str]]:
    """Point relative links at course files as "asset:<path>"; returns (html, paths used, paths missing)."""
    used, missing = set(), []

    def replace(match: re.Match) -> str:
        attribute, value = match.group(1), html.unescape(match.group(2))
        if not _is_local(value):
            return match.group(0)
        target = value.split("#", 1)[0].split("?", 1)[0]
        path = resolve(target)
        if path is None:
            missing.append(target)
            return match.group(0)
        used.add(path)
        return f'{attribute}="asset:{html.escape(path, quote=True)}"'

    return _URL_ATTRIBUTE.sub(replace, cleaned), used, missing


def folder_resolver(folder: Path, source_path: str) -> Callable[[str], str | None]:
    """Resolve a link relative to the lesson file, then to the course folder's top."""
    base = str(PurePosixPath(source_path).parent)

    def resolve(target: str) -> str | None:
        for candidate in ((f"{base}/{target}" if base not in ("", ".") else target), target):
            full = inside(folder, candidate)
            if full is not None and full.is_file() and full.suffix.lower() not in (".md", ".markdown", ".html", ".htm"):
                return full.relative_to(folder.resolve()).as_posix()
        return None
    return resolve


def assets_resolver(paths: set[str]) -> Callable[[str], str | None]:
    """For pages edited in the browser: links name course files by their path (files/...)."""
    def resolve(target: str) -> str | None:
        clean = target.lstrip("./")
        while clean.startswith("../"):
            clean = clean[3:]
        return clean if clean in paths else None
    return resolve


def render_page(fmt: str, text: str, resolve, file_label: str) -> tuple[str, set[str], list[Problem]]:
    """A page's stored HTML, the course files it uses, and warnings; LimitExceeded when it nests too deep
    (imported or typed in the editor alike)."""
    limits.check_markup(text, fmt)
    result = render_source(text, fmt)
    stored, used, missing = link_assets(result.html, resolve)
    warnings = [Problem(file_label, _l("unsafe content removed: %(what)s", what=message))
                for message in result.removed]
    warnings += [Problem(file_label, _l("links to %(path)s, which is not among the course files", path=path))
                 for path in missing]
    return stored, used, warnings


def prepare_page(folder: Path, source_path: str) -> PreparedPage:
    fmt = "html" if PurePosixPath(source_path).suffix.lower() in (".html", ".htm") else "markdown"
    resolve = folder_resolver(folder, source_path)
    source_vi = (folder / source_path).read_text(encoding="utf-8")
    html_vi, used, warnings = _rendered(fmt, source_vi, resolve, source_path)
    source_en, html_en = "", ""
    twin = english_twin(source_path)
    twin_full = inside(folder, twin)
    if twin_full is not None and twin_full.is_file():
        try:
            source_en = twin_full.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            warnings.append(Problem(twin, _l("the file is not UTF-8 text; the English version was left out")))
        else:
            html_en, used_en, warnings_en = _rendered(fmt, source_en, resolve, twin)
            used |= used_en
            warnings += warnings_en
    return PreparedPage(format=fmt, source_path=source_path, source_vi=source_vi, source_en=source_en,
                        html_vi=html_vi, html_en=html_en, referenced=used, warnings=warnings)


def _rendered(fmt: str, source: str, resolve, path: str) -> tuple[str, set[str], list[Problem]]:
    try:
        return render_page(fmt, source, resolve, path)
    except limits.LimitExceeded as error:
        raise FolderRejected([Problem(path, str(error))]) from None


def _content(course_id: int, existing_ref: str | None, kind: str) -> LessonContent:
    content = None
    if existing_ref and existing_ref.isdigit():
        content = db.session.get(LessonContent, int(existing_ref))
        if content is not None and content.course_id != course_id:
            content = None
    if content is None:
        content = LessonContent(course_id=course_id, kind=kind)
        db.session.add(content)
    content.kind = kind
    return content


def apply_own_content(kind: str, *, course_id: int, raw: dict, existing_ref: str | None,
                      page: PreparedPage | None = None) -> LessonContent:
    """Create or update the content of a page/file/video/link activity from its course.yaml mapping."""
    content = _content(course_id, existing_ref, kind)
    content.url, content.asset_path = "", ""
    if kind == "page":
        content.format, content.source_path = page.format, page.source_path
        content.source_vi, content.source_en = page.source_vi, page.source_en
        content.html_vi, content.html_en = page.html_vi, page.html_en
    elif kind == "file":
        content.asset_path = PurePosixPath(raw["source"]).as_posix()
    elif kind == "video":
        if raw.get("url"):
            content.url = raw["url"].strip()
        else:
            content.asset_path = PurePosixPath(raw["source"]).as_posix()
    elif kind == "link":
        content.url = raw["url"].strip()
    db.session.flush()
    return content


def import_own_content(kind: str, *, course_id: int, spec: dict, folder: Path, existing_ref: str | None):
    """The registry's import hook for the own types (the course importer calls the parts itself)."""
    page = prepare_page(folder, spec["source"]) if kind == "page" else None
    if kind in ("file", "video") and spec.get("source"):
        existing = course_assets(course_id)
        problem = check_folder_file(folder, spec["source"])
        if problem is not None:
            raise FolderRejected([problem])
        store_asset(course_id, spec["source"], folder / spec["source"], existing)
    content = apply_own_content(kind, course_id=course_id, raw=spec, existing_ref=existing_ref, page=page)
    return str(content.id), (page.warnings if page else [])


def write_page(content: LessonContent, folder: Path, default_path: str) -> str:
    """Write a page's sources into a course folder; returns the path written."""
    path = content.source_path if content.source_path and inside(folder, content.source_path) else default_path
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content.source_vi, encoding="utf-8")
    if content.source_en.strip():
        (folder / english_twin(path)).write_text(content.source_en, encoding="utf-8")
    return path


def export_own_content(kind: str, ref: str, folder: Path, *, default_page_path: str | None = None) -> dict:
    content = db.session.get(LessonContent, int(ref)) if ref.isdigit() else None
    if content is None:
        raise ValueError(f"no content {ref!r} for a {kind} activity")
    if kind == "page":
        extension = ".html" if content.format == "html" else ".md"
        return {"source": write_page(content, folder, default_page_path or f"lessons/page-{ref}{extension}")}
    if content.asset_path:
        target = inside(folder, content.asset_path)
        asset = course_assets(content.course_id).get(content.asset_path)
        if target is not None and asset is not None and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            storage.copy_to(db.session.get(StoredFile, asset.file_id), target)
        return {"source": content.asset_path}
    return {"url": content.url}
