"""Reading a course folder (or its zip) into a checked `CourseSpec`, touching no database.

Every problem is collected with the file it is in, so an author fixes them all in one go. A zip is
unpacked into a temporary folder first, refusing members that would land outside it, links, and
archives that unpack to more than the limits allow.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.core import activities, limits
from lms.core.errors import DomainError
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.courses.models import CourseLevel, CourseStatus

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAGE_EXTENSIONS = (".md", ".markdown", ".html", ".htm")


@dataclass
class Problem:
    """A problem with one file. The message is kept as plain text: it may quote the author's own
    markup (a tag name), and a lazy string would reach templates marked safe."""

    file: str
    message: object

    def __post_init__(self) -> None:
        self.message = str(self.message)

    def as_dict(self) -> dict:
        return {"file": self.file, "message": str(self.message)}

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


class FolderRejected(DomainError):
    """A course folder or zip that cannot be imported; `problems` names each file and reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_l("The course folder has %(count)s problem(s)."), count=len(problems))
        self.problems = problems


@dataclass
class ActivitySpec:
    key: str
    type: str
    title: dict
    required: bool
    settings: dict
    raw: dict  # the mapping as written, handed to other plugins' types


@dataclass
class SectionSpec:
    key: str
    title: dict
    activities: list[ActivitySpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    folder: Path
    key: str
    version: int
    sample: bool
    title: dict
    summary: dict
    content_area: str
    topics: list[str]
    periods: float
    level: str
    school_code: str | None
    self_enrol: bool
    status: str
    prerequisites: list[str]
    min_attendance: float | None
    sources: list[str]
    sections: list[SectionSpec]
    skipped: list[Problem] = field(default_factory=list)

    def activities(self) -> Iterator[tuple[SectionSpec, ActivitySpec]]:
        for section in self.sections:
            for activity in section.activities:
                yield section, activity


# --- course.yaml --------------------------------------------------------------------------------

def inside(folder: Path, relative: str) -> Path | None:
    """`relative` resolved inside `folder`, or None if it would leave it (.., absolute, links out)."""
    if not isinstance(relative, str) or not relative or relative.startswith(("/", "\\")) or "\\" in relative:
        return None
    root = folder.resolve()
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) and candidate != root else None


def english_twin(path: str) -> str:
    """lessons/01-a.md -> lessons/01-a.en.md"""
    pure = PurePosixPath(path)
    return str(pure.with_name(pure.stem + ".en" + pure.suffix))


class _Reader:
    def __init__(self, folder: Path, skip_unavailable: bool = False) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.skipped: list[Problem] = []
        self.skip_unavailable = skip_unavailable

    def problem(self, message, file: str = "course.yaml") -> None:
        self.problems.append(Problem(file, message))

    def text(self, value, where: str, *, required: bool) -> dict:
        if isinstance(value, str):
            value = {"vi": value}
        if value is None and not required:
            return {"vi": "", "en": ""}
        if not isinstance(value, dict) or (required and not str(value.get("vi") or "").strip()):
            self.problem(_l("%(where)s needs a Vietnamese text (vi)", where=where))
            return {"vi": "", "en": ""}
        return {"vi": str(value.get("vi") or "").strip(), "en": str(value.get("en") or "").strip()}

    def key(self, value, where: str) -> str:
        if not isinstance(value, str) or len(value) > 80 or not KEY_PATTERN.match(value):
            self.problem(_l("%(where)s: the key '%(key)s' must be lowercase letters, digits and hyphens",
                            where=where, key=value))
            return str(value)
        return value

    def source(self, value, where: str, *, extensions: tuple[str, ...] = ()) -> str | None:
        path = inside(self.folder, value) if isinstance(value, str) else None
        if path is None:
            self.problem(_l("%(where)s: the source '%(path)s' is not a path inside the course folder",
                            where=where, path=value))
            return None
        if not path.is_file():
            self.problem(_l("%(where)s: the file %(path)s is missing", where=where, path=value))
            return None
        if extensions and path.suffix.lower() not in extensions:
            self.problem(_l("%(where)s: %(path)s should be one of %(kinds)s", where=where, path=value,
                            kinds=", ".join(extensions)))
            return None
        if path.suffix.lower() in PAGE_EXTENSIONS:
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                self.problem(_l("the file is not UTF-8 text"), file=value)
                return None
        return value

    def activity(self, raw, where: str, seen: set[str]) -> ActivitySpec | None:  # noqa: C901  (one branch per activity type of course.yaml)
        if not isinstance(raw, dict):
            self.problem(_l("%(where)s is not a mapping", where=where))
            return None
        key = self.key(raw.get("key"), where)
        where = f"{where} ({key})"
        if key in seen:
            self.problem(_l("%(where)s: the key is used twice in this course", where=where))
        seen.add(key)
        kind = raw.get("type")
        if not isinstance(kind, str) or activities.get(kind) is None:
            message = _l("%(where)s: the activity type '%(type)s' is not available on this platform "
                         "(unknown, or its plugin is switched off)", where=where, type=kind)
            if self.skip_unavailable and isinstance(kind, str):
                self.skipped.append(Problem("course.yaml", message))
            else:
                self.problem(message)
            return None
        settings = raw.get("settings") or {}
        if not isinstance(settings, dict):
            self.problem(_l("%(where)s: settings must be a mapping", where=where))
            settings = {}
        required = raw.get("required", True)
        if not isinstance(required, bool):
            self.problem(_l("%(where)s: required must be true or false", where=where))
        if kind == "page":
            self.source(raw.get("source"), where, extensions=PAGE_EXTENSIONS)
        elif kind == "file":
            self.source(raw.get("source"), where)
        elif kind == "video":
            self.video(raw, where, settings)
        elif kind == "link":
            url = raw.get("url")
            if not isinstance(url, str) or not re.match(r"^https?://[^\s]+$", url):
                self.problem(_l("%(where)s: a link needs an http(s) url", where=where))
        elif raw.get("source") is not None:
            self.source(raw.get("source"), where)
        return ActivitySpec(key=key, type=kind, title=self.text(raw.get("title"), where, required=True),
                            required=bool(required), settings=settings, raw=dict(raw))

    def video(self, raw: dict, where: str, settings: dict) -> None:
        from lms.courses.sanitize import is_allowed_video_url
        url, source = raw.get("url"), raw.get("source")
        if bool(url) == bool(source):
            self.problem(_l("%(where)s: a video needs either a url or a source file", where=where))
        elif url and not is_allowed_video_url(url):
            self.problem(_l("%(where)s: videos may only be embedded from %(hosts)s", where=where,
                            hosts=", ".join(current_app.config["COURSES_VIDEO_HOSTS"])))
        elif source:
            self.source(source, where)
        percent = settings.get("complete_at_percent", 80)
        if not isinstance(percent, (int, float)) or isinstance(percent, bool) or not 1 <= percent <= 100:
            self.problem(_l("%(where)s: complete_at_percent must be a number from 1 to 100", where=where))


def _choice(reader: _Reader, value, allowed, default: str, name: str) -> str:
    if value is None:
        return default
    if value not in allowed:
        reader.problem(_l("%(name)s must be one of %(allowed)s", name=name, allowed=", ".join(allowed)))
        return default
    return value


def read_course(folder: Path, *, skip_unavailable: bool = False) -> CourseSpec:
    """Parse and check `folder/course.yaml` and the files it names; raise FolderRejected on any problem.

    `skip_unavailable` (the demo only) leaves out activities whose type is not registered, listing
    them in `spec.skipped`, instead of refusing the folder."""
    reader = _Reader(folder, skip_unavailable)
    data = _load_yaml(folder)
    key = reader.key(data.get("key"), "key")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.problem(_l("version must be a whole number from 1"))
        version = 1
    area = data.get("content_area")
    if area not in CONTENT_AREAS:
        reader.problem(_l("content_area must be one of %(allowed)s", allowed=", ".join(CONTENT_AREAS)))
    topics = data.get("topics") or []
    if not isinstance(topics, list) or any(t not in TOPICS for t in topics):
        reader.problem(_l("topics must be a list of %(allowed)s", allowed=", ".join(TOPICS)))
        topics = [t for t in topics if t in TOPICS] if isinstance(topics, list) else []
    periods = data.get("periods")
    if not isinstance(periods, (int, float)) or isinstance(periods, bool) or not 0 < periods <= 10000:
        reader.problem(_l("periods must be a positive number"))
        periods = 0
    prerequisites, min_attendance = _completion(reader, data)
    sources = data.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        reader.problem(_l("sources must be a list of texts"))
        sources = []
    school = data.get("school")
    flags = {}
    for flag in ("sample", "self_enrol"):
        flags[flag] = data.get(flag, False)
        if not isinstance(flags[flag], bool):
            reader.problem(_l("%(name)s must be true or false", name=flag))
            flags[flag] = False
    sections = _sections(reader, data)

    spec = CourseSpec(
        folder=folder, key=key, version=version, sample=flags["sample"],
        title=reader.text(data.get("title"), "title", required=True),
        summary=reader.text(data.get("summary"), "summary", required=False),
        content_area=area if area in CONTENT_AREAS else "", topics=list(topics), periods=float(periods),
        level=_choice(reader, data.get("level"), [lv.value for lv in CourseLevel], "all", "level"),
        school_code=str(school) if school else None, self_enrol=flags["self_enrol"],
        status=_choice(reader, data.get("status"), [s.value for s in CourseStatus], "draft", "status"),
        prerequisites=prerequisites, min_attendance=float(min_attendance) if min_attendance is not None else None,
        sources=list(sources), sections=sections, skipped=reader.skipped)
    if reader.problems:
        raise FolderRejected(reader.problems)
    return spec


def _load_yaml(folder: Path) -> dict:
    """course.yaml as a mapping, or FolderRejected saying why it cannot be read."""
    path = folder / "course.yaml"
    try:
        limits.check_size(path.stat().st_size, limits.setting("YAML_MAX_BYTES"), "course.yaml")
        data = limits.load_yaml(path.read_text(encoding="utf-8"))
    except limits.LimitExceeded as error:
        raise FolderRejected([Problem("course.yaml", str(error))]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _l("line %(line)s", line=mark.line + 1) if mark else ""
        raise FolderRejected([Problem("course.yaml", _l("it is not valid YAML (%(where)s %(problem)s)", where=where,
                                                        problem=getattr(error, "problem", "") or ""))]) from error
    except UnicodeDecodeError:
        raise FolderRejected([Problem("course.yaml", _l("the file is not UTF-8 text"))]) from None
    if not isinstance(data, dict):
        raise FolderRejected([Problem("course.yaml", _l("it must be a mapping of course fields"))])
    return data


def _completion(reader: _Reader, data: dict) -> tuple[list[str], float | None]:
    """The `completion` mapping: prerequisite course keys and the minimum attendance (a fraction, or None)."""
    completion = data.get("completion") or {}
    if not isinstance(completion, dict):
        reader.problem(_l("completion must be a mapping"))
        completion = {}
    prerequisites = completion.get("prerequisites") or []
    if not isinstance(prerequisites, list):
        reader.problem(_l("completion.prerequisites must be a list of course keys"))
        prerequisites = []
    prerequisites = [reader.key(p, "completion.prerequisites") for p in prerequisites]
    min_attendance = completion.get("min_attendance")
    if min_attendance is not None and (not isinstance(min_attendance, (int, float)) or isinstance(min_attendance, bool)
                                       or not 0 <= min_attendance <= 1):
        reader.problem(_l("completion.min_attendance must be a fraction from 0 to 1, or null"))
        min_attendance = None
    return prerequisites, min_attendance


def _sections(reader: _Reader, data: dict) -> list[SectionSpec]:
    """The sections and their activities; keys must be unique across the course."""
    sections, section_keys, activity_keys = [], set(), set()
    raw_sections = data.get("sections") or []
    if not isinstance(raw_sections, list):
        reader.problem(_l("sections must be a list"))
        raw_sections = []
    for number, raw in enumerate(raw_sections, start=1):
        where = _l("section %(n)s", n=number)
        if not isinstance(raw, dict):
            reader.problem(_l("%(where)s is not a mapping", where=where))
            continue
        section_key = reader.key(raw.get("key"), str(where))
        if section_key in section_keys:
            reader.problem(_l("%(where)s: the key is used twice in this course", where=where))
        section_keys.add(section_key)
        section = SectionSpec(key=section_key, title=reader.text(raw.get("title"), str(where), required=True))
        raw_activities = raw.get("activities") or []
        if not isinstance(raw_activities, list):
            reader.problem(_l("%(where)s: activities must be a list", where=where))
            raw_activities = []
        for position, raw_activity in enumerate(raw_activities, start=1):
            spec = reader.activity(raw_activity, f"{section_key} / {position}", activity_keys)
            if spec is not None:
                section.activities.append(spec)
        sections.append(section)
    return sections
