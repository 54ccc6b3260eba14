"""CI runs the load scenarios small: a tiny province, two seconds each, and checks they run without error.

No timing is asserted: speed is measured by `bench/run.py` and reported in bench/README.md.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None and not os.environ.get("CI"), reason="wrk (Debian package) is missing")
def test_benchmark_smoke_run_has_no_errors():
    env = dict(os.environ, LMS_BENCH_SMOKE="1")
    # The HTTP scenarios; the per-area scripts (bench/<area>_*.py) are measured by full runs.
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--only-http"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert '"errors": 0' in done.stdout
