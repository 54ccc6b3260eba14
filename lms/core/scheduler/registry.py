"""Collecting the jobs: the core's own, every enabled plugin's `jobs()`, and SCHEDULER_EXTRA_JOBS.

All end up in `app.extensions["lms"]["jobs"]` (a list of JobSpec): the app factory adds the plugins'
after `init_app` here has added the core's and the configured extras.
"""
from __future__ import annotations

import importlib

from flask import Flask

from lms.core.plugins import JobSpec

TRIGGERS = ("interval", "cron", "date")


def core_jobs(app: Flask) -> list[JobSpec]:
    from lms.core.notifications.jobs import drain_outbox_job
    from lms.core.scheduler.housekeeping import housekeeping
    return [
        JobSpec("core.mail_outbox", drain_outbox_job, "interval", {"seconds": app.config["MAIL_DRAIN_SECONDS"]},
                "Send the e-mail waiting in the outbox (retries with backoff)."),
        JobSpec("core.housekeeping", housekeeping, "cron", {"hour": 2, "minute": 17},
                "Purge old login attempts, reset requests and tokens, sent mail and job runs."),
    ]


def extra_jobs(app: Flask) -> list[JobSpec]:
    """SCHEDULER_EXTRA_JOBS: site-specific jobs without a plugin, e.g.
    [{"id": "site.backup_check", "func": "mysite.jobs:check", "trigger": "cron", "trigger_args": {"hour": 6}}]."""
    specs = []
    for entry in app.config.get("SCHEDULER_EXTRA_JOBS") or []:
        module_name, _, attribute = entry["func"].partition(":")
        func = getattr(importlib.import_module(module_name), attribute)
        specs.append(JobSpec(entry["id"], func, entry.get("trigger", "interval"),
                             dict(entry.get("trigger_args", {"minutes": 1})), entry.get("description", "")))
    return specs


def collected_jobs(app: Flask) -> list[JobSpec]:
    """The jobs the scheduler runs, checked: unique ids and known triggers (a mistake stops start-up)."""
    specs = list(app.extensions["lms"]["jobs"])
    seen: set[str] = set()
    for spec in specs:
        if not isinstance(spec, JobSpec):
            raise TypeError(f"a job must be an lms.core.plugins.JobSpec, not {spec!r}")
        if spec.id in seen:
            raise ValueError(f"two jobs are called {spec.id!r}")
        if spec.trigger not in TRIGGERS:
            raise ValueError(f"job {spec.id!r}: unknown trigger {spec.trigger!r} (one of {', '.join(TRIGGERS)})")
        seen.add(spec.id)
    return specs


def describe_trigger(spec: JobSpec) -> str:
    """"interval: minutes=1", "cron: hour=2, minute=17" — for the admin page."""
    args = ", ".join(f"{k}={v}" for k, v in sorted(spec.trigger_args.items()))
    return f"{spec.trigger}: {args}" if args else spec.trigger
