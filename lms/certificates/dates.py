"""Local dates: a certificate's day of issue, expiry and register year are days in Asia/Ho_Chi_Minh."""
from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from lms.core.db import utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")


def local_today() -> date:
    return utcnow().astimezone(zone()).date()


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(zone()).date() if moment else None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31/01 + 1 = 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
