"""Alembic, wired for a core and its plugins: one version branch per package, upgraded to all heads.

The core's migrations live in lms/core/migrations/versions (branch "core"); a plugin's in
<plugin>/migrations/versions (branch named like the plugin, depending on the core). Only enabled
plugins' branches are seen, so a plugin that is off leaves no tables.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app

from lms.core.plugins import enabled_plugins

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def version_locations() -> dict[str, Path]:
    locations = {"core": CORE_MIGRATIONS / "versions"}
    for name, plugin in enabled_plugins().items():
        if plugin.migrations_dir is not None:
            locations[name] = plugin.migrations_dir / "versions"
    return locations


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in version_locations().values()))
    cfg.attributes["flask_app"] = current_app._get_current_object()
    return cfg


def upgrade(revision: str = "heads") -> None:
    command.upgrade(alembic_config(), revision)


def current_heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def revision(message: str, package: str = "core", autogenerate: bool = True) -> None:
    """Write a new migration for `package` (core or a plugin), comparing models with the database."""
    cfg = alembic_config()
    locations = version_locations()
    if package not in locations:
        raise SystemExit(f"No migrations folder for '{package}': create {package}/migrations/versions first.")
    script = ScriptDirectory.from_config(cfg)
    has_branch = any(package in (rev.branch_labels or ()) for rev in script.walk_revisions())
    cfg.attributes["only_prefix"] = f"{package}_"
    kwargs = dict(message=message, autogenerate=autogenerate, version_path=str(locations[package]))
    if has_branch:
        kwargs["head"] = f"{package}@head"
    else:
        kwargs.update(head="base", branch_label=package)
        if package != "core":
            kwargs["depends_on"] = ["core@head"]
            core_head = script.get_revision("core@head")
            kwargs["depends_on"] = [core_head.revision]
    command.revision(cfg, **kwargs)
