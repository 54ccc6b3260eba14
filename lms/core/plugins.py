"""The plugin contract: one small base class, loaded from the `lms.plugins` entry-point group.

A plugin is a package exposing one `Plugin` instance. The app factory loads the enabled ones (config
`PLUGINS`), orders them by `requires`, and calls `init_app(app)` once per app. Everything a plugin
contributes is optional: a blueprint, models, migrations, translations, a CLI group, scheduled jobs,
signal receivers, activity types and navigation entries.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app

from lms.core import events

ENTRY_POINT_GROUP = "lms.plugins"


class PluginError(RuntimeError):
    """A plugin could not be loaded: unknown, broken, or missing what it requires."""


@dataclass(frozen=True)
class NavItem:
    """An entry in the main navigation. `visible(user)` decides who sees it."""

    endpoint: str
    label: Callable[[], str] | str
    order: int = 50
    visible: Callable[[object], bool] = lambda user: True


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: `func` runs in an app context, committed once by the scheduler.

    `trigger` and `trigger_args` are APScheduler's (e.g. "interval", {"minutes": 1}).
    """

    id: str
    func: Callable[[], object]
    trigger: str = "interval"
    trigger_args: dict = field(default_factory=lambda: {"minutes": 1})
    description: str = ""


class Plugin:
    """Base class. Subclasses set `name` and override what they contribute."""

    name: str = ""
    requires: tuple[str, ...] = ()
    default_config: dict = {}
    #: modules imported at init so that their models join the metadata
    model_modules: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._wrapped_receivers: dict = {}

    # -- what a plugin contributes -------------------------------------------------------------
    def blueprint(self) -> Blueprint | None:
        return None

    def cli(self) -> click.Group | None:
        return None

    def jobs(self) -> list[JobSpec]:
        return []

    def nav(self) -> list[NavItem]:
        return []

    def connect_signals(self) -> None:
        """Connect receivers with `self.connect(signal, func)`."""

    def setup(self, app: Flask) -> None:
        """Anything else: register activity types, template globals."""

    def seed_demo(self) -> None:
        """Add this plugin's demo content (runs after the core's demo people; must be idempotent)."""

    def seed_bench(self, context) -> None:
        """Add this plugin's share of a generated province (`lms bench seed`); `context` is a
        lms.core.bench_seed.SeedContext. Deterministic from `context.rng(self.name)`, set-based inserts."""

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def package_dir(self) -> Path:
        return Path(importlib.import_module(type(self).__module__).__file__).parent

    @property
    def migrations_dir(self) -> Path | None:
        path = self.package_dir / "migrations"
        return path if path.is_dir() else None

    @property
    def translations_dir(self) -> Path | None:
        path = self.package_dir / "translations"
        return path if path.is_dir() else None

    @property
    def table_prefix(self) -> str:
        return f"{self.name}_"

    def connect(self, signal, func) -> None:
        """Connect `func` to a signal so that it runs only in apps where this plugin is enabled.

        Signals are process-wide while apps (tests make many) enable different plugin sets.
        """
        signal.connect(self._gated(signal, func), weak=False)

    def connect_batch(self, signal, func, batch_func) -> None:
        """`connect`, plus `batch_func(sender, payloads=[...])` taking a batch sent with `events.send_many`."""
        events.connect_batch(signal, self._gated(signal, func), self._gated(signal, batch_func))

    def _gated(self, signal, func):
        """`func` wrapped to run only where this plugin is enabled; one wrapper per signal and function, so
        connecting again (a second app in the same process) adds no second receiver."""
        key = (id(signal), func)
        if key not in self._wrapped_receivers:
            name = self.name

            def receiver(sender, **kwargs):
                if name in current_app.extensions.get("lms", {}).get("plugins", {}):
                    return func(sender, **kwargs)
                return None

            receiver.__name__ = f"{name}.{func.__name__}"
            receiver.__wrapped__ = func  # inspect.unwrap() finds the plugin's own function (the event tests do)
            self._wrapped_receivers[key] = receiver
        return self._wrapped_receivers[key]

    def init_app(self, app: Flask) -> None:
        for module in self.model_modules:
            importlib.import_module(module)
        for key, value in self.default_config.items():
            app.config.setdefault(key, value)
        blueprint = self.blueprint()
        if blueprint is not None:
            app.register_blueprint(blueprint)
        group = self.cli()
        if group is not None:
            app.cli.add_command(group, self.name)
        self.connect_signals()
        self.setup(app)


def discover() -> dict[str, object]:
    """Every entry point in the group, by name, not yet loaded."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_plugins(enabled: list[str], extra: dict[str, Plugin] | None = None) -> dict[str, Plugin]:
    """Load the enabled plugins in dependency order, or fail with a message that names the problem."""
    available = discover()
    extra = extra or {}
    loaded: dict[str, Plugin] = {}
    for name in enabled:
        if name in extra:
            plugin = extra[name]
        elif name in available:
            try:
                plugin = available[name].load()
            except Exception as exc:  # a broken plugin must stop start-up, loudly and by name
                raise PluginError(f"Plugin '{name}' failed to load ({available[name].value}): {exc}") from exc
        else:
            known = ", ".join(sorted(set(available) | set(extra))) or "none"
            raise PluginError(f"Unknown plugin '{name}' in PLUGINS (installed: {known}).")
        if not isinstance(plugin, Plugin):
            raise PluginError(f"Plugin '{name}' is not an lms.core.plugins.Plugin instance.")
        if plugin.name != name:
            raise PluginError(f"Entry point '{name}' names a plugin called '{plugin.name}'.")
        loaded[name] = plugin
    return _order_by_requirements(loaded)


def _order_by_requirements(loaded: dict[str, Plugin]) -> dict[str, Plugin]:
    ordered: dict[str, Plugin] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise PluginError(f"Plugins require each other in a cycle through '{name}'.")
        visiting.add(name)
        for required in loaded[name].requires:
            if required not in loaded:
                raise PluginError(f"Plugin '{name}' requires plugin '{required}', which is not enabled.")
            visit(required)
        visiting.discard(name)
        ordered[name] = loaded[name]

    for name in loaded:
        visit(name)
    return ordered


def enabled_plugins(app: Flask | None = None) -> dict[str, Plugin]:
    app = app or current_app
    return app.extensions["lms"]["plugins"]
