"""`make test`: the whole suite on SQLite, then on PostgreSQL.

PostgreSQL is used when LMS_TEST_POSTGRES_URL is set or 127.0.0.1:5432 answers; on CI (CI=true) it
must answer, so that both databases are always exercised there.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys

POSTGRES_URL = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_answers() -> bool:
    from urllib.parse import urlsplit
    parts = urlsplit(POSTGRES_URL.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=3):
            return True
    except OSError:
        return False


def run(backend: str, extra: list[str]) -> int:
    env = dict(os.environ, LMS_TEST_DATABASE=backend)
    print(f"\n=== tests on {backend} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *extra], env=env)


def main() -> int:
    extra = sys.argv[1:]
    have_pg = bool(os.environ.get("LMS_TEST_POSTGRES_URL")) or postgres_answers()
    if not have_pg and os.environ.get("CI"):
        print("PostgreSQL does not answer at", POSTGRES_URL, "- CI must test both databases.", file=sys.stderr)
        return 2
    sqlite_status = run("sqlite", extra)
    if not have_pg:
        print("PostgreSQL does not answer: only SQLite was tested.", file=sys.stderr)
        return sqlite_status
    # Browser journeys run once (in the SQLite pass): they start their own server and database.
    pg_status = run("postgres", ["-m", "not browser", *extra])
    return sqlite_status or pg_status


if __name__ == "__main__":
    sys.exit(main())
