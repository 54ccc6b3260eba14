"""A lean load generator for POST rushes (not a benchmark: no underscore, so bench/run.py does not run it).

Prebuilt HTTP/1.1 requests over asyncio, one connection each.

httpx in threads costs this process about 1.7 ms of CPU per request, taken from the same two cores as
the server under test: a tenth of a quiz submit's whole cost. Phones do not share the server's CPU, so
the rush phase sends its requests from here (about 0.2 ms each) and the server's figures are its own.
gunicorn's sync workers close the connection after each response, so each request opens its own.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.harness import latency_figures


@dataclass(frozen=True)
class Post:
    """One request: a path, the cookie header of the official sending it, and extra headers."""

    path: str
    cookie: str
    headers: tuple[tuple[str, str], ...] = ()
    start_at: float | None = None  # seconds after the rush starts (paced arrivals); None: at once


def _request_bytes(host: str, post: Post) -> bytes:
    lines = [f"POST {post.path} HTTP/1.1", f"Host: {host}", f"Cookie: {post.cookie}", "Content-Length: 0",
             "Connection: close", *(f"{name}: {value}" for name, value in post.headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _send(host: str, port: int, data: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        status_line = await reader.readline()
        await reader.read()  # headers and body, to the close
        return int(status_line.split()[1])
    finally:
        writer.close()


async def _rush(base_url: str, posts: list[Post], concurrency: int, expect: tuple[int, ...]) -> dict:
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port or 80
    pending = [(post, _request_bytes(f"{host}:{port}", post)) for post in reversed(posts)]
    timings, errors = [], []
    started = time.perf_counter()

    async def client():
        while pending:
            post, data = pending.pop()
            if post.start_at is not None:
                await asyncio.sleep(max(0.0, started + post.start_at - time.perf_counter()))
            began = time.perf_counter()
            try:
                status = await _send(host, port, data)
            except OSError as error:
                errors.append(f"{post.path}: {error!r}")
                continue
            timings.append(time.perf_counter() - began)
            if status not in expect:
                errors.append(f"{post.path}: {status}")

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return {"timings": timings, "errors": errors, "elapsed": time.perf_counter() - started}


def rush(base_url: str, posts: list[Post], *, concurrency: int, expect: tuple[int, ...] = (302,)) -> dict:
    """Send `posts`, `concurrency` in flight at once; figures shaped like harness.run_journeys'."""
    outcome = asyncio.run(_rush(base_url, posts, concurrency, expect))
    return latency_figures(outcome["timings"], outcome["elapsed"], outcome["errors"])
