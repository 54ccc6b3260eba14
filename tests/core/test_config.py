"""Configuration: defaults, then LMS_SETTINGS, then LMS_* variables; no default secret outside debug."""
from __future__ import annotations

import pytest

from lms.core.app import create_app
from lms.core.config import DEFAULT_SECRET_KEY, normalise_database_url


@pytest.fixture(autouse=True)
def no_inherited_settings(monkeypatch):
    """These tests set LMS_* themselves: whatever the calling shell exported must not leak in."""
    import os
    for key in list(os.environ):
        if key.startswith("LMS_") and not key.startswith("LMS_TEST_"):
            monkeypatch.delenv(key)


def test_refuses_default_secret_key_outside_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_SETTINGS", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is the default"):
        create_app({"PLUGINS": []})
    assert create_app({"PLUGINS": [], "DEBUG": True}).config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_settings_file_then_environment(monkeypatch, tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text('SECRET_KEY = "from-file"\nSITE_NAME = "Tỉnh A"\nPLUGINS = ["courses"]\n', encoding="utf-8")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_SETTINGS", str(settings))
    monkeypatch.setenv("LMS_SITE_NAME", "Tỉnh B")
    monkeypatch.setenv("LMS_PLUGINS", "quizzes, certificates")
    monkeypatch.setenv("LMS_LOGIN_MAX_FAILURES_PER_ACCOUNT", "9")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["SITE_NAME"] == "Tỉnh B"
    assert app.config["PLUGINS"] == ["quizzes", "certificates"]
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "lms.sqlite3")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_no_query_while_the_app_is_created(app_factory):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen = []

    def count(*args):
        seen.append(args[2])
    event.listen(Engine, "before_cursor_execute", count)
    try:
        app_factory()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert seen == []
