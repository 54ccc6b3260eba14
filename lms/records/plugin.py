"""What the training record plugin contributes: credits, requirements, plans and provincial reports.

It only listens: certificates, classes and unit mergers reach it through the core's events, and it
imports no other plugin.
"""
from __future__ import annotations

import click
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.core import events
from lms.core.plugins import JobSpec, NavItem, Plugin


def _is_official(user) -> bool:
    return user.is_authenticated and user.official_id is not None


def _manages_units(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role("unit_manager"))


def _records_outside(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role("school_admin"))


def _reports(user) -> bool:
    from lms.records.access import may_report
    return may_report(user)


class RecordsPlugin(Plugin):
    name = "records"
    model_modules = ("lms.records.models",)
    default_config = {
        # An outside record with more periods than this is refused as implausible (ten weeks of 40 periods).
        "RECORDS_MAX_PERIODS_PER_CREDIT": 400,
        # The public transcript verify page: requests per address per window.
        "RECORDS_VERIFY_LIMIT": 30,
        "RECORDS_VERIFY_WINDOW_SECONDS": 600,
        # The Ed25519 key that signs transcripts; default: <instance>/keys/platform-ed25519.pem.
        "RECORDS_SIGNING_KEY_PATH": None,
    }

    def blueprint(self) -> Blueprint:
        from lms.records.views import bp
        return bp

    def cli(self) -> click.Group:
        from lms.records.cli import records_group
        return records_group

    def jobs(self) -> list[JobSpec]:
        from lms.records.jobs import jobs
        return jobs()

    def nav(self) -> list[NavItem]:
        return [
            NavItem("records.my_record", _l("My training record"), order=20, visible=_is_official),
            NavItem("records.dashboard", _l("Unit dashboard"), order=60, visible=_manages_units),
            NavItem("records.report", _l("Plans and reports"), order=65, visible=_reports),
            NavItem("records.outside_index", _l("Training done elsewhere"), order=66, visible=_records_outside),
        ]

    def connect_signals(self) -> None:
        from lms.records import handlers
        # A class's certificates come as one batch (send_many): the set-based receiver takes it whole.
        self.connect_batch(events.certificate_issued, handlers.on_certificate_issued, handlers.on_certificates_issued)
        self.connect(events.certificate_revoked, handlers.on_certificate_revoked)
        self.connect(events.class_attended, handlers.on_class_attended)
        self.connect(events.units_merged, handlers.on_units_merged)

    def setup(self, app: Flask) -> None:
        from lms.core.extensions import csrf
        from lms.records import api
        from lms.records.formatting import format_number, format_percent
        # The JSON API is token-authenticated, read-only and sends no cookies: no CSRF token to check.
        csrf.exempt(api.bp)
        app.register_blueprint(api.bp)
        app.add_template_filter(format_number, "records_number")
        app.add_template_filter(format_percent, "records_percent")

    def seed_bench(self, context) -> None:
        from lms.records.bench_seed import seed_records
        seed_records(context)
