"""Test fixtures: a real database (SQLite file or a fresh PostgreSQL database), migrated once per run.

LMS_TEST_DATABASE=sqlite (default) or postgres; LMS_TEST_POSTGRES_URL names the server
(default postgresql://postgres@127.0.0.1:5432/postgres).

Apps are built once per session and configuration (building one compiles the URL map and the templates),
and each test runs inside one database transaction that is rolled back afterwards: the session is bound to
that connection and commits become SAVEPOINT releases, so tests commit like views do and still leave nothing
behind. Tests that need real commits (several connections, threads or processes: concurrency, the scheduler,
worker processes) are marked `commits` (every `postgres` test is too); their tables are emptied afterwards.
"""
from __future__ import annotations

import copy
import itertools
import os
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from flask import Flask, g
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.orm import scoped_session

from lms.core.app import create_app
from lms.core.db import db

BACKEND = os.environ.get("LMS_TEST_DATABASE", "sqlite")
POSTGRES_SERVER = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ALL_PLUGINS = ["courses", "quizzes", "certificates", "scorm", "records"]


def pytest_configure(config):
    """The suite configures every app itself: settings exported by the calling shell must not leak in."""
    for name in [name for name in os.environ if name.startswith("LMS_") and not name.startswith("LMS_TEST_")]:
        del os.environ[name]


def pytest_sessionstart(session):
    """Compile any catalogue whose .po is newer than its .mo (a merge or an edit since `make`)."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    for po in Path(__file__).resolve().parents[1].glob("lms/**/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="runs in the PostgreSQL pass (LMS_TEST_DATABASE=postgres)")
    skip_once = pytest.mark.skip(reason="uses no database of the suite's: runs once, in the SQLite pass")
    for item in items:
        if "postgres" in item.keywords and BACKEND != "postgres":
            item.add_marker(skip_pg)
        if "once" in item.keywords and BACKEND != "sqlite":
            item.add_marker(skip_once)


def _pg_url(dbname: str) -> str:
    from lms.core.config import normalise_database_url
    base = normalise_database_url(POSTGRES_SERVER)
    return base.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    name = f"lms_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_pg_url(POSTGRES_SERVER.rsplit("/", 1)[1] or "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        _dispose_apps()
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def instance_root(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def make_config(database_url, instance_root, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "PLUGINS": ALL_PLUGINS,
        "STORAGE_PATH": str(instance_root / "storage"),
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


# --- apps, built once per configuration ----------------------------------------------------------

_apps: dict[str, Flask] = {}
_pristine: dict[int, tuple[dict, dict]] = {}


def _copied(value, depth: int = 3):
    """Dicts and lists copied a few levels down (what tests change in place); other objects shared."""
    if depth and isinstance(value, dict):
        return {key: _copied(item, depth - 1) for key, item in value.items()}
    if depth and isinstance(value, list):
        return [_copied(item, depth - 1) for item in value]
    return value


def _build_app(database_url, instance_root, overrides: dict) -> Flask:
    app = create_app(make_config(database_url, instance_root, **overrides))
    # Requests reuse the test's app context (Flask does when one is active): give each request
    # a fresh `g`, as production has, so nothing (like Flask-Login's cached user) leaks between them.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    _pristine[id(app)] = (copy.copy(dict(app.config)), _copied(app.extensions))
    return app


def _restore(app: Flask) -> None:
    """Undo what a test changed on a shared app: its config, and what plugins keep in app.extensions
    (providers swapped in, jobs added, per-process caches filled)."""
    config, extensions = _pristine[id(app)]
    app.config.clear()
    app.config.update(config)
    app.extensions.clear()
    app.extensions.update(_copied(extensions))


def _cached_app(database_url, instance_root, overrides: dict) -> Flask:
    key = repr(sorted(overrides.items()))
    if key not in _apps:
        _apps[key] = _build_app(database_url, instance_root, overrides)
    return _apps[key]


def _dispose_apps() -> None:
    for app in _apps.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    _apps.clear()


@pytest.fixture(scope="session")
def migrated(database_url, instance_root):
    """Build the schema with the real migrations (not create_all): the migrations are under test too."""
    os.environ["LMS_INSTANCE_PATH"] = str(instance_root)
    app = _cached_app(database_url, instance_root, {})
    with app.app_context():
        from lms.core import migrate
        migrate.upgrade()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in set(inspect(db.engine).get_table_names())]
        # Every test starts from empty tables, whatever rows a migration adds (an example requirement)
        # and whatever tests with real commits ran before it (they empty the tables after them).
        _empty_tables([t.name for t in tables])
        db.session.remove()
        db.engine.dispose()
    return [t.name for t in tables]


def _empty_tables(table_names: list[str]) -> None:
    if not table_names:
        return
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in table_names) + " RESTART IDENTITY CASCADE"))
    else:
        for name in table_names:
            db.session.execute(text(f'DELETE FROM "{name}"'))
        if "sqlite_sequence" in inspect(db.engine).get_table_names():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


class _BoundSession(FlaskSession):
    """A session that always uses the test's connection, whichever app asks."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class _TestSession(scoped_session):
    """One session for the whole test, whatever app contexts the test, its requests, its CLI commands and
    its jobs push: sessions sharing one connection would nest their SAVEPOINTs, and one closing after
    another committed would undo the other's work. Ending an app context only clears a failed transaction;
    the fixture closes the session at the end of the test."""

    def remove(self) -> None:
        if self.registry.has() and not self.registry().is_active:
            self.registry().rollback()


_test_connection = None  # the connection of the running test's transaction, if it has one


@contextmanager
def _rolled_back(engine):
    """Everything inside runs in one transaction on one connection, rolled back at the end; commits
    release SAVEPOINTs. SQLite needs the BEGIN emitted by hand for its SAVEPOINTs to nest (pysqlite
    otherwise starts transactions itself, and the first RELEASE would commit)."""
    global _test_connection
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    shared = db.session
    db.session = _TestSession(db._make_session_factory({
        "bind": connection, "join_transaction_mode": "create_savepoint", "class_": _BoundSession}),
        scopefunc=lambda: "test")
    _test_connection = connection
    try:
        yield connection
    finally:
        _test_connection = None
        db.session.registry().close()
        db.session = shared
        transaction.rollback()
        if sqlite:
            connection.connection.driver_connection.isolation_level = ""
        connection.close()


def _needs_real_commits(node) -> bool:
    """Browser tests serve the app from a thread (its own connections), so they commit for real too."""
    return any(node.get_closest_marker(name) is not None for name in ("commits", "postgres", "browser"))


@pytest.fixture
def app_factory(request, database_url, instance_root, migrated):
    """The app for a configuration: `app_factory(PLUGINS=[...], ...)` overrides config; built once per
    configuration and shared. `fresh=True` builds a new one (a second worker process, say)."""
    used: list[Flask] = []
    fresh_apps: list[Flask] = []

    def factory(*, fresh: bool = False, **overrides):
        if fresh:
            app = _build_app(database_url, instance_root, overrides)
            fresh_apps.append(app)
        else:
            app = _cached_app(database_url, instance_root, overrides)
        used.append(app)
        return app

    base = _cached_app(database_url, instance_root, {})
    if _needs_real_commits(request.node):
        yield factory
        with base.app_context():
            db.session.rollback()
            _empty_tables(migrated)
            db.session.remove()
    else:
        with base.app_context():
            engine = db.engine
        with _rolled_back(engine):
            yield factory
    for app in set(used):
        if app not in fresh_apps:
            _restore(app)
    for app in fresh_apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- the browser, started once per session -------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's sync driver; one per session (a second one cannot start while it runs)."""
    from tests.browser_support import require_chromium
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver, request):
    """Debian's Chromium, headless, shared by every browser test; each test opens its own context. A test
    during which a page breaks its Content-Security-Policy fails at its teardown (CspWatch)."""
    from tests.browser_support import CSP_WATCH, launch_chromium
    browser = launch_chromium(playwright_driver)
    CSP_WATCH.install(browser)
    request.config.pluginmanager.register(CSP_WATCH, "csp-watch")
    yield browser
    request.config.pluginmanager.unregister(CSP_WATCH)
    browser.close()


# --- factories -----------------------------------------------------------------------------------

_seq = itertools.count(1)


@pytest.fixture
def make_unit(app):
    from lms.core.models import Unit, UnitLevel
    from lms.core.services.org import set_parent

    def factory(name="Sở Nội vụ", *, parent=None, level=UnitLevel.province, code=None, **kw):
        unit = Unit(code=code or f"U{next(_seq):05d}", name_vi=name, name_en=kw.pop("name_en", ""), level=level,
                    path="/", **kw)
        db.session.add(unit)
        db.session.flush()
        set_parent(unit, parent)
        db.session.flush()
        return unit
    return factory


@pytest.fixture
def make_official(app, make_unit):
    from lms.core.models import Official, OfficialKind

    def factory(name="Nguyễn Văn An", *, unit=None, code=None, born=date(1985, 3, 14), **kw):
        person = Official(employee_code=code or f"CB{next(_seq):06d}", full_name=name, date_of_birth=born,
                          unit_id=(unit or make_unit()).id, kind=kw.pop("kind", OfficialKind.civil_servant), **kw)
        db.session.add(person)
        db.session.flush()
        return person
    return factory


@pytest.fixture
def make_school(app, make_unit):
    from lms.core.models import School

    def factory(name="Trường Chính trị tỉnh", *, unit=None, code=None, **kw):
        school = School(code=code or f"S{next(_seq):05d}", name_vi=name, unit_id=(unit or make_unit()).id,
                        place=kw.pop("place", "Sơn Hà"), signer_title=kw.pop("signer_title", "HIỆU TRƯỞNG"),
                        signer_name=kw.pop("signer_name", "Trần Minh Đức"), **kw)
        db.session.add(school)
        db.session.flush()
        return school
    return factory


@pytest.fixture
def make_user(app):
    from lms.core.models import User
    from lms.core.permissions import grant

    def factory(email=None, *, password="correct horse", official=None, roles=(), **kw):
        user = User(email=email or f"user{next(_seq)}@example.vn", display_name=kw.pop("name", "Người dùng"),
                    official_id=official.id if official else None,
                    login_code=official.employee_code if official else kw.pop("login_code", None), **kw)
        user.set_password(password)
        db.session.add(user)
        for role in roles:
            if isinstance(role, tuple):
                grant(user, role[0], **role[1])
            else:
                grant(user, role)
        db.session.flush()
        return user
    return factory


@pytest.fixture
def login(client):
    """Log `user` in through the real form; returns the client."""
    def do(user, password="correct horse"):
        db.session.commit()
        response = client.post("/login", data={"identifier": user.email or user.login_code, "password": password})
        assert response.status_code == 302, response.data[:500]
        return client
    return do


# --- observation helpers -------------------------------------------------------------------------

@pytest.fixture
def recorded_events():
    """Record every signal of the catalogue sent during the test: [(name, payload), ...]."""
    from lms.core.events import CATALOGUE
    seen = []
    receivers = []
    for name, (signal, _payload) in CATALOGUE.items():
        def receiver(sender, payload=None, _name=name, **kw):
            seen.append((_name, payload))
        signal.connect(receiver)
        receivers.append((signal, receiver))
    yield seen
    for signal, receiver in receivers:
        signal.disconnect(receiver)


HARNESS_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def count_queries(app):
    """`with count_queries() as n: ...` then `n.count` is the number of SQL statements run."""
    @contextmanager
    def counter():
        class Box:
            count = 0
            statements: list = []
        box = Box()
        box.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith(HARNESS_STATEMENTS):
                return
            box.count += 1
            box.statements.append(statement)
        target = _test_connection if _test_connection is not None else db.engine
        event.listen(target, "before_cursor_execute", before)
        try:
            yield box
        finally:
            event.remove(target, "before_cursor_execute", before)
    return counter


def bench_seed_in_two_databases(runner, args: list[str], sample, other_database: str, instance_root):
    """`lms bench seed ARGS` here and in a second, fresh database: what `sample()` reads in each."""
    from lms.core import migrate
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    here = sample()
    other = create_app(make_config(other_database, instance_root))
    with other.app_context():
        migrate.upgrade()
        result = other.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        there = sample()
        db.session.remove()
        db.engine.dispose()
    return here, there
