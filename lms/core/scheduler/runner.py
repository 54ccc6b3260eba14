"""The scheduler process (`lms scheduler`): wait to lead, then run every collected job on time.

A standby polls for leadership every SCHEDULER_POLL_SECONDS. The leader starts an APScheduler 3
BackgroundScheduler with every JobSpec, and its main thread keeps the leadership alive (heartbeat
every SCHEDULER_HEARTBEAT_SECONDS); if leadership is lost, it stops the jobs at once and becomes a
standby again. SIGTERM or SIGINT stops it cleanly and frees the lock so a standby takes over at once.

Interval jobs keep their rhythm across restarts and takeovers: the next run persisted in
core_job_states is honoured, and a run missed while no scheduler ran happens as soon as one leads.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from lms.core.db import db, utcnow
from lms.core.plugins import JobSpec
from lms.core.scheduler.leadership import Leadership, leadership_for
from lms.core.scheduler.registry import collected_jobs
from lms.core.scheduler.runs import ensure_state, last_states, mark_interrupted, run_job

log = logging.getLogger("lms.scheduler")


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def interval_seconds(spec: JobSpec) -> float | None:
    if spec.trigger != "interval":
        return None
    args = spec.trigger_args
    return timedelta(weeks=args.get("weeks", 0), days=args.get("days", 0), hours=args.get("hours", 0),
                     minutes=args.get("minutes", 0), seconds=args.get("seconds", 0)).total_seconds()


def first_run_time(spec: JobSpec, persisted: datetime | None, now: datetime) -> datetime | None:
    """When the leader should first run `spec`; None leaves it to the trigger."""
    if persisted is None:
        return None
    if persisted <= now:
        return now  # missed while no scheduler ran: once, now (runs are coalesced)
    every = interval_seconds(spec)
    if every is not None and "start_date" not in spec.trigger_args:
        return min(persisted, now + timedelta(seconds=every))
    return None


class SchedulerProcess:
    def __init__(self, app: Flask, node: str | None = None, leadership: Leadership | None = None) -> None:
        self.app = app
        self.node = node or node_name()
        self.leadership = leadership or leadership_for(app, self.node)
        self.specs = collected_jobs(app)
        self.stopping = threading.Event()
        self.scheduler: BackgroundScheduler | None = None
        cfg = app.config
        self.poll = float(cfg["SCHEDULER_POLL_SECONDS"])
        self.heartbeat = float(cfg["SCHEDULER_HEARTBEAT_SECONDS"])

    # -- the process ----------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        def stop(signum, frame):
            log.info("scheduler %s: signal %s, stopping", self.node, signum)
            self.stopping.set()
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

    def run(self) -> None:
        log.info("scheduler %s: %d jobs (%s); waiting to lead", self.node, len(self.specs),
                 ", ".join(s.id for s in self.specs))
        announced = False
        try:
            while not self.stopping.is_set():
                try:
                    if self.leadership.acquire():
                        announced = False
                        self.lead()
                        continue
                except Exception:  # the database went away, say: stand down, wait, try again
                    log.exception("scheduler %s: error while leading or electing; standing by", self.node)
                    self._step_down()
                    self.stopping.wait(self.poll)
                    continue
                if not announced:
                    log.info("scheduler %s: standby (another node leads)", self.node)
                    announced = True
                self.stopping.wait(self.poll)
        finally:
            self._step_down()
            log.info("scheduler %s: stopped", self.node)

    def _step_down(self) -> None:
        try:
            self.leadership.release()
        except Exception:
            log.exception("scheduler %s: could not release leadership", self.node)

    def lead(self) -> None:
        """Run the jobs while leadership lasts (or until asked to stop)."""
        log.info("scheduler %s: leading", self.node)
        try:
            self._start_scheduler()
            while not self.stopping.wait(self.heartbeat):
                if not self.leadership.renew():
                    log.warning("scheduler %s: leadership lost; stopping jobs", self.node)
                    break
        finally:
            if self.scheduler is not None and self.scheduler.running:
                self.scheduler.shutdown(wait=True)
            self.scheduler = None

    # -- APScheduler ----------------------------------------------------------------------------
    def _start_scheduler(self) -> None:
        cfg = self.app.config
        scheduler = BackgroundScheduler(
            timezone=cfg["BABEL_DEFAULT_TIMEZONE"],  # cron triggers read in Asia/Ho_Chi_Minh
            executors={"default": ThreadPoolExecutor(int(cfg["SCHEDULER_THREADS"]))},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(cfg["SCHEDULER_MISFIRE_GRACE_SECONDS"])})
        now = utcnow()
        with self.app.app_context():
            mark_interrupted(self.node)
            persisted = {job_id: state.next_run_at for job_id, state in last_states().items()}
            db.session.commit()
        for spec in self.specs:
            options = dict(id=spec.id, name=spec.description or spec.id, trigger=spec.trigger,
                           args=(self.app, spec, self.node, self.next_run_of), replace_existing=True,
                           **spec.trigger_args)
            first = first_run_time(spec, persisted.get(spec.id), now)
            if first is not None:
                options["next_run_time"] = first
            scheduler.add_job(run_job, **options)
        self.scheduler = scheduler  # before start(): a job that runs at once asks it for its next run
        scheduler.start()
        self._record_next_runs(scheduler)

    def next_run_of(self, job_id: str) -> datetime | None:
        scheduler = self.scheduler
        job = scheduler.get_job(job_id) if scheduler is not None else None
        return job.next_run_time if job is not None else None

    def _record_next_runs(self, scheduler: BackgroundScheduler) -> None:
        with self.app.app_context():
            for spec in self.specs:
                job = scheduler.get_job(spec.id)
                ensure_state(spec).next_run_at = job.next_run_time if job is not None else None
            db.session.commit()
