"""The training record: credits, requirements, plans and provincial reports (part of the core).

`init_app(app)` is called by the core's `register_core`: it adds the tables to the metadata,
connects the receivers of the certificate, class and merger events, and registers the pages,
the JSON API, the commands and the navigation entries.
"""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

DEFAULT_CONFIG = {
    # An outside record with more periods than this is refused as implausible (ten weeks of 40 periods).
    "RECORDS_MAX_PERIODS_PER_CREDIT": 400,
    # The public transcript verify page: requests per address per window.
    "RECORDS_VERIFY_LIMIT": 30,
    "RECORDS_VERIFY_WINDOW_SECONDS": 600,
    # The Ed25519 key that signs transcripts; default: <instance>/keys/platform-ed25519.pem.
    "RECORDS_SIGNING_KEY_PATH": None,
}


def _is_official(user) -> bool:
    return user.is_authenticated and user.official_id is not None


def format_number(value) -> str:
    """Periods and counts in the reader's language: 1.234,5 in Vietnamese, 1,234.5 in English."""
    from flask_babel import format_decimal
    if value is None:
        return "—"
    return format_decimal(round(float(value), 2), format="#,##0.##")


def format_percent(value) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    from flask_babel import format_decimal
    if value is None:
        return "—"
    whole = Decimal(str(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # 102.5% shows as 103%
    return format_decimal(whole, format="#,##0") + "%"


def _manages_units(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role("unit_manager"))


def _reports(user) -> bool:
    from lms.core.records.report import may_report
    return may_report(user)


def init_app(app: Flask) -> None:
    from lms.core.plugins import NavItem
    from lms.core.records import handlers, models  # noqa: F401  (tables join the metadata)
    from lms.core.records.views import bp

    for key, value in DEFAULT_CONFIG.items():
        app.config.setdefault(key, value)
    handlers.connect()
    app.register_blueprint(bp)
    app.add_template_filter(format_number, "records_number")
    app.add_template_filter(format_percent, "records_percent")
    app.extensions["lms"]["nav"].extend([
        NavItem("records.my_record", _l("My training record"), order=20, visible=_is_official),
        NavItem("records.dashboard", _l("Unit dashboard"), order=60, visible=_manages_units),
        NavItem("records.report", _l("Plans and reports"), order=65, visible=_reports),
    ])
