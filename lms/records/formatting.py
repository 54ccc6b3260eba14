"""Numbers on the record's pages and exports, in the reader's language (the `records_number` and
`records_percent` template filters)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from flask import g, has_app_context


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
