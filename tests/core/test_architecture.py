"""The plugin contract, checked: who imports whom, table prefixes, and names that line up."""
from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import pytest

from lms.core.db import db

LMS = Path(__file__).resolve().parents[2] / "lms"
TEMPLATES = LMS.parent / "templates"
PLUGIN_PACKAGES = sorted(p.name for p in LMS.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "core")


def imported_lms_packages(path: Path) -> set[str]:
    """The second-level lms packages a file imports (lms.courses -> 'courses'), including lazy imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lms" and len(parts) > 1:
                found.add(parts[1])
    return found


def python_files(package: str):
    return sorted((LMS / package).rglob("*.py"))


def test_there_are_plugins_to_check():
    assert {"courses", "quizzes", "certificates"} <= set(PLUGIN_PACKAGES)


def test_core_imports_no_plugin():
    offenders = {str(f.relative_to(LMS)): imported_lms_packages(f) & set(PLUGIN_PACKAGES) for f in python_files("core")}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("plugin", PLUGIN_PACKAGES)
def test_plugin_imports_no_other_plugin(plugin):
    others = set(PLUGIN_PACKAGES) - {plugin}
    offenders = {str(f.relative_to(LMS)): imported_lms_packages(f) & others for f in python_files(plugin)}
    assert {k: v for k, v in offenders.items() if v} == {}


def _owner(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "lms" else None


def test_tables_carry_their_package_prefix(app):
    for mapper in db.Model.registry.mappers:
        owner = _owner(mapper.class_.__module__)
        if owner is None:
            continue  # a test-only model
        for table in mapper.tables:
            assert table.name.startswith(f"{owner}_"), f"{mapper.class_.__name__}: table {table.name} lacks '{owner}_'"


def test_no_foreign_key_crosses_plugins(app):
    for table in db.metadata.tables.values():
        owner = table.name.split("_", 1)[0]
        for fk in table.foreign_keys:
            target = fk.column.table.name.split("_", 1)[0]
            assert target in (owner, "core"), f"{table.name} references {fk.column.table.name}"


def test_entry_points_blueprints_and_template_folders_line_up(app):
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group="lms.plugins")
                    if ep.value.startswith("lms.")}
    assert set(entry_points) == set(PLUGIN_PACKAGES)
    for name, entry_point in entry_points.items():
        assert entry_point.value == f"lms.{name}:plugin"
        plugin = entry_point.load()
        assert plugin.name == name
        blueprint = plugin.blueprint()
        if blueprint is not None:
            assert blueprint.name == name
            assert name in app.blueprints
        assert (TEMPLATES / name).is_dir(), f"templates/{name}/ is missing"
        for other in app.blueprints.values():
            if other.import_name.startswith(f"lms.{name}."):
                assert other.name.startswith(name), f"blueprint {other.name} of {name} must start with '{name}'"


def test_every_signal_is_documented_and_carries_a_frozen_payload():
    import dataclasses

    from lms.core.events import CATALOGUE
    for name, (signal, payload) in CATALOGUE.items():
        assert signal.__doc__ and "Payload" in signal.__doc__, name
        assert dataclasses.is_dataclass(payload) and payload.__dataclass_params__.frozen, name
