"""Two nodes behind nginx (bench/two_nodes.py): the official's journey hops between two gunicorns on
every request, two schedulers elect one leader, each job runs once per trigger, and the standby
takes over when the leader is killed. Correctness only; the script's timings are not asserted.

Skipped when nginx (Debian package; `make browsers` installs it as root) is missing, except on CI
(CI=true), where a missing nginx is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def nginx_installed() -> bool:
    return bool(shutil.which("nginx")
                or any(os.access(p, os.X_OK) for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")))


@pytest.mark.postgres
@pytest.mark.slow
def test_two_nodes_behind_nginx_journey_hops_and_jobs_run_once():
    if not nginx_installed():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing on CI: install the Debian package (`make browsers` does, as root)")
        pytest.skip("nginx (Debian package) is missing")
    env = dict(os.environ, LMS_BENCH_SMOKE="1")
    if os.environ.get("LMS_TEST_POSTGRES_URL") and not os.environ.get("LMS_BENCH_POSTGRES_URL"):
        env["LMS_BENCH_POSTGRES_URL"] = os.environ["LMS_TEST_POSTGRES_URL"]
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "two_nodes.py"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    figures = json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])
    assert figures["journey_ok"] and figures["jobs_run_once"] and figures["one_leader"]
    assert figures["requests_per_node"]["a"] > 0 and figures["requests_per_node"]["b"] > 0
    assert figures["takeover_seconds"] < 60
