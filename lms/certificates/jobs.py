"""Scheduled work of the certificates plugin (thin: the services decide). The scheduler commits once."""
from __future__ import annotations

from flask import current_app

from lms.certificates.dates import local_today
from lms.certificates.services import ratelimit, renewal


def daily_job() -> dict:
    """Expire certificates on their date, open renewal windows, forget finished rate-limit windows."""
    today = local_today()
    return {"expired": len(renewal.expire_due(today)), "renewals_opened": len(renewal.open_renewals(today)),
            "counters_purged": ratelimit.purge()}


def reminder_job() -> dict:
    """Tell holders and their unit managers, 30 and 7 days ahead (CERTIFICATES_REMINDER_DAYS), that a
    certificate expires."""
    return {"notified": renewal.send_reminders(local_today(), list(current_app.config["CERTIFICATES_REMINDER_DAYS"]))}
