"""`lms scorm ...`: check and import packages from the command line."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core.cli_output import emit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import School
from lms.scorm import services
from lms.scorm.archive import PackageRefused

group = click.Group("scorm", help="SCORM packages: check, import, tidy up.")


def _report(checked: services.CheckedPackage) -> dict:
    parsed = checked.manifest
    return {"version": parsed.version, "edition": parsed.edition, "title": parsed.title,
            "identifier": parsed.identifier, "files": checked.inspection.file_count,
            "unpacked_bytes": checked.inspection.unpacked_bytes, "skipped": checked.inspection.skipped,
            "items": [{"identifier": i.identifier, "title": i.title, "type": i.scorm_type, "launch": i.launch}
                      for i in parsed.launchable()],
            "ignored_sequencing": parsed.notes}


@group.command("check", help="Check a SCORM zip as an upload would, without storing anything.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def check(path: Path, as_json: bool):
    try:
        checked = services.check_package(path, path.name, services.limits())
    except PackageRefused as problem:
        emit({"ok": False, "file": path.name, "code": problem.code, "problem": str(problem)}, as_json,
             [f"{path.name}: {problem}"], ok=False)
        return
    report = {"ok": True, "file": path.name, **_report(checked)}
    emit(report, as_json, [f"{path.name}: SCORM {report['version']}, {len(report['items'])} launchable items, "
                           f"{report['files']} files"], ok=True)


@group.command("import", help="Upload a SCORM zip for a school (by code).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_code", required=True, help="The owning school's code.")
@click.option("--title", default="", help="A title (default: the package's own).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def import_command(path: Path, school_code: str, title: str, as_json: bool):
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        emit({"ok": False, "file": path.name, "problem": f"no school with code {school_code}"}, as_json,
             [f"No school with code {school_code}."], ok=False)
        return
    try:
        with open(path, "rb") as stream:
            package, created = services.create_package(stream, path.name, school_id=school.id, user_id=None,
                                                       title=title or None)
        db.session.commit()
    except DomainError as problem:
        db.session.rollback()
        emit({"ok": False, "file": path.name, "code": getattr(problem, "code", ""), "problem": str(problem)},
             as_json, [f"{path.name}: {problem}"], ok=False)
        return
    emit({"ok": True, "file": path.name, "package_id": package.id, "created": created, "title": package.title,
          "version": package.version}, as_json,
         [f"{path.name}: package {package.id} ({package.title}){'' if created else ' already existed'}"], ok=True)


@group.command("remove-unused-folders", help="Delete unpacked folders no package uses (older than a day).")
@with_appcontext
def remove_unused_folders():
    removed = services.remove_unused_folders()
    click.echo(f"Removed {len(removed)} folders.")
