"""The load scenarios. Each takes the running server and the run's settings and returns its figures.

A scenario whose plugin or page is missing says so (`skipped`) instead of failing the run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import httpx

from bench.harness import Server, cookie_header, login, run_journeys, run_wrk, timed

PASSWORD = "bench12345"


@dataclass
class Settings:
    seconds: int = 15
    connections: int = 32
    users: int = 32
    smoke: bool = False


def official_logins(n: int) -> list[str]:
    return [f"BS{i * 7:07d}" for i in range(n)]


def _sessions(server: Server, identifiers: list[str]) -> list[str]:
    return [cookie_header(login(server.base_url, identifier, PASSWORD)) for identifier in identifiers]


def bare(server: Server, settings: Settings) -> dict:
    """The ceiling: a route that touches nothing, on the same server in the same run."""
    return run_wrk(server, ["/ping"], [], connections=settings.connections, seconds=settings.seconds)


def log_in(server: Server, settings: Settings) -> dict:
    """GET the form, POST the credentials (scrypt makes this deliberately costly)."""
    def journey(identifier):
        timings = []
        client = httpx.Client(base_url=server.base_url, timeout=60)
        page = timed(client, "GET", "/login", timings)
        from bench.harness import csrf_token
        timed(client, "POST", "/login", timings, expect=(302,),
              data={"csrf_token": csrf_token(page.text), "identifier": identifier, "password": PASSWORD})
        return timings
    users = official_logins(settings.users * (1 if settings.smoke else 4))
    return run_journeys(server, journey, users, concurrency=settings.connections)


def officials_list(server: Server, settings: Settings) -> dict:
    """A unit manager's searchable list of the officials of the province (50 a page)."""
    cookies = _sessions(server, ["bench-manager@binhson.example.vn"])
    return run_wrk(server, ["/org/officials", "/org/officials?q=nguyen", "/org/officials?page=40"], cookies,
                   connections=settings.connections, seconds=settings.seconds)


def home_page(server: Server, settings: Settings) -> dict:
    """The home page of a logged-in official."""
    cookies = _sessions(server, official_logins(settings.users))
    return run_wrk(server, ["/"], cookies, connections=settings.connections, seconds=settings.seconds)


def records_manager_pages(server: Server, settings: Settings) -> dict:
    """The training record for the province's unit manager: the dashboard, the report, a commune's who-is-behind."""
    cookies = _sessions(server, ["bench-manager@binhson.example.vn"])
    return run_wrk(server, ["/records/dashboard", "/records/report", "/records/dashboard/behind?unit=2"], cookies,
                   connections=settings.connections, seconds=settings.seconds)


def records_own_record(server: Server, settings: Settings) -> dict:
    """An official's own training record page (this year, with requirement progress)."""
    cookies = _sessions(server, official_logins(settings.users))
    return run_wrk(server, ["/records/"], cookies, connections=settings.connections, seconds=settings.seconds)


SCENARIOS: dict[str, Callable[[Server, Settings], dict]] = {
    "bare endpoint (/ping)": bare,
    "log in": log_in,
    "official's home page": home_page,
    "officials list (unit manager)": officials_list,
    "training record: official's own record": records_own_record,
    "training record: dashboard, report, who is behind (province manager)": records_manager_pages,
}
