"""The one storage service: content-addressed files under STORAGE_PATH, size-limited, type-checked.

A file's type is decided by its bytes, not its name: an upload whose content does not match an
allowed type is refused, whatever it calls itself. A file written in a transaction that then rolls back
is removed again, so a refused or failed import stores nothing.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import StoredFile

_WRITTEN = "storage_written"

# Families of content a caller may allow; each maps detected MIME types (by magic bytes).
DOCUMENT_TYPES = {
    "application/pdf", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
VIDEO_TYPES = {"video/mp4", "video/webm", "video/quicktime", "audio/mpeg", "audio/mp4", "audio/ogg"}
ARCHIVE_TYPES = {"application/zip"}
OOXML_BY_EXTENSION = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class UploadRejected(DomainError):
    """An upload was refused: too large, empty, or not of an allowed type."""


def detect_type(head: bytes, filename: str) -> str | None:
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    # Office Open XML files are zips; trust the extension only once the bytes say "zip".
    ext = os.path.splitext(filename.lower())[1]
    if mime == "application/zip" and ext in OOXML_BY_EXTENSION:
        return OOXML_BY_EXTENSION[ext]
    return mime


def storage_root() -> Path:
    root = Path(current_app.config["STORAGE_PATH"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(sha256: str) -> Path:
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


def save(stream: BinaryIO, filename: str, allowed: Iterable[str], *, max_bytes: int | None = None,
         uploaded_by: int | None = None) -> StoredFile:
    """Store a stream; returns the StoredFile row (flushed, not committed). Identical content is kept once."""
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    allowed = set(allowed)
    root = storage_root()
    digest = hashlib.sha256()
    size = 0
    head = b""
    with tempfile.NamedTemporaryFile(dir=root, delete=False) as tmp:
        try:
            while chunk := stream.read(1024 * 1024):
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejected(_l("The file %(name)s is larger than the limit of %(limit)s MB."),
                                         name=filename, limit=max_bytes // (1024 * 1024))
                digest.update(chunk)
                tmp.write(chunk)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    try:
        if size == 0:
            raise UploadRejected(_l("The file %(name)s is empty."), name=filename)
        mime = detect_type(head, filename)
        if mime not in allowed:
            raise UploadRejected(_l("The file %(name)s is not of an accepted type (its content is %(kind)s)."),
                                 name=filename, kind=mime or _l("unknown"))
        sha = digest.hexdigest()
        target = path_for(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(tmp.name)
        else:
            os.replace(tmp.name, target)
            _remove_on_rollback(target)
    except BaseException:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
        raise
    stored = StoredFile(sha256=sha, size=size, content_type=mime, filename=os.path.basename(filename)[:255],
                        uploaded_by=uploaded_by)
    db.session.add(stored)
    db.session.flush()
    return stored


def save_bytes(data: bytes, filename: str, content_type: str, *, uploaded_by: int | None = None) -> StoredFile:
    """Store bytes the platform produced itself (no type sniffing: the caller knows the type)."""
    sha = hashlib.sha256(data).hexdigest()
    target = path_for(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=storage_root(), delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)
        _remove_on_rollback(target)
    stored = StoredFile(sha256=sha, size=len(data), content_type=content_type, filename=filename[:255],
                        uploaded_by=uploaded_by)
    db.session.add(stored)
    db.session.flush()
    return stored


def _remove_on_rollback(path: Path) -> None:
    """A file written for this transaction goes if the transaction rolls back: a refused or failed import
    leaves no file behind that no row points at. Files that were already there (the same content stored
    before) are never listed, so they stay."""
    db.session.info.setdefault(_WRITTEN, []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written(session: Session) -> None:
    for path in session.info.pop(_WRITTEN, []):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def open_file(stored: StoredFile) -> BinaryIO:
    return open(path_for(stored.sha256), "rb")


def copy_to(stored: StoredFile, destination: Path) -> None:
    with open_file(stored) as src, open(destination, "wb") as dst:
        shutil.copyfileobj(src, dst)
