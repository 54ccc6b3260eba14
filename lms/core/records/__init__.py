"""The training record: credits, requirements, plans and provincial reports (part of the core).

`init_app(app)` is called by the core's `register_core`: it adds the tables to the metadata,
connects the receivers of the certificate, class and merger events, and registers the pages,
the JSON API, the commands, the weekly job, the bench seeder and the navigation entries.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from flask import Flask, g, has_app_context
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


@lru_cache(maxsize=8)
def _separators(locale: str) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol
    return get_group_symbol(locale), get_decimal_symbol(locale)


def format_number(value) -> str:
    """Periods and counts in the reader's language: 1.234,5 in Vietnamese, 1,234.5 in English.

    Babel's separators, formatted by hand: a report has thousands of cells and format_decimal is slow.
    """
    if value is None:
        return "—"
    separators = g.get("_records_separators") if has_app_context() else None
    if separators is None:
        from lms.core.i18n import locale_code
        separators = _separators(locale_code())
        if has_app_context():
            g._records_separators = separators  # asked once per request, not once per cell
    group, decimal = separators
    text = f"{round(float(value), 2):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


def format_percent(value) -> str:
    if value is None:
        return "—"
    whole = Decimal(str(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # 102.5% shows as 103%
    return format_number(int(whole)) + "%"


def _is_official(user) -> bool:
    return user.is_authenticated and user.official_id is not None


def _manages_units(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role("unit_manager"))


def _records_outside(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role("school_admin"))


def _reports(user) -> bool:
    from lms.core.records.access import may_report
    return may_report(user)


def init_app(app: Flask) -> None:
    from lms.core.extensions import csrf
    from lms.core.plugins import NavItem
    from lms.core.records import api, handlers, jobs, models  # noqa: F401  (tables join the metadata)
    from lms.core.records.bench_seed import seed_records
    from lms.core.records.cli import records_group
    from lms.core.records.views import bp

    for key, value in DEFAULT_CONFIG.items():
        app.config.setdefault(key, value)
    handlers.connect()
    app.register_blueprint(bp)
    csrf.exempt(api.bp)  # token-authenticated, read-only, no cookies
    app.register_blueprint(api.bp)
    app.cli.add_command(records_group)
    app.extensions["lms"]["jobs"].extend(jobs.jobs())
    app.extensions["lms"].setdefault("bench_seeders", []).append(("records", seed_records))
    app.add_template_filter(format_number, "records_number")
    app.add_template_filter(format_percent, "records_percent")
    app.extensions["lms"]["nav"].extend([
        NavItem("records.my_record", _l("My training record"), order=20, visible=_is_official),
        NavItem("records.dashboard", _l("Unit dashboard"), order=60, visible=_manages_units),
        NavItem("records.report", _l("Plans and reports"), order=65, visible=_reports),
        NavItem("records.outside_index", _l("Training done elsewhere"), order=66, visible=_records_outside),
    ])
