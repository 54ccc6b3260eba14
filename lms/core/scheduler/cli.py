"""`lms scheduler`: run the scheduler process; `lms scheduler list`, `lms scheduler run-job ID`."""
from __future__ import annotations

import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.cli_output import emit
from lms.core.db import db


def _configure_logging() -> None:
    level = current_app.config["SCHEDULER_LOG_LEVEL"]
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for name in ("lms", "lms.scheduler", "lms.mail"):
        logging.getLogger(name).setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.group("scheduler", invoke_without_command=True,
             help="Run the scheduler process (one per machine; they elect one leader through the database).")
@click.pass_context
@with_appcontext
def scheduler_group(ctx):
    if ctx.invoked_subcommand is not None:
        return
    from lms.core.scheduler.runner import SchedulerProcess

    _configure_logging()
    app = current_app._get_current_object()
    process = SchedulerProcess(app)
    process.install_signal_handlers()
    db.session.remove()
    process.run()


@scheduler_group.command("list", help="The jobs, their triggers and their last and next runs.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def list_jobs(as_json):
    from lms.core.scheduler.registry import collected_jobs, describe_trigger
    from lms.core.scheduler.runs import last_states

    states = last_states()
    jobs = []
    for spec in collected_jobs(current_app):
        state = states.get(spec.id)
        jobs.append({
            "id": spec.id, "trigger": describe_trigger(spec), "description": spec.description,
            "next_run_at": state.next_run_at.isoformat() if state and state.next_run_at else None,
            "last_started_at": state.last_started_at.isoformat() if state and state.last_started_at else None,
            "last_status": state.last_status if state else None,
            "consecutive_failures": state.consecutive_failures if state else 0,
        })
    lines = [f"{j['id']:<36} {j['trigger']:<30} last: {j['last_status'] or '-':<6} next: {j['next_run_at'] or '-'}"
             for j in jobs]
    emit({"jobs": jobs}, as_json, lines, ok=True)


@scheduler_group.command("run-job", help="Run one job now, in this process, recorded like a scheduled run.")
@click.argument("job_id")
@with_appcontext
def run_job_now(job_id):
    from lms.core.scheduler.registry import collected_jobs
    from lms.core.scheduler.runner import node_name
    from lms.core.scheduler.runs import run_job

    _configure_logging()
    specs = {spec.id: spec for spec in collected_jobs(current_app)}
    if job_id not in specs:
        raise click.UsageError(f"no job {job_id!r}; known: {', '.join(sorted(specs))}")
    status = run_job(current_app._get_current_object(), specs[job_id], "manual " + node_name())
    click.echo(f"{job_id}: {status}")
    if status != "ok":
        sys.exit(1)
