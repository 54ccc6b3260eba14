"""Demo content of the courses plugin: every course folder under content/, an enrolment for the demo
official, and a class of the demo school filled from a commune. Idempotent: run it again and nothing
is duplicated (the folders are re-imported in place)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from lms.core.db import db
from lms.core.folders import top_level_folder
from lms.core.models import School, Unit, User
from lms.courses.models import ClassSession, Course, CourseClass, CourseStatus
from lms.courses.progress_dates import today, zone
from lms.courses.services import classes
from lms.courses.services.enrolment import enrol, find_enrolment
from lms.courses.services.folder import FolderRejected, read_course
from lms.courses.services.importer import apply_course, check_course

DEMO_CLASS_CODE = "TCT-T01-DEMO-01"
DEMO_COMMUNE = "T01-X-TANPHU"
DEMO_OFFICIAL = "CB00001"
PREFERRED_COURSE = "chuyen-doi-so-co-quan-nha-nuoc"


def content_dir() -> Path:
    configured = current_app.config.get("COURSES_CONTENT_DIR")
    return Path(configured) if configured else top_level_folder("content")


def import_content_folders(folder: Path) -> list[str]:
    """Import every course folder found in `folder`; returns the keys imported."""
    keys = []
    if not folder.is_dir():
        return keys
    for path in sorted(p for p in folder.iterdir() if (p / "course.yaml").is_file()):
        try:
            spec = read_course(path, skip_unavailable=True)
            plan = check_course(spec)
        except FolderRejected as rejected:  # checked before anything is written: the demo goes on
            click.echo(f"  course folder {path.name} skipped:")
            for problem in rejected.problems:
                click.echo(f"    {problem}")
            continue
        report = apply_course(spec, plan=plan)
        keys.append(report.course_key)
        for skipped in spec.skipped:
            click.echo(f"  {path.name}: left out, {skipped.message}")
    return keys


def _demo_class(course: Course) -> CourseClass | None:
    school = db.session.scalar(select(School).where(School.code == "TCT-T01"))
    runner = db.session.scalar(select(User).where(User.email == "truong@sonha.example.vn"))
    unit = db.session.scalar(select(Unit).where(Unit.code == DEMO_COMMUNE))
    if school is None or runner is None or unit is None:
        return None
    course_class = db.session.scalar(select(CourseClass).where(CourseClass.code == DEMO_CLASS_CODE))
    if course_class is None:
        lecturer = db.session.scalar(select(User).where(User.email == "giangvien@sonha.example.vn"))
        starts = today() + timedelta(days=7)
        course_class = classes.open_class(runner, classes.ClassFields(
            course_id=course.id, code=DEMO_CLASS_CODE, title_vi=f"{course.title_vi} - lớp Xã Tân Phú",
            title_en=f"{course.title_en} - Tan Phu class", school_id=school.id, unit_id=unit.id, mode="blended",
            starts_on=starts, ends_on=starts + timedelta(days=30), capacity=40,
            place="Hội trường Ủy ban nhân dân xã Tân Phú", min_attendance=None, credit_on_attendance=False,
            lecturer_ids=[lecturer.id] if lecturer else []))
        for day in range(2):
            moment = datetime.combine(starts + timedelta(days=day), time(7, 30), tzinfo=zone())
            db.session.add(ClassSession(class_id=course_class.id, starts_at=moment, ends_at=moment + timedelta(hours=4),
                                        place=course_class.place, topic=f"Buổi {day + 1}"))
        db.session.flush()
    classes.enrol_unit(course_class, unit)
    return course_class


def seed() -> None:
    keys = import_content_folders(content_dir())
    published = list(db.session.scalars(select(Course).where(Course.key.in_(keys),
                                                             Course.status == CourseStatus.published)
                                        .order_by(Course.key)))
    if not published:
        click.echo("  no course was imported from content/; the courses demo is empty")
        return
    first = next((c for c in published if c.key == PREFERRED_COURSE), published[0])
    official = db.session.scalar(select(User).where(User.login_code == DEMO_OFFICIAL))
    if official is not None and find_enrolment(official.id, first.id) is None:
        enrol(official.id, first, source="self", due_on=today() + timedelta(days=30))
    class_course = next((c for c in published if c.key != first.key), first)
    course_class = _demo_class(class_course)
    click.echo(f"  courses: {len(keys)} imported from content/; {DEMO_OFFICIAL} enrolled in {first.key}"
               + (f"; class {course_class.code} filled from {DEMO_COMMUNE}" if course_class else ""))
