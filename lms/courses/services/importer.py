"""Importing a course folder: create the course, or update it in place matching sections and activities
by key, so learners keep their progress on every activity whose key did not change.

Everything that can be checked is checked before anything is written; a problem found while writing
(another plugin refusing its content) raises FolderRejected too, and the caller rolls back, so a
course is never half-imported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import activities, audit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import School
from lms.courses.access import may_create_course, may_edit_course
from lms.courses.models import Activity, Asset, Course, CourseLevel, CourseStatus, Section
from lms.courses.services import content as own
from lms.courses.services.archive import opened_folder
from lms.courses.services.folder import CourseSpec, FolderRejected, Problem, read_course
from lms.courses.types import OWN_TYPES


@dataclass
class ImportReport:
    course_id: int
    course_key: str
    created: bool
    version: int
    sections: int
    activities: int
    files: int
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ok": True, "course_id": self.course_id, "course_key": self.course_key, "created": self.created,
                "version": self.version, "sections": self.sections, "activities": self.activities,
                "files": self.files, "warnings": [w.as_dict() for w in self.warnings], "problems": []}


def import_course(path: Path | None = None, *, stream: BinaryIO | None = None, name: str = "",
                  user=None) -> ImportReport:
    """Import a course folder, a zip file path, or an uploaded zip stream. `user` (None: the command
    line) must be allowed to edit the course. Raises FolderRejected; the caller rolls back then."""
    with opened_folder(path, stream=stream, name=name) as folder:
        spec = read_course(folder)
        return apply_course(spec, user=user)


@dataclass
class _Plan:
    school: School | None
    course: Course | None
    pages: dict[str, own.PreparedPage]
    files: list[str]
    warnings: list[Problem]


def _plan(spec: CourseSpec, user) -> _Plan:  # noqa: C901  (every database check of a course folder, so all problems are reported at once)
    """All checks that need the database or the files' bytes; raises FolderRejected with every problem."""
    problems: list[Problem] = []
    school = None
    if spec.school_code:
        school = db.session.scalar(select(School).where(School.code == spec.school_code))
        if school is None:
            problems.append(Problem("course.yaml", _l("there is no school with the code %(code)s",
                                                      code=spec.school_code)))
    course = db.session.scalar(select(Course).where(Course.key == spec.key))
    if user is not None:
        if course is not None and not may_edit_course(user, course):
            problems.append(Problem("course.yaml", _l("you may not change the course %(key)s", key=spec.key)))
        wanted_school = school.id if school else None
        if (course is None or wanted_school != course.school_id) and not may_create_course(user, wanted_school):
            problems.append(Problem("course.yaml", _l("you may not add courses for this school")))
    if course is not None and spec.version < course.version:
        problems.append(Problem("course.yaml", _l(
            "version %(given)s is older than the version on the platform (%(current)s)",
            given=spec.version, current=course.version)))
    if spec.key in spec.prerequisites:
        problems.append(Problem("course.yaml", _l("a course cannot be its own prerequisite")))

    pages, warnings, files = {}, [], set()
    for _section, activity in spec.activities():
        if activity.type == "page":
            pages[activity.key] = page = own.prepare_page(spec.folder, activity.raw["source"])
            warnings += page.warnings
            files |= page.referenced
        elif activity.type in ("file", "video") and activity.raw.get("source"):
            files.add(PurePosixPath(activity.raw["source"]).as_posix())
    attachments = spec.folder / "files"
    if attachments.is_dir():
        files |= {p.relative_to(spec.folder).as_posix() for p in attachments.rglob("*")
                  if p.is_file() and not p.name.startswith(".")}
    for path in sorted(files):
        problem = own.check_folder_file(spec.folder, path)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise FolderRejected(problems)
    return _Plan(school=school, course=course, pages=pages, files=sorted(files), warnings=warnings)


def check_course(spec: CourseSpec, *, user=None) -> _Plan:
    """Everything that can be checked before writing; raises FolderRejected (nothing written yet)."""
    return _plan(spec, user)


def apply_course(spec: CourseSpec, *, user=None, plan: _Plan | None = None) -> ImportReport:
    plan = plan or _plan(spec, user)
    course = plan.course
    created = course is None
    if created:
        course = Course(key=spec.key, created_by=user.id if user is not None else None)
        db.session.add(course)
    course.version, course.sample = spec.version, spec.sample
    course.title_vi, course.title_en = spec.title["vi"], spec.title["en"]
    course.summary_vi, course.summary_en = spec.summary["vi"], spec.summary["en"]
    course.content_area, course.topics, course.periods = spec.content_area, list(spec.topics), spec.periods
    course.level, course.status = CourseLevel(spec.level), CourseStatus(spec.status)
    course.school_id = plan.school.id if plan.school else None
    course.self_enrol, course.prerequisites = spec.self_enrol, list(spec.prerequisites)
    course.min_attendance, course.sources = spec.min_attendance, list(spec.sources)
    if course.status is CourseStatus.published and course.published_at is None:
        course.published_at = utcnow()
    db.session.flush()

    assets = own.course_assets(course.id)
    for path in plan.files:
        own.store_asset(course.id, path, spec.folder / path, assets, uploaded_by=user.id if user else None)
    for path in set(assets) - set(plan.files):
        db.session.delete(assets.pop(path))

    _apply_structure(course, spec, plan)
    db.session.flush()
    from lms.courses.services.progress import refresh_course_progress
    refresh_course_progress(course)
    audit.record("course.imported", "course", course.id, actor_id=user.id if user else None,
                 data={"key": course.key, "version": course.version, "created": created})
    return ImportReport(course_id=course.id, course_key=course.key, created=created, version=course.version,
                        sections=len(spec.sections), activities=sum(len(s.activities) for s in spec.sections),
                        files=len(plan.files), warnings=spec.skipped + plan.warnings)


def _apply_structure(course: Course, spec: CourseSpec, plan: _Plan) -> None:
    sections = {s.key: s for s in db.session.scalars(select(Section).where(Section.course_id == course.id))}
    current = {a.key: a for a in db.session.scalars(select(Activity).where(Activity.course_id == course.id))}
    # An activity whose type changed is a different thing: its progress goes with it.
    wanted = {a.key: a.type for _s, a in spec.activities()}
    for key, activity in list(current.items()):
        if wanted.get(key) != activity.type:
            activity.section.activities.remove(activity)
            del current[key]
    db.session.flush()

    layout = []
    for position, section_spec in enumerate(spec.sections):
        section = sections.get(section_spec.key) or Section(course_id=course.id, key=section_spec.key)
        section.position, section.title_vi, section.title_en = (
            position, section_spec.title["vi"], section_spec.title["en"])
        ordered = []
        for index, activity_spec in enumerate(section_spec.activities):
            activity = current.get(activity_spec.key) or Activity(course_id=course.id, key=activity_spec.key,
                                                                   type=activity_spec.type, ref="")
            activity.position, activity.required = index, activity_spec.required
            activity.title_vi, activity.title_en = activity_spec.title["vi"], activity_spec.title["en"]
            activity.settings = dict(activity_spec.settings)
            activity.ref = _import_activity(course, activity, activity_spec, spec.folder, plan)
            ordered.append(activity)
        layout.append((section, ordered))
    # Re-hang everything at once: an activity that moves between sections is never an orphan in between.
    with db.session.no_autoflush:
        kept = {section.key for section, _ in layout}
        for key, section in sections.items():
            if key not in kept:
                section.activities = []
        for section, ordered in layout:
            section.activities = ordered
        course.sections = [section for section, _ in layout]


def _import_activity(course: Course, activity: Activity, activity_spec, folder: Path, plan: _Plan) -> str:
    existing_ref = activity.ref or None
    if activity_spec.type in OWN_TYPES:
        content = own.apply_own_content(activity_spec.type, course_id=course.id, raw=activity_spec.raw,
                                        existing_ref=existing_ref, page=plan.pages.get(activity_spec.key))
        return str(content.id)
    kind = activities.get(activity_spec.type)
    try:
        ref = kind.import_content(course_id=course.id, course_key=course.key, school_id=course.school_id,
                                  key=activity_spec.key, title=dict(activity_spec.title), spec=dict(activity_spec.raw),
                                  folder=folder, existing_ref=existing_ref)
    except FolderRejected:
        raise
    except (DomainError, ValueError) as error:
        source = activity_spec.raw.get("source") or "course.yaml"
        reason = _l("%(key)s: %(reason)s", key=activity_spec.key, reason=str(error))
        raise FolderRejected([Problem(str(source), reason)]) from error
    return str(ref)


def asset_paths(course_id: int) -> set[str]:
    return set(db.session.scalars(select(Asset.path).where(Asset.course_id == course_id)))
