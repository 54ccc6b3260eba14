"""Dates as the platform's people live them (Asia/Ho_Chi_Minh), for due dates and reminders."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from lms.core.db import utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today() -> date:
    return utcnow().astimezone(zone()).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()
