"""Where unpacked packages live, and how they get there atomically.

An upload is received and unpacked under <STORAGE_PATH>/scorm/.staging/<token>/, checked entirely, and
only then renamed to <STORAGE_PATH>/scorm/<package id>/r<revision>/. The rename happens inside the
request's transaction: if that transaction rolls back, the folder is removed again; a folder replaced by
a new revision is removed once the transaction commits. So a refused or failed upload leaves nothing
behind, and a package row never points at a half-written folder.
"""
from __future__ import annotations

import codecs
import hashlib
import mimetypes
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.core import storage
from lms.scorm.archive import PackageRefused

REMOVE_ON_ROLLBACK = "scorm_remove_on_rollback"
REMOVE_ON_COMMIT = "scorm_remove_on_commit"
STAGING = ".staging"

# Content types of files packages commonly carry, whatever the host's mime.types says.
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml", ".js": "text/javascript",
    ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json", ".map": "application/json",
    ".xml": "application/xml", ".xsd": "application/xml", ".dtd": "application/xml-dtd", ".txt": "text/plain",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".ico": "image/x-icon", ".bmp": "image/bmp", ".mp4": "video/mp4", ".m4v": "video/mp4",
    ".webm": "video/webm", ".ogv": "video/ogg", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".oga": "audio/ogg",
    ".ogg": "audio/ogg", ".wav": "audio/wav", ".vtt": "text/vtt", ".woff": "font/woff", ".woff2": "font/woff2",
    ".ttf": "font/ttf", ".otf": "font/otf", ".eot": "application/vnd.ms-fontobject", ".pdf": "application/pdf",
    ".swf": "application/x-shockwave-flash", ".wasm": "application/wasm", ".csv": "text/csv",
}
TEXT_TYPES = {"text/html", "text/javascript", "text/css", "text/plain", "text/csv", "text/vtt", "application/json",
              "application/xml", "application/xhtml+xml", "image/svg+xml"}
SNIFF_BYTES = 256 * 1024


def root() -> Path:
    return storage.storage_root() / "scorm"


def package_folder(package_id: int, revision: int) -> Path:
    return root() / str(package_id) / f"r{revision}"


@contextmanager
def staging_area() -> Iterator[Path]:
    """A private folder for one upload, removed whatever happens."""
    folder = root() / STAGING / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def receive(stream: BinaryIO, target: Path, filename: str, max_bytes: int) -> str:
    """Copy an upload to `target`, refusing it past `max_bytes`; returns its sha256."""
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise PackageRefused("upload_too_large", _l("%(name)s is larger than the limit of %(limit)s MB."),
                                     name=filename, limit=max(1, max_bytes // (1024 * 1024)))
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise PackageRefused("empty", _l("%(name)s is empty."), name=filename)
    return digest.hexdigest()


def install(session: Session, unpacked: Path, package_id: int, revision: int) -> Path:
    """Move a checked, unpacked folder into place; undone if the transaction rolls back."""
    target = package_folder(package_id, revision)
    if target.exists():  # left by a transaction that died before it could clean up: nothing points at it
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(unpacked, target)
    session.info.setdefault(REMOVE_ON_ROLLBACK, []).append(target)
    return target


def remove_after_commit(session: Session, folder: Path) -> None:
    session.info.setdefault(REMOVE_ON_COMMIT, []).append(folder)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(REMOVE_ON_ROLLBACK, None)
    for folder in session.info.pop(REMOVE_ON_COMMIT, []):
        shutil.rmtree(folder, ignore_errors=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(REMOVE_ON_COMMIT, None)
    for folder in session.info.pop(REMOVE_ON_ROLLBACK, []):
        shutil.rmtree(folder, ignore_errors=True)


def content_type(path: str, file: Path) -> str:
    """The type to serve a package file with; text gets charset=utf-8 only when it really is UTF-8."""
    extension = os.path.splitext(path.lower())[1]
    mime = CONTENT_TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mime in TEXT_TYPES or mime.startswith("text/"):
        with open(file, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            return mime  # a legacy encoding: the browser follows the file's own <meta charset>
        return f"{mime}; charset=utf-8"
    return mime


def orphan_folders(known: dict[int, int], *, min_age_seconds: int = 24 * 3600) -> list[Path]:
    """Folders no package points at (other revisions, deleted packages, abandoned staging areas).

    Only folders older than `min_age_seconds` are listed, so that an upload still inside its
    transaction (its folder in place, its row not yet committed) is never taken for an orphan.
    """
    base = root()
    if not base.is_dir():
        return []
    now = time.time()
    candidates: list[Path] = []
    for child in base.iterdir():
        if child.name == STAGING:
            candidates.extend(child.iterdir())
        elif not child.name.isdigit() or int(child.name) not in known:
            candidates.append(child)
        else:
            keep = f"r{known[int(child.name)]}"
            candidates.extend(p for p in child.iterdir() if p.name != keep)
    return [p for p in candidates if now - p.stat().st_mtime > min_age_seconds]
