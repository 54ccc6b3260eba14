"""The question-type registry, owned by the quizzes plugin.

A question type knows a definition (`data`, a JSON mapping it validates), how a response is read from a
form and checked, and how it is graded: `grade(data, response)` is pure and returns a fraction 0..1, or
None when a person grades it (essays). Built-in types are registered by the plugin at start-up; another
plugin adds its own with `register_type(app, MyType())` in its `setup(app)` (it `requires` "quizzes").

Responses are JSON values the type defines (an option id, a list of ids, a text, a mapping ...). What a
type refuses (an option id that is not in the question, a number that is not finite) raises
`InvalidResponse` with a message the official can read.
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms.core.errors import DomainError

MAX_TEXT = 20_000
MAX_OPTIONS = 50


class InvalidQuestion(DomainError):
    """A question definition a type cannot accept (raised while importing or editing)."""


class InvalidResponse(DomainError):
    """A response that does not fit the question (tampered ids, a number that is not a number ...)."""


@dataclass(frozen=True)
class EditorColumn:
    """A column of the rows a lecturer fills in on the question form (options, answers, pairs ...)."""

    key: str
    label: object
    kind: str = "text"  # text | number | percent


@dataclass(frozen=True)
class EditorFlag:
    """A single setting of a question on the form (a checkbox, a number or a text)."""

    key: str
    label: object
    kind: str = "bool"  # bool | int | text | textarea
    default: object = None


FormGetter = Callable[[str], list[str]]


class QuestionType:
    """Base class of question types. Subclasses set `name` and `label` and override what they need."""

    name: str = ""
    label: object = ""
    #: False for types a person grades (essays)
    automatic: bool = True
    #: False for types that ask nothing and carry no marks (descriptions)
    gradable: bool = True
    #: the Jinja template rendering the inputs, given `qv` (a QuestionView)
    template: str = ""
    #: the key of `data` holding the list the editor shows as rows, with its columns
    rows_key: str | None = None
    editor_columns: tuple[EditorColumn, ...] = ()
    editor_flags: tuple[EditorFlag, ...] = ()
    min_rows: int = 0
    #: a default mark for new questions of this type
    default_mark: float = 1.0

    # -- definition ----------------------------------------------------------------------------
    def validate(self, data: dict) -> dict:
        """Return the definition, normalised, or raise InvalidQuestion."""
        if not isinstance(data, dict):
            raise InvalidQuestion(_l("The question's definition is not readable."))
        return dict(data)

    def carry_ids(self, old: dict, new: dict) -> dict:
        """Keep the ids of rows whose text did not change, so saved responses keep meaning the same thing."""
        if not self.rows_key:
            return new
        old_rows = old.get(self.rows_key) or []
        new_rows = new.get(self.rows_key) or []
        by_text: dict[str, list[str]] = {}
        for row in old_rows:
            by_text.setdefault(row_identity(row), []).append(row["id"])
        used = set()
        for row in new_rows:
            ids = by_text.get(row_identity(row))
            if ids:
                row["id"] = ids.pop(0)
                used.add(row["id"])
            else:
                row["id"] = None
        taken = used | {row["id"] for row in old_rows}
        counter = 1
        prefix = id_prefix(self.rows_key)
        for row in new_rows:
            if row["id"] is None:
                while f"{prefix}{counter}" in taken:
                    counter += 1
                row["id"] = f"{prefix}{counter}"
                taken.add(row["id"])
        return new

    # -- attempts --------------------------------------------------------------------------------
    def shuffle_ids(self, data: dict) -> list[str] | None:
        """Ids presented in an order the attempt may shuffle (None: nothing to shuffle)."""
        return None

    def must_shuffle(self, data: dict) -> bool:
        """True where the presentation order is part of the question (ordering)."""
        return False

    def initial_order(self, data: dict, shuffle: bool, rng: random.Random) -> list[str] | None:
        ids = self.shuffle_ids(data)
        if ids is None:
            return None
        ids = list(ids)
        if (shuffle and data.get("shuffle", True)) or self.must_shuffle(data):
            rng.shuffle(ids)
        return ids

    def parse_form(self, data: dict, get: FormGetter) -> object:
        """Read a response from a posted form: `get(suffix)` gives the values of field `q<n><suffix>`."""
        values = get("")
        return self.check_response(data, values[0] if values else None)

    def check_response(self, data: dict, response: object) -> object:
        """Return the response, normalised, or raise InvalidResponse. None means "no answer"."""
        return response

    def answered(self, response: object) -> bool:
        return response not in (None, "", [], {})

    def grade(self, data: dict, response: object) -> float | None:
        """A fraction 0..1 (pure), or None when a person grades it."""
        raise NotImplementedError

    # -- showing ---------------------------------------------------------------------------------
    def render(self, qv) -> Markup:
        return Markup(render_template(self.template, qv=qv, qtype=self))

    def response_text(self, data: dict, response: object) -> str:
        return "" if response is None else str(response)

    def right_answer_text(self, data: dict) -> str:
        return ""

    def feedback_for(self, data: dict, response: object) -> list[str]:
        """Feedback texts written for the given response (per chosen option or matched answer)."""
        return []

    def is_correct(self, fraction: float | None) -> bool:
        return fraction is not None and fraction >= 0.999999

    # -- editing ---------------------------------------------------------------------------------
    def editor_rows(self, data: dict) -> list[dict]:
        return list(data.get(self.rows_key) or []) if self.rows_key else []

    def editor_flag_values(self, data: dict) -> dict:
        return {flag.key: data.get(flag.key, flag.default) for flag in self.editor_flags}

    def from_editor(self, rows: list[dict], flags: dict) -> dict:
        """Build a definition from the editor's rows and flags (validated afterwards)."""
        data = {flag.key: flags.get(flag.key, flag.default) for flag in self.editor_flags}
        if self.rows_key:
            data[self.rows_key] = rows
        return data


# -- helpers shared by the types ------------------------------------------------------------------

def id_prefix(rows_key: str) -> str:
    return {"options": "a", "answers": "r", "pairs": "p", "items": "i"}.get(rows_key, "x")


def row_identity(row: dict) -> str:
    return str(row.get("text", row.get("left", ""))) + "\x00" + str(row.get("right", ""))


def assign_ids(rows: list[dict], prefix: str) -> list[dict]:
    """Give rows ids ("a1", "a2" ...) where they have none; ids stay unique."""
    taken = {row["id"] for row in rows if isinstance(row.get("id"), str) and row["id"]}
    counter = 1
    seen = set()
    for row in rows:
        rid = row.get("id")
        if not isinstance(rid, str) or not rid or rid in seen:
            while f"{prefix}{counter}" in taken:
                counter += 1
            rid = f"{prefix}{counter}"
            taken.add(rid)
        row["id"] = rid
        seen.add(rid)
    return rows


def clean_text(value, *, limit: int = MAX_TEXT, what=None) -> str:
    text = "" if value is None else str(value)
    if len(text) > limit:
        raise InvalidQuestion(_l("%(what)s is longer than %(limit)s characters."),
                              what=what or _l("A text"), limit=limit)
    return text


def clean_fraction(value) -> float:
    """A weight between -1 and 1 (percent weights are divided by 100 by the formats)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidQuestion(_l("A weight is not a number.")) from None
    if not math.isfinite(number) or number < -1.0000001 or number > 1.0000001:
        raise InvalidQuestion(_l("A weight must be between -100% and 100%."))
    return round(max(-1.0, min(1.0, number)), 7)


def clean_number(value, *, what=None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidQuestion(_l("%(what)s is not a number."), what=what or _l("A value")) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise InvalidQuestion(_l("%(what)s is not a usable number."), what=what or _l("A value"))
    return number


def clamp01(value: float) -> float:
    return max(0.0, min(1.0, value))


# -- the registry ---------------------------------------------------------------------------------

def _registry(app: Flask | None = None) -> dict[str, QuestionType]:
    app = app or current_app
    return app.extensions.setdefault("quizzes", {}).setdefault("question_types", {})


def register_type(app: Flask, qtype: QuestionType) -> None:
    """Add a question type to an app. Names are unique; a plugin adds its own in `setup(app)`."""
    if not qtype.name or not qtype.name.replace("_", "").isalnum():
        raise ValueError(f"question type name {qtype.name!r} must be letters, digits and underscores")
    registry = _registry(app)
    if qtype.name in registry:
        raise ValueError(f"question type '{qtype.name}' registered twice")
    registry[qtype.name] = qtype


def get_type(name: str) -> QuestionType | None:
    return _registry().get(name)


def require_type(name: str) -> QuestionType:
    qtype = get_type(name)
    if qtype is None:
        raise InvalidQuestion(_l("The question type \"%(name)s\" is not available."), name=name)
    return qtype


def all_types() -> dict[str, QuestionType]:
    return dict(_registry())


def register_builtin_types(app: Flask) -> None:
    from lms.quizzes.types.builtin import BUILTIN_TYPES
    for qtype in BUILTIN_TYPES:
        register_type(app, qtype)
