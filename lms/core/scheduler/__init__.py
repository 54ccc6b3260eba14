"""The scheduler: jobs declared in code (plugins' `jobs()` and the core's), run by `lms scheduler`.

Never started by the app factory or a web worker: see lms/core/scheduler/runner.py.
"""
from __future__ import annotations

from flask import Flask

from lms.core.scheduler import models  # noqa: F401  (tables join the metadata)

DEFAULTS = {
    "SCHEDULER_POLL_SECONDS": 5,       # a standby asks for leadership this often
    "SCHEDULER_HEARTBEAT_SECONDS": 5,  # the leader checks (PostgreSQL) or renews (SQLite) its hold
    "SCHEDULER_LEASE_SECONDS": 30,     # SQLite: a lease not renewed for this long may be taken over
    "SCHEDULER_LOCK_KEY": 0x4C4D535343484544,  # PostgreSQL advisory lock key ("LMSSCHED")
    "SCHEDULER_THREADS": 4,
    "SCHEDULER_MISFIRE_GRACE_SECONDS": 300,
    "SCHEDULER_KEEP_RUNS_DAYS": 30,
    "SCHEDULER_EXTRA_JOBS": [],  # [{"id", "func": "module:function", "trigger", "trigger_args", "description"}]
    "SCHEDULER_LOG_LEVEL": "INFO",
}


def init_app(app: Flask) -> None:
    """Called by the app factory: settings, the admin pages, and the core's jobs join the job list."""
    from lms.core.scheduler.registry import core_jobs, extra_jobs
    from lms.core.scheduler.views import bp

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["SCHEDULER_LEASE_SECONDS"] < 2 * app.config["SCHEDULER_HEARTBEAT_SECONDS"]:
        raise RuntimeError("SCHEDULER_LEASE_SECONDS must be at least twice SCHEDULER_HEARTBEAT_SECONDS")
    app.register_blueprint(bp)
    app.extensions["lms"]["jobs"].extend(core_jobs(app) + extra_jobs(app))
