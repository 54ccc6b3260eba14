"""Scheduled work of the certificates plugin (thin: the services decide). The scheduler commits once."""
from __future__ import annotations

from lms.certificates.dates import local_today
from lms.certificates.services import ratelimit, renewal


def daily_job() -> dict:
    """Expire certificates on their date, open renewal windows, forget finished rate-limit windows."""
    today = local_today()
    return {"expired": len(renewal.expire_due(today)), "renewals_opened": len(renewal.open_renewals(today)),
            "counters_purged": ratelimit.purge()}
