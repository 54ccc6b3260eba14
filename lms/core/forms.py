"""Form helpers shared by the core and the plugins."""
from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 choices (tuples are deprecated there and go in 3.4)."""
    return [SelectChoice(value, str(label)) for value, label in pairs]
