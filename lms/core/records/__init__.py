"""The training record: credits, requirements, plans and provincial reports (part of the core).

`init_app(app)` is called by the core's `register_core`: it adds the tables to the metadata,
connects the receivers of the certificate, class and merger events, and registers the pages,
the JSON API, the commands and the navigation entries.
"""
from __future__ import annotations

from flask import Flask

DEFAULT_CONFIG = {
    # An outside record with more periods than this is refused as implausible (ten weeks of 40 periods).
    "RECORDS_MAX_PERIODS_PER_CREDIT": 400,
}


def init_app(app: Flask) -> None:
    from lms.core.records import handlers, models  # noqa: F401  (tables join the metadata)

    for key, value in DEFAULT_CONFIG.items():
        app.config.setdefault(key, value)
    handlers.connect()
