"""The `lms` console script: the Flask CLI of this app (`lms run`, `lms db upgrade`, `lms courses ...`)."""
from __future__ import annotations

import os

import click
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command
from flask.cli import run_command as flask_run_command

from lms.core.app import create_app


@click.command("run", params=list(flask_run_command.params),
               help="Migrate the database, then run the development server.")
@click.pass_context
def run_command(ctx, **kwargs):
    from lms.core import migrate

    if os.environ.get("WERKZEUG_RUN_MAIN") != "true":  # the reloader's child must not migrate again
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            migrate.upgrade()
    ctx.invoke(flask_run_command, **kwargs)


def make_cli() -> FlaskGroup:
    group = FlaskGroup(create_app=create_app, add_default_commands=False, load_dotenv=False,
                       help="The training platform's command line.")
    group.add_command(run_command)
    group.add_command(shell_command)
    group.add_command(routes_command)
    return group


def main() -> None:
    from lms.core.config import ConfigError
    from lms.core.plugins import PluginError

    try:
        make_cli().main(prog_name="lms")
    except (PluginError, ConfigError) as refused:
        # Start-up refusals (a default secret key, an unknown plugin) are messages, not tracebacks.
        raise SystemExit(f"lms: {refused}") from None


if __name__ == "__main__":
    main()
