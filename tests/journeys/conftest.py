"""End-to-end journeys in Debian's Chromium, through the UI only, on the demo province.

Each journey module gets its own server (`lms run` on 127.0.0.1, a fresh SQLite database, `lms demo seed`
run against it first), so journeys never see each other's data. An `Actor` is one person's browser
context: `check()` runs axe-core on the page as it is (no serious or critical violation; at phone width,
nothing wider than the screen), `shot()` saves docs/screenshots/<name>-phone.png and -desktop.png
(viewport-only, so the files stay small) and checks the page at both sizes.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser_support import LMS, require_chromium, set_expect_timeout, start_server
from tests.journeys.helpers import TIMEOUT_MS, Actor


@pytest.fixture(scope="module")
def server():
    require_chromium()
    # Not under pytest's basetemp: a second pytest session started meanwhile (another job on the same
    # machine) prunes old basetemp folders, and would delete the database under the running server.
    folder = Path(tempfile.mkdtemp(prefix="lms-journey-"))
    live = start_server(folder / "instance")
    try:
        seeded = subprocess.run([str(LMS), "demo", "seed"], env=live.env, capture_output=True, text=True,
                                timeout=300)
        assert seeded.returncode == 0, f"lms demo seed failed:\n{seeded.stdout}\n{seeded.stderr}"
        yield live
    finally:
        live.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(server, chromium):
    set_expect_timeout(TIMEOUT_MS)
    return chromium


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, add the end of the server's log to the report."""
    outcome = yield
    report = outcome.get_result()
    live = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if report.failed and live is not None and live.log and live.log.exists():
        report.sections.append(("server log (end)", live.log.read_text(errors="replace")[-4000:]))


@pytest.fixture
def actor(browser, server):
    """`actor(identifier, viewport=...)`: a logged-in browser context, closed after the test."""
    made: list[Actor] = []

    def make(identifier: str, **kwargs) -> Actor:
        person = Actor(browser, server, identifier, **kwargs)
        made.append(person)
        return person
    yield make
    for person in made:
        person.close()
