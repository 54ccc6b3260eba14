"""Admin pages: every job with its next and last run, its last result and failures; a job's runs."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Role
from lms.core.permissions import roles_required
from lms.core.scheduler.leadership import LEASE_NAME
from lms.core.scheduler.models import JobRun, JobState, SchedulerLease
from lms.core.scheduler.registry import collected_jobs, describe_trigger
from lms.core.views.pagination import paginate

bp = Blueprint("scheduler_admin", __name__, url_prefix="/admin/jobs")


@bp.get("/")
@roles_required(Role.admin)
def jobs():
    specs = collected_jobs(current_app)
    states = {s.job_id: s for s in db.session.scalars(select(JobState))}
    lease = db.session.get(SchedulerLease, LEASE_NAME)
    rows = [(spec, describe_trigger(spec), states.get(spec.id)) for spec in specs]
    return render_template("core/scheduler/jobs.html", rows=rows, lease=lease)


@bp.get("/<job_id>")
@roles_required(Role.admin)
def job(job_id: str):
    specs = {spec.id: spec for spec in collected_jobs(current_app)}
    spec = specs.get(job_id)
    state = db.session.get(JobState, job_id)
    if spec is None and state is None:
        abort(404)
    page = paginate(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.started_at.desc(), JobRun.id.desc()))
    return render_template("core/scheduler/job.html", job_id=job_id, spec=spec, state=state, page=page,
                           trigger=describe_trigger(spec) if spec else (state.trigger if state else ""))
