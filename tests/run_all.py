"""`make test`: the whole suite on SQLite and on PostgreSQL, the two passes at the same time.

Each pass is one process with its own database and temporary folder, so the two share the machine's
cores. The browser tests (Chromium and live servers of their own, on SQLite) run once, in the SQLite
pass, which is the shorter one without them. PostgreSQL is used when LMS_TEST_POSTGRES_URL is set or
127.0.0.1:5432 answers; on CI (CI=true) it must answer, so that both databases are always exercised there.
Extra arguments go to both passes: `tests/run_all.py -k quiz`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NOTHING_SELECTED = 5  # pytest's exit code when no test was selected
POSTGRES_URL = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_answers() -> bool:
    from urllib.parse import urlsplit
    parts = urlsplit(POSTGRES_URL.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=3):
            return True
    except OSError:
        return False


@dataclass
class Pass:
    name: str
    backend: str
    markers: str | None = None

    def start(self, folder: Path, extra: list[str]) -> tuple[subprocess.Popen, Path, float]:
        log = folder / f"{self.name}.log"
        env = dict(os.environ, LMS_TEST_DATABASE=self.backend)
        selection = ["-m", self.markers] if self.markers else []
        command = [sys.executable, "-m", "pytest", *selection, f"--basetemp={folder / self.name}", *extra]
        with log.open("wb") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        return process, log, time.monotonic()


def run_together(passes: list[Pass], extra: list[str], folder: Path) -> int:
    """Start every pass, then print each one's whole output as it ends (the first to end first)."""
    running = []
    for one in passes:
        print(f"=== tests on {one.name}: started", flush=True)
        running.append((one, *one.start(folder, extra)))
    status = 0
    while running:
        time.sleep(1)
        for entry in [e for e in running if e[1].poll() is not None]:
            one, process, log, started = entry
            running.remove(entry)
            print(f"\n=== tests on {one.name}: exit {process.returncode} "
                  f"after {time.monotonic() - started:.0f} s", flush=True)
            sys.stdout.write(log.read_text(errors="replace"))
            sys.stdout.flush()
            if process.returncode != NOTHING_SELECTED:  # `-k` may leave a pass with nothing to run
                status = status or process.returncode
    return status


def main() -> int:
    extra = sys.argv[1:]
    have_pg = bool(os.environ.get("LMS_TEST_POSTGRES_URL")) or postgres_answers()
    if not have_pg and os.environ.get("CI"):
        print("PostgreSQL does not answer at", POSTGRES_URL, "- CI must test both databases.", file=sys.stderr)
        return 2
    passes = [Pass("sqlite", "sqlite")]
    if have_pg:
        passes.append(Pass("postgres", "postgres", "not browser"))
    else:
        print("PostgreSQL does not answer: only SQLite is tested.", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="lms-tests-") as folder:
        return run_together(passes, extra, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
