"""SCORM times: 1.2 timespans (HHHH:MM:SS.SS) and 2004 durations (ISO 8601, P1DT2H3M4.5S), to and from seconds."""
from __future__ import annotations

import re

from lms.scorm.datamodel import SCORM12

_TIMESPAN = re.compile(r"([0-9]{2,4}):([0-9]{2}):([0-9]{2}(?:\.[0-9]{1,2})?)")
_DURATION = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?"
                       r"(?:([0-9]+(?:\.[0-9]+)?)S)?)?")
# The conventions SCOs use when they turn long times into durations (an average month and year).
DAY = 86400.0
MONTH = DAY * 30.4375
YEAR = DAY * 365.25


def seconds(version: str, value: str | None) -> float | None:
    """Seconds in a SCORM time value, or None when it is not one."""
    if not value:
        return None
    if version == SCORM12:
        found = _TIMESPAN.fullmatch(value)
        if not found:
            return None
        return int(found.group(1)) * 3600 + int(found.group(2)) * 60 + float(found.group(3))
    found = _DURATION.fullmatch(value)
    if not found or value in ("P", "PT") or value.endswith("T"):
        return None
    years, months, days, hours, minutes, secs = (float(g) if g else 0.0 for g in found.groups())
    return years * YEAR + months * MONTH + days * DAY + hours * 3600 + minutes * 60 + secs


def timespan12(total: float) -> str:
    """HHHH:MM:SS.SS (hours capped at 9999, as the format allows)."""
    hundredths = int(round(max(0.0, total) * 100))
    hours, rest = divmod(hundredths, 360000)
    if hours > 9999:
        return "9999:59:59.99"
    minutes, rest = divmod(rest, 6000)
    return f"{hours:04d}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def duration2004(total: float) -> str:
    """PT#H#M#S with at most two decimals; PT0S for nothing."""
    hundredths = int(round(max(0.0, total) * 100))
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    secs = rest / 100
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or text == "PT":
        text += (f"{secs:.2f}".rstrip("0").rstrip(".") if secs else "0") + "S"
    return text


def formatted(version: str, total: float) -> str:
    return timespan12(total) if version == SCORM12 else duration2004(total)


def clock(total: float | None) -> str:
    """H:MM:SS for people."""
    whole = int(round(total or 0))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
