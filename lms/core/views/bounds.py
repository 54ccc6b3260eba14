"""Over-long input gets a message, never a server error, on SQLite and PostgreSQL alike.

Three guards, one for each way a long string gets in:
- a form field past FORM_MAX_FIELD_CHARS refuses the request before any view reads it;
- a search term (a search box's field is named `q`) past the search helper's bound is cut there
  (lms/core/search.py), and the person is told so;
- a string longer than its VARCHAR column refuses the flush with a message naming the field, so it never
  reaches the database (PostgreSQL would fail the statement; SQLite would store it whole); NUL characters,
  which PostgreSQL refuses in text, are taken out of what a flush writes.
"""
from __future__ import annotations

from flask import Flask, current_app, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from lms.core.errors import DomainError
from lms.core.search import MAX_TERM_LENGTH
from lms.core.text import has_nul, storable

SEARCH_FIELD = "q"


class InputTooLong(DomainError):
    """A value longer than the platform accepts for it."""


def _refuse_long_fields() -> None:
    if request.method not in ("POST", "PUT", "PATCH") or request.mimetype not in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return
    limit = int(current_app.config["FORM_MAX_FIELD_CHARS"])
    for name, value in request.form.items(multi=True):
        if len(value) > limit:
            raise InputTooLong(_l("The field %(field)s holds %(count)s characters; at most %(limit)s are accepted. "
                                  "Nothing was saved."), field=name[:60], count=len(value), limit=limit)


def _tell_cut_search() -> None:
    if request.method == "GET" and len(request.args.get(SEARCH_FIELD, "").strip()) > MAX_TERM_LENGTH:
        flash(_("The search is too long: only its first %(limit)s characters were used.", limit=MAX_TERM_LENGTH),
              "warning")


def _check_strings(session: Session, _context, _instances) -> None:
    """Refuse a flush that would write a string longer than its column (Text columns have no length), and
    take NUL characters out of what it writes (PostgreSQL refuses them)."""
    for instance in list(session.new) + list(session.dirty):
        state = inspect(instance)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)  # set values only: nothing is loaded
            if has_nul(value):
                value = storable(value)
                setattr(instance, attribute.key, value)
            column = attribute.columns[0]
            length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
            if length and isinstance(value, str) and len(value) > length:
                raise InputTooLong(_l("%(field)s is too long: %(count)s characters, at most %(limit)s."),
                                   field=attribute.key, count=len(value), limit=length)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_long_fields)
    app.before_request(_tell_cut_search)


event.listen(Session, "before_flush", _check_strings)
