"""Course folders arrive as zips: unpack one safely, refusing members that would land outside the
folder, links, encrypted members, and archives past the limits of lms/core/limits.py (entries, names,
unpacked size, ratio, nested archives: a package an activity names is checked again by its type when opened)."""
from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.core import limits
from lms.courses.services.folder import FolderRejected, Problem


def _unsafe_member(info: zipfile.ZipInfo) -> object | None:
    name = info.filename
    mode = info.external_attr >> 16
    if info.flag_bits & 0x1:
        return _l("it is encrypted")
    if stat.S_ISLNK(mode):
        return _l("it is a symbolic link")
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return _l("its path is absolute or uses backslashes")
    if any(part == ".." for part in PurePosixPath(name).parts):
        return _l("its path leads outside the folder")
    return None


def extract_zip(stream: BinaryIO, target: Path, zip_name: str) -> None:
    """Unpack a zip into `target`, or raise FolderRejected naming every bad member."""
    max_files = current_app.config["COURSES_ZIP_MAX_FILES"]
    max_bytes = current_app.config["COURSES_ZIP_MAX_BYTES"]
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise FolderRejected([Problem(zip_name, _l("this is not a zip file"))]) from None
    with archive:
        members = archive.infolist()
        problems = [Problem(f"{zip_name}:{m.filename}", reason) for m in members
                    if (reason := _unsafe_member(m)) is not None]
        try:
            limits.check_zip(members, max_entries=max_files, max_bytes=max_bytes,
                             max_ratio=limits.setting("ZIP_MAX_RATIO"))
        except limits.LimitExceeded as error:
            problems.append(Problem(zip_name, str(error)))
        if problems:
            raise FolderRejected(problems)
        root = target.resolve()
        written = 0
        for member in members:
            destination = (root / member.filename).resolve()
            if not destination.is_relative_to(root):
                raise FolderRejected([Problem(f"{zip_name}:{member.filename}",
                                              _l("its path leads outside the folder"))])
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(destination, "wb") as out:
                while chunk := source.read(1024 * 1024):
                    written += len(chunk)  # count real bytes: the sizes a zip declares can lie
                    if written > max_bytes:
                        raise FolderRejected([Problem(zip_name, _l(
                            "it unpacks to more than %(limit)s", limit=f"{max_bytes / (1024 * 1024):.0f} MB"))])
                    out.write(chunk)


def course_root(folder: Path) -> Path:
    """The folder holding course.yaml: the folder itself, or its only sub-folder."""
    if (folder / "course.yaml").is_file():
        return folder
    children = [p for p in folder.iterdir() if p.name not in ("__MACOSX",) and not p.name.startswith(".")]
    if len(children) == 1 and children[0].is_dir() and (children[0] / "course.yaml").is_file():
        return children[0]
    raise FolderRejected([Problem("course.yaml", _l("there is no course.yaml at the top of the folder"))])


@contextmanager
def opened_folder(path: Path | None = None, *, stream: BinaryIO | None = None, name: str = "") -> Iterator[Path]:
    """Yield the course folder for a folder path, a zip path, or an uploaded zip stream."""
    if path is not None and path.is_dir():
        yield course_root(path)
        return
    with tempfile.TemporaryDirectory(prefix="lms-course-") as tmp:
        if stream is None:
            with open(path, "rb") as handle:
                extract_zip(handle, Path(tmp), path.name)
        else:
            extract_zip(stream, Path(tmp), name or "upload.zip")
        yield course_root(Path(tmp))
