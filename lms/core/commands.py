"""Core commands: `lms db ...`, `lms import-units`, `lms import-officials`, `lms import-roles`, `lms users ...`,
`lms demo`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core import migrate
from lms.core.cli_output import emit, problem_lines
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Role, User
from lms.core.permissions import grant
from lms.core.services import official_import, org_import, role_import
from lms.core.services.accounts import set_new_password
from lms.core.services.tabular import FileUnreadable


@click.group("db", help="Create or migrate the database named by LMS_DATABASE_URL.")
def db_group():
    pass


@db_group.command("upgrade", help="Create the database tables or bring them to the newest migration.")
@click.option("--revision", default="heads", show_default=True)
@with_appcontext
def db_upgrade(revision):
    migrate.upgrade(revision)
    click.echo(f"Database at {db.engine.url.render_as_string(hide_password=True)} is up to date.")


@db_group.command("revision", help="Write a new migration for the core or a plugin from the models.")
@click.option("-m", "--message", required=True)
@click.option("--package", default="core", show_default=True, help="core, or a plugin name")
@click.option("--empty", is_flag=True, help="Do not compare with models; write an empty migration.")
@with_appcontext
def db_revision(message, package, empty):
    migrate.revision(message, package, autogenerate=not empty)


@db_group.command("heads", help="Show the newest migration of each branch.")
@with_appcontext
def db_heads():
    for head in migrate.current_heads():
        click.echo(head)


FULL_HELP = ("The file lists every official of its units: those of these units it does not name have left "
             "and are made inactive (kept, with their records; their accounts cannot log in).")

MAIL_ACTIVATION_HELP = ("E-mail an activation link (through the outbox) to the file's officials who have an "
                        "e-mail address and no password yet, unless one is still valid.")


def _import_command(name: str, importer, what: str, *, full: bool = False):
    """`full`: the importer also keeps accounts and takes --full (officials)."""
    @click.command(name, help=f"Import {what} from a CSV or XLSX file (upsert by code; all or nothing).")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--valid-only", is_flag=True, help="Import the valid rows even if others have problems.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
    @with_appcontext
    def command(path: Path, valid_only: bool, as_json: bool, **options):
        try:
            with path.open("rb") as stream:
                report = importer(stream, path.name, valid_only=valid_only, **options)
        except FileUnreadable as problem:
            db.session.rollback()
            emit({"applied": False, "problems": [{"line": 0, "field": "", "message": str(problem)}]},
                 as_json, [f"{path.name}: {problem}"], ok=False)
            return
        if report.applied:
            db.session.commit()
        else:
            db.session.rollback()
        data = report.as_dict()
        emit(data, as_json, _summary(path.name, report, full) + problem_lines(data["problems"]),
             ok=report.applied and (report.ok or valid_only))
    if full:
        command = click.option("--full", is_flag=True, help=FULL_HELP)(command)
        command = click.option("--mail-activation", is_flag=True, help=MAIL_ACTIVATION_HELP)(command)
    return command


def _summary(filename: str, report, accounts: bool) -> list[str]:
    line = (f"{filename}: {report.total} rows, {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped")
    if accounts:
        line += (f"; accounts: {report.accounts_created} created, {report.accounts_updated} updated; "
                 f"{report.deactivated} made inactive, {report.reactivated} active again; "
                 f"{report.activation_mails} activation e-mails queued")
    return [line + ("" if report.applied else " (nothing changed)")]


@click.group("users", help="Manage accounts.")
def users_group():
    pass


@users_group.command("create", help="Create an account (or reset its password) and grant roles.")
@click.option("--email")
@click.option("--login-code")
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role if r is not Role.official]))
@with_appcontext
def users_create(email, login_code, name, password, roles):
    if not email and not login_code:
        raise click.UsageError("give --email or --login-code")
    user = None
    if email:
        user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None and login_code:
        user = db.session.scalar(select(User).where(User.login_code == login_code))
    if user is None:
        user = User(email=email.lower() if email else None, login_code=login_code, display_name=name)
        db.session.add(user)
    try:
        set_new_password(user, password, password)
    except DomainError as weak:
        raise click.BadParameter(str(weak), param_hint="--password") from None
    for role in roles:
        grant(user, role)
    db.session.commit()
    click.echo(f"Account {email or login_code} is ready.")


def register_commands(app: Flask) -> None:
    from lms.core.bench_seed import bench_group
    from lms.core.demo import demo_group
    from lms.core.notifications.cli import mail_group
    from lms.core.scheduler.cli import scheduler_group

    app.cli.add_command(bench_group)
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(_import_command("import-officials", official_import.import_officials, "officials",
                                        full=True))
    app.cli.add_command(_import_command("import-units", org_import.import_units, "units"))
    app.cli.add_command(_import_command("import-roles", role_import.import_roles,
                                        "lecturers and school administrators (account, role, school code)"))
