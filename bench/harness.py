"""The load-test harness: a gunicorn server on a scratch database, wrk for pages, httpx for journeys.

Every load is bounded in time and count and targets 127.0.0.1 only.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import LMS, ROOT, lms_env

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WRK_SCRIPT = str(ROOT / "bench" / "wrk_report.lua")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


@dataclass
class Server:
    """gunicorn serving the app over `database_url`; sampled for worker memory while it runs."""

    database_url: str
    workers: int = 4
    threads: int = 1
    instance: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lms-bench-")))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    _peak_rss_mb: float = 0.0
    _sampling: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict:
        return lms_env(self.database_url, self.instance)

    def lms(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([LMS, *args], env=self.env, capture_output=True, text=True, check=check)

    def start(self) -> None:
        log = open(self.instance / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(self.workers), "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}",
             "--max-requests", "0", "--timeout", "120", "lms.core.app:create_app()"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not become ready; see " + str(self.instance / "gunicorn.log"))

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def rss_mb(self) -> float:
        peak = 0.0
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            peak = max(peak, kb / 1024)
        return peak

    def sample_memory(self):
        """A context manager: while inside, the largest worker RSS is tracked."""
        server = self

        class Sampler:
            def __enter__(self):
                server._peak_rss_mb = server.rss_mb()
                server._sampling = True
                self.thread = threading.Thread(target=self.loop, daemon=True)
                self.thread.start()
                return self

            def loop(self):
                while server._sampling:
                    server._peak_rss_mb = max(server._peak_rss_mb, server.rss_mb())
                    time.sleep(0.2)

            def __exit__(self, *exc):
                server._sampling = False
                self.thread.join()

            @property
            def peak_mb(self):
                return round(server._peak_rss_mb, 1)
        return Sampler()


def query(server: Server, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the seeded database (which officials are enrolled where), to point scenarios at real rows."""
    import psycopg
    with psycopg.connect(server.database_url.replace("+psycopg", "")) as conn:
        return conn.execute(sql, params).fetchall()


def login(base_url: str, identifier: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=60)
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "identifier": identifier, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"log-in failed for {identifier}: {response.status_code}")
    return client


def cookie_header(client: httpx.Client) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def run_wrk(server: Server, paths: list[str], cookies: list[str], *, connections: int = 32, seconds: int = 15,
            threads: int = 2) -> dict:
    """GET `paths` (rotating) as the users whose cookies are given; returns wrk's figures and worker memory."""
    with tempfile.TemporaryDirectory() as tmp:
        cookie_file, path_file = Path(tmp) / "cookies", Path(tmp) / "paths"
        cookie_file.write_text("\n".join(cookies or [""]) + "\n")
        path_file.write_text("\n".join(paths) + "\n")
        env = dict(os.environ, WRK_COOKIES=str(cookie_file), WRK_PATHS=str(path_file))
        with server.sample_memory() as memory:
            out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                                  "--timeout", "30s", "-s", WRK_SCRIPT, server.base_url],
                                 env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = [text for text in out.stdout.splitlines() if text.startswith("{")]
    if not line:
        raise RuntimeError("wrk printed no report:\n" + out.stdout + out.stderr)
    figures = json.loads(line[-1])
    figures["rps"] = round(figures["requests"] / figures["duration_s"], 1)
    figures["peak_worker_mb"] = memory.peak_mb
    return figures


def run_journeys(server: Server, journey, users: list, *, concurrency: int = 32) -> dict:
    """Run `journey(user)` for each user with `concurrency` at once; each returns a list of request timings (s)."""
    timings, errors = [], []
    started = time.perf_counter()
    with server.sample_memory() as memory, ThreadPoolExecutor(max_workers=concurrency) as pool:
        for result in pool.map(lambda u: _safe(journey, u), users):
            if isinstance(result, Exception):
                errors.append(repr(result))
            else:
                timings.extend(result)
    figures = latency_figures(timings, time.perf_counter() - started, errors)
    figures["peak_worker_mb"] = memory.peak_mb
    return figures


def latency_figures(timings: list[float], elapsed: float, errors: list[str]) -> dict:
    """Count, rate and percentiles (ms) of request timings (s), with the first few errors."""
    timings = sorted(timings)

    def pct(p):
        return round(timings[min(len(timings) - 1, int(p / 100 * len(timings)))] * 1000, 2) if timings else None
    return {"requests": len(timings), "duration_s": round(elapsed, 3), "rps": round(len(timings) / elapsed, 1),
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "errors": len(errors),
            "error_samples": errors[:3]}


def _safe(journey, user):
    try:
        return journey(user)
    except Exception as exc:  # a failed journey is counted, not fatal to the run
        return exc


def timed(client: httpx.Client, method: str, url: str, timings: list, expect=(200, 302), **kwargs) -> httpx.Response:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    timings.append(time.perf_counter() - started)
    if response.status_code not in expect:
        raise RuntimeError(f"{method} {url}: {response.status_code}")
    return response
