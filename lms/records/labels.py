"""Labels shown to people, translated: sources of credit, unit levels, kinds of official."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.core.vocab import KIND_LABELS  # noqa: F401  (re-exported for templates)
from lms.records.models import CreditSource

SOURCE_LABELS = {
    CreditSource.certificate: _l("Certificate"),
    CreditSource.attendance: _l("In-person class"),
    CreditSource.outside: _l("Recorded from outside"),
}

LEVEL_LABELS = {
    "central": _l("Central"),
    "province": _l("Province"),
    "commune": _l("Commune"),
    "district": _l("District (before 1 July 2025)"),
}

POLITICAL_THEORY_LABELS = {
    "elementary": _l("Elementary"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}


def political_theory_label(level: str) -> str:
    return str(POLITICAL_THEORY_LABELS.get(level, level or "—"))
