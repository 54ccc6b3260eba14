"""Labels shown to people for the plugin's codes (states, grounds, kinds), in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.core.i18n import locale_code
from lms.core.vocab import area_label

STATE_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "superseded": _l("Superseded"),
}
STATE_BADGES = {"valid": "ok", "expired": "warn", "revoked": "err", "superseded": "warn"}

GROUND_LABELS = {
    "fraud": _l("Fraud in enrolment or study"),
    "not_eligible": _l("Issued to someone who was not eligible"),
    "beyond_authority": _l("Issued beyond the school's authority"),
    "altered": _l("The certificate was altered"),
    "lent": _l("The certificate was lent to another person"),
    "school_error": _l("The school's own error"),
    "superseded": _l("Replaced by a corrected certificate"),
}

KIND_LABELS = {
    "program": _l("Program certificate"),
    "completion": _l("Completion certificate"),
}

VARIANT_LABELS = {
    "original": _l("Original"),
    "copy": _l("Re-issued copy"),
    "correction": _l("Correction"),
}

ORIENTATION_LABELS = {
    "landscape": _l("A4 landscape"),
    "portrait": _l("A4 portrait"),
}

EXPIRY_BASE_LABELS = {
    "expiry": _l("The previous expiry date, when renewed on time"),
    "completion": _l("The date the renewal was completed"),
}


def area_name(code: str) -> str:
    return area_label(code, locale_code()) if code else ""
