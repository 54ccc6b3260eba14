"""Question-bank file formats: pure parsers (bytes in, parsed questions and problems out) and writers.

Parsers never touch the database: they return, in file order, `ParsedQuestion`s, `ParsedCategory`s
and `ParseProblem`s (a question that cannot be read, with its line and why). The import service then
validates each question with its type and stores it. Writers take `ParsedQuestion`s too, so that
"export, then import the result" can be compared question by question (`canonical`).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.core import limits
from lms.core.errors import DomainError

FORMAT_NAMES = ("gift", "aiken", "moodle-xml", "xlsx")
TEXT_FORMATS = ("plain", "moodle", "html", "markdown")


class FileUnreadable(DomainError):
    """The file as a whole cannot be read (not XML, a forbidden DTD, not a workbook ...)."""

    def __init__(self, message, line: int = 0, **params) -> None:
        super().__init__(message, line=line, **params)
        self.line = line


@dataclass
class ParsedQuestion:
    line: int
    qtype: str
    name: str
    text: str
    text_format: str = "moodle"
    data: dict = field(default_factory=dict)
    general_feedback: str = ""
    category: str | None = None  # a path "A/B"; None: the import's default category
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    default_mark: float | None = None  # None: the type's default
    hidden: bool = False


@dataclass
class ParsedCategory:
    line: int
    path: str
    info: str = ""


@dataclass
class ParseProblem:
    line: int
    message: object
    params: dict = field(default_factory=dict)
    name: str = ""

    @property
    def text(self) -> str:
        message = str(self.message)
        return message % self.params if self.params else message


def problem(line: int, message, name: str = "", **params) -> ParseProblem:
    return ParseProblem(line=line, message=message, params=params, name=name)


def decode_text(raw: bytes) -> tuple[str, bool]:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM, refused (FileUnreadable) when a
    line is longer than the shared limit (lms/core/limits.py).

    Returns (text, clean). Bytes that are not UTF-8 become lone surrogates and `clean` is False, so a
    parser can name the questions (by line) that hold them and still read the others.
    """
    text, clean = _decoded(raw)
    try:
        limits.check_lines(text)
    except limits.LimitExceeded as error:
        raise FileUnreadable(error.message, **error.params) from None
    return text, clean


def _decoded(raw: bytes) -> tuple[str, bool]:
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16").lstrip("\ufeff"), True
        except UnicodeDecodeError:
            pass
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8").lstrip("\ufeff"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="surrogateescape"), False


_SURROGATE = re.compile("[\udc80-\udcff]")


def has_bad_bytes(text: str) -> bool:
    return bool(_SURROGATE.search(text))


NOT_UTF8 = _l("This question holds characters that are not UTF-8 text: save the file as UTF-8 and import it again.")

_TAG = re.compile(r"<[^>]*>")


def default_name(text: str, text_format: str = "moodle") -> str:
    """A question's name when the file gives none: the start of its text (without markup unless plain)."""
    plain = " ".join((text or "" if text_format == "plain" else _TAG.sub(" ", text or "")).split())
    return plain if len(plain) <= 80 else plain[:77].rstrip() + "..."


def split_category_path(path: str) -> list[str]:
    """Moodle category paths: "$course$/top/A/B" -> ["A", "B"]; "//" in a name is a literal slash."""
    path = (path or "").strip()
    path = re.sub(r"^\$[a-z0-9]+\$/?", "", path)
    parts = [p.replace("\x00", "/").strip() for p in path.replace("//", "\x00").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return parts


def join_category_path(parts: list[str]) -> str:
    return "/".join(p.replace("/", "//") for p in parts)


def type_default_mark(qtype: str) -> float:
    """The mark a question gets when its file names none (a description carries none)."""
    from flask import has_app_context

    if has_app_context():
        from lms.quizzes.types import get_type
        found = get_type(qtype)
        if found is not None:
            return found.default_mark
    return 0.0 if qtype == "description" else 1.0


def canonical(question: ParsedQuestion) -> dict:
    """What must survive an export and re-import, with row ids left out (they are renumbered)."""
    def strip_ids(value):
        if isinstance(value, dict):
            return {k: strip_ids(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [strip_ids(v) for v in value]
        if isinstance(value, float) and value == int(value):
            return int(value)
        return value

    mark = question.default_mark if question.default_mark is not None else type_default_mark(question.qtype)
    return {
        "qtype": question.qtype, "name": question.name, "text": question.text, "text_format": question.text_format,
        "general_feedback": question.general_feedback, "data": strip_ids(question.data),
        "category": join_category_path(split_category_path(question.category or "")),
        "tags": sorted(question.tags), "idnumber": question.idnumber,
        "default_mark": float(mark),
        "hidden": question.hidden,
    }
