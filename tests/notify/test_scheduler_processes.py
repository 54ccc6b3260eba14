"""Two real `lms scheduler` processes over one database: one leads, each trigger runs once, and
when the leader is killed (SIGKILL) the standby takes over well within a minute.

Runs in both passes: on PostgreSQL (advisory lock) and on SQLite (lease row).
"""
import json
import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.core.db import db
from lms.core.scheduler.models import JobRun, SchedulerLease

pytestmark = pytest.mark.commits  # scheduler processes read what the test committed
REPO = Path(__file__).resolve().parents[2]
TICK = [{"id": "test.tick", "func": "tests.notify.jobs:tick", "trigger": "interval", "trigger_args": {"seconds": 1}}]


def start(database_url: str, tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=database_url, LMS_SECRET_KEY="test-secret-for-processes",
        LMS_INSTANCE_PATH=str(tmp_path / "instance"), LMS_PLUGINS="[]",
        LMS_SCHEDULER_EXTRA_JOBS=json.dumps(TICK), LMS_SCHEDULER_POLL_SECONDS="0.5",
        LMS_SCHEDULER_HEARTBEAT_SECONDS="0.5", LMS_SCHEDULER_LEASE_SECONDS="3", LMS_MAIL_DRAIN_SECONDS="3600",
        PYTHONPATH=str(REPO),
    )
    log_path = tmp_path / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "lms.cli", "scheduler"], cwd=REPO, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    return process, log_path


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot each time
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def tick_runs() -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).where(JobRun.job_id == "test.tick").order_by(JobRun.started_at)))


def assert_once_per_trigger(runs: list[JobRun]) -> None:
    """Interval 1 s: two runs of one trigger would start at (nearly) the same moment."""
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in pairwise(runs)]
    assert all(gap >= 0.5 for gap in gaps), gaps


@pytest.mark.slow
def test_two_schedulers_one_leader_each_trigger_once_and_takeover_after_kill(app, database_url, tmp_path):
    processes = []
    try:
        leader, leader_log = start(database_url, tmp_path, "a")
        processes.append(leader)
        node_a = wait_for(lambda: db.session.scalar(select(SchedulerLease.holder)), 30, "a leader")
        assert node_a.endswith(f":{leader.pid}")
        standby, standby_log = start(database_url, tmp_path, "b")
        processes.append(standby)
        wait_for(lambda: b"standby" in standby_log.read_bytes(), 30, "the second process to stand by")
        time.sleep(4)

        before = tick_runs()
        assert len(before) >= 3
        assert {run.node for run in before} == {node_a}, "only the leader runs jobs"
        assert_once_per_trigger(before)

        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        killed_at = time.monotonic()
        first_b = wait_for(lambda: [r for r in tick_runs() if r.node != node_a], 60, "the standby to take over")
        takeover = time.monotonic() - killed_at
        assert takeover < 60
        node_b = first_b[0].node
        assert node_b.endswith(f":{standby.pid}")
        time.sleep(3)

        standby.send_signal(signal.SIGTERM)
        assert standby.wait(timeout=20) == 0  # a clean stop
        runs = tick_runs()
        after_kill = [r for r in runs if r.node != node_a]
        assert {r.node for r in after_kill} == {node_b} and len(after_kill) >= 3
        assert_once_per_trigger(runs)
        assert all(r.status == "ok" for r in after_kill)
        assert db.session.scalar(select(SchedulerLease.holder)) is None  # released on SIGTERM
        print(f"takeover after SIGKILL: {takeover:.1f}s ({db.engine.dialect.name})")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        for log in sorted(tmp_path.glob("*.log")):  # shown by pytest when the test fails
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")
