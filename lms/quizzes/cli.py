"""`lms quizzes ...`: import and export question banks, the XLSX template, overdue attempts."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.core.cli_output import emit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.quizzes.formats import FORMAT_NAMES


@click.group("quizzes", help="Question banks and quizzes.")
def quizzes_group():
    pass


@quizzes_group.command("import", help="Import questions from FILE into the bank KEY (created if missing).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), help="File format (default: from the file name).")
@click.option("--bank", "bank_key", required=True, help="The bank's key; the bank is created if missing.")
@click.option("--category", default=None, help="Category for questions the file puts in none (\"A/B\").")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def import_command(path: Path, fmt: str | None, bank_key: str, category: str | None, as_json: bool):
    from lms.quizzes.services.banks import get_or_create_bank
    from lms.quizzes.services.importing import guess_format, import_questions
    fmt = fmt or guess_format(path.name)
    if fmt is None:
        raise click.UsageError("give --format gift|aiken|moodle-xml|xlsx")
    try:
        bank = get_or_create_bank(bank_key)
        report = import_questions(bank, fmt, path.read_bytes(), filename=path.name, default_category=category)
    except DomainError as problem:
        db.session.rollback()
        emit({"imported": 0, "skipped": 0, "problems": [{"line": 0, "message": str(problem)}]}, as_json,
             [f"{path.name}: {problem}"], ok=False)
        return
    db.session.commit()
    lines = []
    if report.file_problem:
        lines.append(f"{path.name}, line {report.file_line}: {report.file_problem}")
    for entry in report.entries:
        detail = f": {entry.message}" if entry.message else ""
        lines.append(f"  line {entry.line} {entry.name!r}: {entry.status}{detail}")
    lines.append(f"{path.name}: {report.imported} imported, {report.skipped} skipped into bank {bank.key}")
    emit(report.as_dict(), as_json, lines, ok=report.ok)


@quizzes_group.command("export", help="Export the bank KEY as GIFT or Moodle XML (to stdout or --output).")
@click.option("--bank", "bank_key", required=True)
@click.option("--format", "fmt", type=click.Choice(["gift", "moodle-xml"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export_command(bank_key: str, fmt: str, output: Path | None):
    from lms.quizzes.services.banks import bank_by_key, categories
    from lms.quizzes.services.importing import bank_questions, export_questions
    bank = bank_by_key(bank_key.strip().lower())
    if bank is None:
        raise click.ClickException(f"no bank with the key {bank_key!r}")
    info = {c.path: c.info for c in categories(bank.id)}
    text = export_questions(bank_questions(bank), fmt, category_info=info)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}")
    else:
        sys.stdout.write(text)


@quizzes_group.command("template", help="Write the XLSX template for question banks kept in Excel.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def template_command(path: Path):
    from lms.quizzes.formats.xlsx import xlsx_template
    path.write_bytes(xlsx_template())
    click.echo(f"Wrote {path}")


@quizzes_group.command("submit-overdue", help="Submit and grade the attempts whose time is up (what the job does).")
@with_appcontext
def submit_overdue_command():
    from lms.quizzes.services.attempts import submit_overdue
    count = submit_overdue()
    db.session.commit()
    click.echo(f"{count} attempts submitted.")
