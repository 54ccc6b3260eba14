"""The `lms` console script is the app's Flask CLI: it creates and migrates the database it is given."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

# Each test gives the console script a SQLite database of its own: it runs once, in the SQLite pass.
pytestmark = pytest.mark.once
LMS = str(Path(sys.executable).parent / "lms")


def run(args, tmp_path, **env):
    environment = dict(os.environ, LMS_INSTANCE_PATH=str(tmp_path), LMS_SECRET_KEY="cli-test", LMS_SETTINGS="",
                       LMS_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}", **env)
    return subprocess.run([LMS, *args], env=environment, capture_output=True, text=True, timeout=120)


def test_help_lists_the_core_commands(tmp_path):
    result = run(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("run", "db", "import-officials", "import-units", "users", "demo", "shell", "routes"):
        assert command in result.stdout


def test_db_upgrade_creates_the_database_and_is_repeatable(tmp_path):
    first = run(["db", "upgrade"], tmp_path)
    assert first.returncode == 0, first.stderr
    again = run(["db", "upgrade"], tmp_path)
    assert again.returncode == 0, again.stderr
    tables = sa.inspect(sa.create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")).get_table_names()
    assert {"core_users", "core_units", "core_officials", "alembic_version"} <= set(tables)


def test_only_enabled_plugins_get_tables(tmp_path):
    result = run(["db", "upgrade"], tmp_path, LMS_PLUGINS="")
    assert result.returncode == 0, result.stderr
    tables = sa.inspect(sa.create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")).get_table_names()
    assert all(t.startswith("core_") or t == "alembic_version" for t in tables)


def test_unknown_plugin_is_a_clear_failure(tmp_path):
    result = run(["db", "upgrade"], tmp_path, LMS_PLUGINS="courses,nosuch")
    assert result.returncode != 0
    assert "Unknown plugin 'nosuch'" in result.stderr


def test_demo_seed_is_idempotent(tmp_path):
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    first = run(["demo", "seed"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin@sonha.example.vn" in first.stdout and "sonha-demo-2026" in first.stdout
    second = run(["demo", "seed"], tmp_path)
    assert second.returncode == 0, second.stderr
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with engine.connect() as conn:
        # 50 who log in with the demo password, 4 waiting for an activation letter
        assert conn.execute(sa.text("SELECT count(*) FROM core_officials")).scalar() == 54
        assert conn.execute(
            sa.text("SELECT count(*) FROM core_users WHERE email = 'admin@sonha.example.vn'")).scalar() == 1
