"""Words shown to people for the plugin's codes: ignored sequencing, statuses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# What a package declares that the player does not apply (keys written by lms.scorm.manifest).
NOTES = {
    "sequencing_rules": _l("sequencing rules (pre-, post- and exit-condition rules)"),
    "limit_conditions": _l("limit conditions (attempt limits and time limits)"),
    "auxiliary_resources": _l("auxiliary resources"),
    "rollup_rules": _l("rollup rules (the package counts as complete when all its items are)"),
    "randomization": _l("selection and randomisation of items (all items are shown, in order)"),
    "constrained_choice": _l("constrained choice considerations"),
    "rollup_considerations": _l("rollup considerations"),
    "global_objectives": _l("shared global objectives (objective maps)"),
    "choice_exit": _l("choiceExit=\"false\" (items outside a cluster can still be chosen)"),
    "untracked": _l("tracked=\"false\" (every item is tracked)"),
    "prerequisites": _l("SCORM 1.2 prerequisites (every item can be opened)"),
    "bad_mastery_score": _l("a mastery score that is not a number from 0 to 100 (it is not used)"),
}

STATUSES = {
    "not attempted": _l("not attempted"),
    "incomplete": _l("incomplete"),
    "completed": _l("completed"),
    "passed": _l("passed"),
    "failed": _l("failed"),
    "browsed": _l("browsed"),
    "unknown": _l("unknown"),
}


EDITIONS = {"2nd": _l("2nd edition"), "3rd": _l("3rd edition"), "4th": _l("4th edition")}


def edition(value: str) -> str:
    return str(EDITIONS.get(value, value))


def note(key: str) -> str:
    return str(NOTES.get(key, key))


def status(value: str) -> str:
    return str(STATUSES.get(value, value))
