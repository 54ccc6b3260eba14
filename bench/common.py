"""Shared benchmark plumbing: a throw-away PostgreSQL database, the `lms` command, a results file."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LMS = str(ROOT / ".venv" / "bin" / "lms")
RESULTS = ROOT / "bench" / "results"
POSTGRES_SERVER = os.environ.get("LMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_postgres():
    """A fresh database on the PostgreSQL server, dropped afterwards; yields its URL."""
    import psycopg
    name = f"lms_bench_{uuid.uuid4().hex[:8]}"
    server = POSTGRES_SERVER.replace("+psycopg", "")
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def lms_env(database_url: str, instance: Path) -> dict:
    return dict(os.environ, LMS_DATABASE_URL=database_url, LMS_INSTANCE_PATH=str(instance),
                LMS_SECRET_KEY="bench", LMS_SETTINGS="",
                # plain HTTP on 127.0.0.1: cookies must not be Secure-only here
                LMS_SESSION_COOKIE_SECURE="false", LMS_REMEMBER_COOKIE_SECURE="false")


def run_measured(args: list[str], env: dict) -> dict:
    """Run a command as a child; its wall time and peak resident memory (the child alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-4000:])
        raise SystemExit(f"{args[:3]} failed with {done.returncode}")
    return {"seconds": round(seconds, 2), "peak_mb": round(max(peak_kb, before) / 1024, 1), "stdout": done.stdout}


def save_result(name: str, figures: dict) -> None:
    if os.environ.get("LMS_BENCH_SMOKE"):
        print(json.dumps(figures, ensure_ascii=False))  # a smoke run checks, it does not record
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {"scenario": name, "when": time.strftime("%Y-%m-%d %H:%M"), **figures}
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False))
