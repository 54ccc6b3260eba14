"""Running one job: an app context, one commit or rollback, a log line, and a row in core_job_runs."""
from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.core.db import db, utcnow
from lms.core.plugins import JobSpec
from lms.core.scheduler.models import JobRun, JobState
from lms.core.scheduler.registry import describe_trigger

log = logging.getLogger("lms.scheduler")


def ensure_state(spec: JobSpec) -> JobState:
    """The job's state row, created if missing (INSERT ... ON CONFLICT DO NOTHING: no race, no rollback)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(JobState.__table__).values(
        job_id=spec.id, description=spec.description[:500], trigger=describe_trigger(spec)[:200],
        consecutive_failures=0, total_runs=0, total_failures=0, updated_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["job_id"]))
    state = db.session.get(JobState, spec.id, populate_existing=True)
    state.description = spec.description[:500]
    state.trigger = describe_trigger(spec)[:200]
    return state


def run_job(app: Flask, spec: JobSpec, node: str, next_run_of: Callable[[str], datetime | None] | None = None) -> str:
    """Run `spec.func` once, as the scheduler does; returns "ok" or "error" (never raises)."""
    with app.app_context():
        try:
            started = utcnow()
            run = JobRun(job_id=spec.id, node=node, started_at=started, status="running")
            db.session.add(run)
            state = ensure_state(spec)
            state.last_started_at = started
            db.session.commit()
            run_id = run.id
        except Exception:
            db.session.rollback()
            log.exception("job %s: could not record its start; not run", spec.id)
            return "error"

        clock = time.monotonic()
        error = None
        try:
            result = spec.func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            error = traceback.format_exc()
            result = None
        elapsed = time.monotonic() - clock
        status = "error" if error else "ok"
        summary = _short(error.strip().splitlines()[-1] if error else ("" if result is None else str(result)))
        if error:
            log.error("job %s failed after %.2fs on %s: %s\n%s", spec.id, elapsed, node, summary, error)
        else:
            log.info("job %s ok in %.2fs on %s: %s", spec.id, elapsed, node, summary or "-")

        try:
            finished = utcnow()
            db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
                finished_at=finished, status=status, result=summary, error=error[-8000:] if error else None))
            state = ensure_state(spec)
            state.last_finished_at = finished
            state.last_status = status
            state.last_result = summary
            state.last_error = error[-8000:] if error else None
            state.total_runs += 1
            state.consecutive_failures = state.consecutive_failures + 1 if error else 0
            state.total_failures += 1 if error else 0
            if next_run_of is not None:
                state.next_run_at = next_run_of(spec.id)
            state.updated_at = finished
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s: could not record its end", spec.id)
        return status


def mark_interrupted(node: str) -> int:
    """Runs left "running" by another node (one that died) are marked interrupted. Flushes."""
    return db.session.execute(update(JobRun).where(JobRun.status == "running", JobRun.node != node)
                              .values(status="interrupted", finished_at=utcnow())).rowcount


def last_states() -> dict[str, JobState]:
    return {state.job_id: state for state in db.session.scalars(select(JobState))}


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 500 else text[:497] + "..."
