"""`lms courses ...`: import and export course folders."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core.cli_output import emit
from lms.core.db import db
from lms.courses.models import Course
from lms.courses.services.exporter import export_course, export_zip
from lms.courses.services.folder import FolderRejected
from lms.courses.services.importer import import_course


@click.group("courses", help="Courses: import and export course folders.")
def courses_group():
    pass


@courses_group.command("import", help="Import a course folder or its zip (updates the course in place).")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def import_command(path: Path, as_json: bool):
    try:
        report = import_course(path)
    except FolderRejected as rejected:
        db.session.rollback()
        problems = [p.as_dict() for p in rejected.problems]
        emit({"ok": False, "path": str(path), "problems": problems, "warnings": []}, as_json,
             [f"{path}: not imported, nothing changed."] + [f"  {p['file']}: {p['message']}" for p in problems],
             ok=False)
        return
    db.session.commit()
    data = report.as_dict()
    data["path"] = str(path)
    verb = "created" if report.created else "updated"
    lines = [f"{path}: course {report.course_key} {verb} (version {report.version}, {report.sections} sections, "
             f"{report.activities} activities, {report.files} files)"]
    lines += [f"  warning: {w['file']}: {w['message']}" for w in data["warnings"]]
    emit(data, as_json, lines, ok=True)


@courses_group.command("export", help="Export a course to a folder, or to a zip when OUTPUT ends in .zip.")
@click.argument("key")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Default: <KEY>.zip here.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def export_command(key: str, output: Path | None, as_json: bool):
    course = db.session.scalar(select(Course).where(Course.key == key))
    if course is None:
        emit({"ok": False, "key": key, "problems": [{"file": "", "message": f"no course with the key {key}"}]},
             as_json, [f"No course with the key {key}."], ok=False)
        return
    output = output or Path(f"{key}.zip")
    try:
        if output.suffix.lower() == ".zip":
            output.write_bytes(export_zip(course))
        else:
            if output.exists() and any(output.iterdir()):
                raise ValueError(f"{output} is not empty")
            export_course(course, output)
    except (ValueError, OSError) as problem:
        emit({"ok": False, "key": key, "problems": [{"file": str(output), "message": str(problem)}]},
             as_json, [f"{output}: {problem}"], ok=False)
        return
    emit({"ok": True, "key": key, "version": course.version, "output": str(output)}, as_json,
         [f"Course {key} (version {course.version}) exported to {output}."], ok=True)
