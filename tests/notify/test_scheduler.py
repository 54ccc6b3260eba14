"""The scheduler in one process: jobs collected, each run committed or rolled back and recorded,
leadership taken, renewed, lost and taken over."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.core.db import db, utcnow
from lms.core.models import Unit
from lms.core.plugins import JobSpec
from lms.core.scheduler.leadership import AdvisoryLockLeadership, LeaseLeadership, leadership_for
from lms.core.scheduler.models import JobRun, JobState, SchedulerLease
from lms.core.scheduler.registry import collected_jobs
from lms.core.scheduler.runner import SchedulerProcess, first_run_time
from lms.core.scheduler.runs import run_job
from tests.notify import jobs as test_jobs

# Schedulers run in threads of their own, with connections (and a lease) of their own.
pytestmark = pytest.mark.commits

EXTRA = [
    {"id": "test.write_unit", "func": "tests.notify.jobs:write_unit", "trigger": "interval",
     "trigger_args": {"seconds": 1}, "description": "writes a unit"},
    {"id": "test.fail", "func": "tests.notify.jobs:write_then_fail", "trigger": "interval",
     "trigger_args": {"hours": 1}},
]


@pytest.fixture
def jobs_app(app_factory):
    app = app_factory(SCHEDULER_EXTRA_JOBS=EXTRA, SCHEDULER_POLL_SECONDS=0.2, SCHEDULER_HEARTBEAT_SECONDS=0.2,
                      SCHEDULER_LEASE_SECONDS=1)
    with app.app_context():
        yield app
        db.session.remove()


def spec(app, job_id):
    return next(s for s in collected_jobs(app) if s.id == job_id)


def test_core_plugin_and_configured_jobs_are_collected(jobs_app):
    ids = [s.id for s in collected_jobs(jobs_app)]
    assert {"core.mail_outbox", "core.housekeeping", "test.write_unit", "test.fail"} <= set(ids)
    assert len(ids) == len(set(ids))


def test_a_plugin_job_is_collected(app_factory, monkeypatch):
    from lms.courses.plugin import CoursesPlugin
    monkeypatch.setattr(CoursesPlugin, "jobs", lambda self: [JobSpec("courses.test_job", test_jobs.tick)])
    app = app_factory(fresh=True)
    assert "courses.test_job" in [s.id for s in collected_jobs(app)]


def test_two_jobs_with_one_id_stop_the_scheduler(jobs_app):
    jobs_app.extensions["lms"]["jobs"].append(JobSpec("core.housekeeping", test_jobs.tick))
    with pytest.raises(ValueError, match="two jobs"):
        collected_jobs(jobs_app)


def test_a_run_commits_once_and_is_recorded(jobs_app):
    assert run_job(jobs_app, spec(jobs_app, "test.write_unit"), "node-a") == "ok"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Unit.code == "JOB-OK")) == 1
    run = db.session.scalar(select(JobRun))
    assert (run.job_id, run.node, run.status, run.result) == ("test.write_unit", "node-a", "ok", "wrote one unit")
    assert run.finished_at >= run.started_at
    state = db.session.get(JobState, "test.write_unit")
    assert (state.last_status, state.total_runs, state.consecutive_failures) == ("ok", 1, 0)
    assert state.description == "writes a unit" and state.trigger == "interval: seconds=1"


def test_a_failing_run_is_rolled_back_and_counted(jobs_app, caplog):
    for _ in range(2):
        assert run_job(jobs_app, spec(jobs_app, "test.fail"), "node-a") == "error"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Unit.code == "JOB-FAIL")) == 0
    state = db.session.get(JobState, "test.fail")
    assert (state.last_status, state.consecutive_failures, state.total_failures) == ("error", 2, 2)
    assert "the job broke on purpose" in state.last_result and "Traceback" in state.last_error
    assert "job test.fail failed" in caplog.text
    run_job(jobs_app, spec(jobs_app, "test.write_unit"), "node-a")
    assert db.session.get(JobState, "test.write_unit").consecutive_failures == 0


def test_first_run_honours_the_persisted_schedule():
    now = utcnow()
    hourly = JobSpec("x", test_jobs.tick, "interval", {"hours": 1})
    nightly = JobSpec("y", test_jobs.tick, "cron", {"hour": 2})
    assert first_run_time(hourly, None, now) is None  # never scheduled: the trigger decides
    assert first_run_time(hourly, now - timedelta(minutes=5), now) == now  # missed: run at once
    assert first_run_time(hourly, now + timedelta(minutes=20), now) == now + timedelta(minutes=20)
    assert first_run_time(hourly, now + timedelta(hours=5), now) == now + timedelta(hours=1)  # interval shortened
    assert first_run_time(nightly, now - timedelta(hours=1), now) == now
    assert first_run_time(nightly, now + timedelta(hours=1), now) is None


def test_lease_leadership_one_holder_and_takeover_after_expiry(jobs_app):
    a, b = LeaseLeadership(jobs_app, "node-a"), LeaseLeadership(jobs_app, "node-b")
    assert a.acquire() is True
    assert b.acquire() is False
    assert a.renew() is True and a.acquire() is True
    db.session.execute(update(SchedulerLease).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()  # node-a stopped renewing (died)
    assert b.acquire() is True
    assert a.renew() is False  # node-a comes back: it must step down
    assert a.acquire() is False
    b.release()
    assert a.acquire() is True


def test_the_scheduler_process_runs_jobs_while_leading_and_stops_cleanly(jobs_app):
    process = SchedulerProcess(jobs_app, node="node-a")
    thread = threading.Thread(target=process.run)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            db.session.rollback()  # a fresh snapshot
            if db.session.scalar(select(func.count()).select_from(JobRun).where(
                    JobRun.job_id == "test.write_unit", JobRun.status == "ok")) >= 2:
                break
            time.sleep(0.2)
    finally:
        process.stopping.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
    db.session.expire_all()
    runs = list(db.session.scalars(select(JobRun).where(JobRun.job_id == "test.write_unit")))
    assert len(runs) >= 2 and {(r.node, r.status) for r in runs} == {("node-a", "ok")}
    assert db.session.scalar(select(func.count()).where(Unit.code == "JOB-OK")) == 1
    state = db.session.get(JobState, "core.housekeeping")
    assert state is not None and state.next_run_at is not None  # every job's next run is shown
    assert db.session.get(SchedulerLease, "scheduler") is None  # released on a clean stop


def test_a_standby_does_not_run_jobs(jobs_app):
    holder = leadership_for(jobs_app, "node-a")
    assert holder.acquire()
    try:
        process = SchedulerProcess(jobs_app, node="node-b")
        thread = threading.Thread(target=process.run)
        thread.start()
        time.sleep(1.5)
        process.stopping.set()
        thread.join(timeout=10)
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0
        if isinstance(holder, LeaseLeadership):
            holder.renew()
    finally:
        holder.release()


@pytest.mark.postgres
def test_advisory_lock_is_freed_when_the_holders_connection_dies(jobs_app):
    a, b = AdvisoryLockLeadership(jobs_app, "node-a"), AdvisoryLockLeadership(jobs_app, "node-b")
    try:
        assert a.acquire() is True
        assert b.acquire() is False
        assert a.renew() is True
        assert db.session.get(SchedulerLease, "scheduler").holder == "node-a"
        # The holder's session ends as if its process was killed: the server frees the lock.
        with db.engine.connect() as admin:
            from sqlalchemy import text
            admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE application_name = 'lms-scheduler node-a'"))
            admin.commit()
        assert a.renew() is False
        assert b.acquire() is True
        db.session.expire_all()
        assert db.session.get(SchedulerLease, "scheduler").holder == "node-b"
        assert a.acquire() is False
    finally:
        a.release()
        b.release()
