"""The platform's today (Asia/Ho_Chi_Minh) and the year a page asks for."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

MIN_YEAR, MAX_YEAR = 2000, 2100


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))).date()


def parse_year(raw: str | None, default: int | None = None, *, allow_all: bool = False) -> int | None:
    """A year from a query string; `all` gives None when allowed; anything else gives the default."""
    if allow_all and raw == "all":
        return None
    try:
        year = int(raw or "")
    except ValueError:
        return default if default is not None else local_today().year
    if MIN_YEAR <= year <= MAX_YEAR:
        return year
    return default if default is not None else local_today().year
