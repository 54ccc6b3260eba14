"""Support for browser journeys: the real app in a subprocess, Debian's Chromium through Playwright, log-in.

Usage (see tests/scorm/test_browser.py):

    server = start_server(tmp_path)          # a fresh SQLite database, migrated; server.url
    server.seed(lambda: ...)                 # run code in an app context on the same database (commits)
    def test_x(chromium): ...                # the session's headless /usr/bin/chromium (tests/conftest.py)
    login(page, server, "lecturer@example.vn", "password")
    server.stop()

Browser tests are marked `@pytest.mark.browser`. Where /usr/bin/chromium is missing they are skipped with
the reason, except on CI (CI=true), where they fail: CI must install it (`apt-get install -y chromium`).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SERVER_START_SECONDS = 60
LMS = Path(sys.executable).with_name("lms")


def require_chromium() -> None:
    """Skip (or, on CI, fail) when Chromium is not installed."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing on CI: install it with `apt-get install -y chromium`.")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); browser journeys need it.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    """The app served by `lms run` on 127.0.0.1, over its own instance folder and SQLite database."""

    instance: Path
    port: int
    env: dict = field(repr=False)
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.env["LMS_DATABASE_URL"]

    def app(self):
        """An app over the server's database (for seeding and checking), configured like the server."""
        from lms.core.app import create_app
        previous = {key: os.environ.get(key) for key in self.env if key.startswith("LMS_")}
        os.environ.update({k: v for k, v in self.env.items() if k.startswith("LMS_")})
        try:
            return create_app({"TESTING": True, "SERVER_NAME": None})
        finally:
            for key, value in previous.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def seed(self, work: Callable[[], object]):
        """Run `work()` in an app context on the server's database and commit; returns what it returned."""
        from lms.core.db import db
        app = self.app()
        with app.app_context():
            try:
                result = work()
                db.session.commit()
                return result
            finally:
                db.session.remove()
                db.engine.dispose()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(folder: Path, *, plugins: list[str] | None = None, extra_env: dict | None = None) -> LiveServer:
    """Migrate a fresh database in `folder` and serve the app on a free port; waits for /healthz."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    env.update({
        "LMS_INSTANCE_PATH": str(folder),
        "LMS_DATABASE_URL": "sqlite:///" + str(folder / "lms.sqlite3"),
        "LMS_SECRET_KEY": "browser-tests-" + os.urandom(8).hex(),
        "LMS_SESSION_COOKIE_SECURE": "false",
        "LMS_REMEMBER_COOKIE_SECURE": "false",
        "LMS_PUBLIC_BASE_URL": "http://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    })
    if plugins is not None:
        env["LMS_PLUGINS"] = ",".join(plugins)
    env.update(extra_env or {})
    subprocess.run([str(LMS), "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    server = LiveServer(instance=folder, port=free_port(), env=env, log=folder / "server.log")
    with open(server.log, "wb") as log:
        server.process = subprocess.Popen([str(LMS), "run", "--host", "127.0.0.1", "--port", str(server.port),
                                           "--no-reload", "--no-debugger"], env=env, stdout=log,
                                          stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the server did not answer within {SERVER_START_SECONDS}s:\n{server.log.read_text()[-3000:]}")


def launch_chromium(playwright):
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def set_expect_timeout(timeout_ms: int) -> None:
    """How long `expect()` waits in the tests that follow (journeys and packages set their own)."""
    from playwright.sync_api import expect
    expect.set_options(timeout=timeout_ms)


def login(page, server: LiveServer, identifier: str, password: str) -> None:
    """Log in through the real form; fails the test if the login page answers with an error."""
    page.goto(server.url + "/login")
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if page.url.rstrip("/").endswith("/login"):
        raise AssertionError(f"could not log in as {identifier}: {page.inner_text('main')[:300]}")


# Runs in every page and frame before the page's own scripts; the binding hands each event to Python.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  if (event.disposition === "enforce") {
    window.__lmsCspViolation(event.effectiveDirective, event.blockedURI, event.documentURI,
                             event.sourceFile + ":" + event.lineNumber, event.sample);
  }
}, true);
"""


class CspWatch:
    """Records every Content-Security-Policy violation in the contexts it watches, and, registered as a pytest
    plugin (the `chromium` fixture does), fails the test during which they happened, at its teardown."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def watch(self, context) -> None:
        """Record the violations of every page and frame `context` opens from now on."""
        context.expose_binding("__lmsCspViolation", self._record)
        context.add_init_script(_CSP_LISTENER)

    def _record(self, source, directive, blocked, document, where, sample) -> None:
        self.violations.append(f"{directive} blocked {blocked or '(inline)'} on {document} at {where}"
                               + (f": {sample!r}" if sample else ""))

    def install(self, browser) -> None:
        """Watch every context `browser` makes (also when a test reaches it as `context.browser`)."""
        new_context = browser.new_context

        def watched_context(**options):
            context = new_context(**options)
            self.watch(context)
            return context

        def unwatched_page(**options):
            raise TypeError("open pages in a context (browser.new_context().new_page()): the CSP watch sees those")
        browser.new_context = watched_context
        browser.new_page = unwatched_page

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item):
        # After the test's fixtures are gone: contexts closed, every event delivered.
        try:
            result = yield
        finally:
            found, self.violations[:] = list(self.violations), []
        if found:
            raise AssertionError("Content-Security-Policy violations:\n  " + "\n  ".join(found))
        return result


CSP_WATCH = CspWatch()  # one per session, like the browser; a context of another browser can join it with watch()
