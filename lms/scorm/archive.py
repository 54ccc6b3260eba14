"""Reading an uploaded SCORM zip safely: every entry is checked before anything is extracted.

Refused: anything that is not a readable zip, entries that escape the package (absolute paths, '..',
symbolic links), password-protected entries, and whatever passes the shared limits of lms/core/limits.py
(more files or unpacked bytes than the limits, overlong names, nested archives, entries compressed so
much that the zip looks like a bomb). Operating-system junk (__MACOSX, .DS_Store,
Thumbs.db, AppleDouble '._' files) is skipped, not extracted. Extraction counts the bytes it really
writes, so a zip whose headers lie about sizes is stopped as it unpacks.
"""
from __future__ import annotations

import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from lms.core import limits as shared
from lms.core.errors import DomainError

MANIFEST = "imsmanifest.xml"
JUNK_FOLDERS = {"__MACOSX"}
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
CHUNK = 64 * 1024


class PackageRefused(DomainError):
    """An uploaded package was refused; `code` says why (tests and the CLI report it)."""

    def __init__(self, code: str, message, **params) -> None:
        super().__init__(message, **params)
        self.code = code


@dataclass(frozen=True)
class Limits:
    max_files: int = 10_000
    max_unpacked_bytes: int = 500 * 1024 * 1024
    max_ratio: int = 100
    # Small files may compress very well (a page of spaces); only larger ones are ratio-checked.
    ratio_floor_bytes: int = 1024 * 1024
    max_manifest_bytes: int = 8 * 1024 * 1024

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(max_files=int(config["SCORM_MAX_FILES"]),
                   max_unpacked_bytes=int(config["SCORM_MAX_UNPACKED_BYTES"]),
                   max_ratio=int(config["SCORM_MAX_COMPRESSION_RATIO"]))


@dataclass(frozen=True)
class Entry:
    info: zipfile.ZipInfo
    path: str  # relative, '/'-separated, NFC-normalised
    is_dir: bool


@dataclass
class Inspection:
    """What a zip holds once checked: the entries to extract and the junk that was skipped."""

    entries: list[Entry]
    manifest: Entry
    skipped: list[str] = field(default_factory=list)
    unpacked_bytes: int = 0

    @property
    def file_paths(self) -> set[str]:
        return {e.path for e in self.entries if not e.is_dir}

    @property
    def file_count(self) -> int:
        return sum(1 for e in self.entries if not e.is_dir)


def _mb(value: int) -> int:
    return max(1, value // (1024 * 1024))


def is_junk(parts: list[str]) -> bool:
    return parts[0] in JUNK_FOLDERS or parts[-1] in JUNK_FILES or parts[-1].startswith("._")


def _check_name(raw: str) -> list[str]:
    """The entry's path parts, or a refusal when the name could reach outside the package."""
    if any(ord(c) < 32 for c in raw):
        raise PackageRefused("bad_name", _l("The zip entry name %(path)s contains control characters."),
                             path=repr(raw))
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        raise PackageRefused("unsafe_path", _l("The zip entry %(path)s has an absolute path, which would place it "
                                               "outside the package; such packages are refused."), path=raw)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise PackageRefused("unsafe_path", _l("The zip entry %(path)s uses '..' to reach outside the package; "
                                               "such packages are refused."), path=raw)
    return [unicodedata.normalize("NFC", p) for p in parts]


def inspect_zip(path: Path, filename: str, limits: Limits) -> Inspection:
    """Check every entry of the zip at `path`; raise PackageRefused naming the first problem found."""
    infos = _entries_of(path, filename, limits)
    entries: list[Entry] = []
    skipped: list[str] = []
    kinds: dict[str, bool] = {}
    total = 0
    for info in infos:
        parts = _check_name(info.filename)
        if not parts:
            continue
        _check_readable(info)
        if is_junk(parts):
            skipped.append(info.filename)
            continue
        relative = "/".join(parts)
        is_dir = info.is_dir()
        if not _claim(kinds, parts, relative, is_dir):
            continue
        if not is_dir:
            total += info.file_size
        entries.append(Entry(info=info, path=relative, is_dir=is_dir))
    manifest = _find_manifest(entries, skipped)
    if manifest.info.file_size > limits.max_manifest_bytes:
        raise PackageRefused("manifest_too_big", _l("imsmanifest.xml is larger than %(limit)s MB."),
                             limit=_mb(limits.max_manifest_bytes))
    return Inspection(entries=entries, manifest=manifest, skipped=skipped, unpacked_bytes=total)


def _entries_of(path: Path, filename: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The zip's entries, if it is a readable zip holding no more than the limit's number of files."""
    if not zipfile.is_zipfile(path):
        raise PackageRefused("not_zip", _l("%(name)s is not a zip file. A SCORM package is a .zip file with "
                                           "imsmanifest.xml at its root."), name=filename)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise PackageRefused("corrupt", _l("%(name)s is damaged and cannot be read as a zip file (%(detail)s)."),
                             name=filename, detail=str(error)) from error
    try:
        shared.check_zip(infos, max_entries=limits.max_files, max_bytes=limits.max_unpacked_bytes,
                         max_ratio=limits.max_ratio, ratio_floor=limits.ratio_floor_bytes)
    except shared.LimitExceeded as error:
        raise PackageRefused(error.code, error.message, **error.params) from None
    return infos


def _check_readable(info: zipfile.ZipInfo) -> None:
    """Refuse links, password-protected entries and compression methods we cannot unpack."""
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageRefused("symlink", _l("The zip entry %(path)s is a symbolic link; packages with links "
                                           "are refused."), path=info.filename)
    if info.flag_bits & 0x1:
        raise PackageRefused("encrypted", _l("The zip entry %(path)s is password-protected; upload a package "
                                             "without a password."), path=info.filename)
    if info.compress_type not in READABLE_METHODS:
        raise PackageRefused("compression", _l("The zip entry %(path)s uses a compression method this "
                                               "platform cannot read."), path=info.filename)


def _claim(kinds: dict[str, bool], parts: list[str], relative: str, is_dir: bool) -> bool:
    """Record the path (and its folders) in `kinds` (path -> is a folder); False for a folder listed again.

    Refuses a path that is both a file and a folder, or a file listed twice."""
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if kinds.get(folder) is False:
            raise PackageRefused("duplicate", _l("The zip lists %(path)s both as a file and as a folder."),
                                 path=folder)
        kinds[folder] = True
    if relative in kinds:
        if kinds[relative] and is_dir:
            return False  # a folder listed again, or after its files: nothing new
        if kinds[relative] or is_dir:
            raise PackageRefused("duplicate", _l("The zip lists %(path)s both as a file and as a folder."),
                                 path=relative)
        raise PackageRefused("duplicate", _l("The zip lists %(path)s more than once."), path=relative)
    kinds[relative] = is_dir
    return True


def _find_manifest(entries: list[Entry], skipped: list[str]) -> Entry:
    for entry in entries:
        if not entry.is_dir and entry.path.lower() == MANIFEST:
            return entry
    nested = sorted((e.path for e in entries if not e.is_dir and e.path.lower().endswith("/" + MANIFEST)),
                    key=lambda p: (p.count("/"), p))
    if nested:
        raise PackageRefused("manifest_not_at_root", _l("imsmanifest.xml is not at the root of the zip (it is at "
                                                        "%(path)s). Zip the contents of the package folder, not the "
                                                        "folder itself."), path=nested[0])
    if skipped and not any(not e.is_dir for e in entries):
        raise PackageRefused("manifest_missing", _l("The zip holds only operating-system metadata (such as "
                                                    "__MACOSX), no imsmanifest.xml: it is not a SCORM package."))
    raise PackageRefused("manifest_missing", _l("The zip has no imsmanifest.xml at its root, so it is not a SCORM "
                                                "package."))


def read_manifest(path: Path, inspection: Inspection, filename: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return _read_member(archive, inspection.manifest, filename, limit=inspection.manifest.info.file_size)


def _read_member(archive: zipfile.ZipFile, entry: Entry, filename: str, *, limit: int) -> bytes:
    data = bytearray()
    try:
        with archive.open(entry.info) as source:
            while chunk := source.read(CHUNK):
                data += chunk
                if len(data) > limit:
                    raise _lying(entry)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise _corrupt(filename, entry, error) from error
    return bytes(data)


def _lying(entry: Entry) -> PackageRefused:
    return PackageRefused("ratio", _l("The file %(path)s unpacks to more bytes than the zip declares: the zip looks "
                                      "like a zip bomb."), path=entry.info.filename)


def _corrupt(filename: str, entry: Entry, error: Exception) -> PackageRefused:
    return PackageRefused("corrupt", _l("%(name)s is damaged: %(path)s cannot be unpacked (%(detail)s)."),
                          name=filename, path=entry.info.filename, detail=str(error) or type(error).__name__)


def extract(path: Path, inspection: Inspection, destination: Path, filename: str, limits: Limits) -> None:
    """Unpack the checked entries under `destination` (which must exist and be empty)."""
    root = destination.resolve()
    total = 0
    with zipfile.ZipFile(path) as archive:
        for entry in inspection.entries:
            target = root.joinpath(*entry.path.split("/"))
            if root not in target.resolve().parents:
                raise PackageRefused("unsafe_path", _l("The zip entry %(path)s points outside the package; such "
                                                       "packages are refused."), path=entry.info.filename)
            if entry.is_dir:
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(entry.info) as source, open(target, "xb") as out:
                    while chunk := source.read(CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > entry.info.file_size:
                            raise _lying(entry)
                        if total > limits.max_unpacked_bytes:
                            raise PackageRefused("too_large", _l("Unpacked, the package would take more than "
                                                                 "%(limit)s MB."), limit=_mb(limits.max_unpacked_bytes))
                        out.write(chunk)
            except FileExistsError as error:
                raise PackageRefused("duplicate", _l("The zip lists %(path)s more than once."),
                                     path=entry.path) from error
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                raise _corrupt(filename, entry, error) from error
