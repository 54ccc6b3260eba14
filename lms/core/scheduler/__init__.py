"""The scheduler: jobs declared in code (plugins' `jobs()` and the core's), run by `lms scheduler`.

Never started by the app factory or a web worker. See lms/core/scheduler/runner.py.
"""
from __future__ import annotations

from flask import Flask

from lms.core.scheduler import models  # noqa: F401  (tables join the metadata)


def init_app(app: Flask) -> None:
    """Called by the app factory."""
