"""The kinds of notice a person can turn off on /account/preferences.

A kind is a notification template "area/name". The kinds are found from the templates themselves
(`templates/<area>/notifications/<name>.subject.txt`), for the core and the enabled plugins, so a
plugin offers its reminders just by shipping their templates; `<name>.label.txt` names the kind on
the page (translatable), else its file name stands in. A kind that is always sent as mandatory is
declared with `mandatory_only("area/name")` and not offered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

from lms.core.notifications.rendering import kind_label
from lms.core.plugins import discover, enabled_plugins

_SUBJECT = re.compile(r"^([a-z0-9_]+)/notifications/([a-z0-9_]+)\.subject\.txt$")
_MANDATORY_ONLY: set[str] = {"core/password_changed"}


@dataclass(frozen=True)
class Kind:
    template: str
    label: str


def mandatory_only(template: str) -> None:
    """Declare a kind that is never optional (a plugin may call this in `setup()`)."""
    _MANDATORY_ONLY.add(template)


def all_kinds() -> list[str]:
    """Every notification template of the core and the enabled plugins (not of installed, disabled ones)."""
    disabled = set(discover()) - set(enabled_plugins())
    found = set()
    for name in current_app.jinja_env.list_templates(extensions=["txt"]):
        match = _SUBJECT.match(name)
        if match and match.group(1) not in disabled:
            found.add(f"{match.group(1)}/{match.group(2)}")
    return sorted(found)


def optional_kinds(locale: str) -> list[Kind]:
    kinds = [Kind(t, kind_label(t, locale=locale)) for t in all_kinds() if t not in _MANDATORY_ONLY]
    return sorted(kinds, key=lambda kind: kind.label.lower())
