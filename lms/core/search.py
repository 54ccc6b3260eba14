"""What a person types in a search box, matched literally: the one LIKE/ILIKE escaper for every search.

LIKE reads % and _ as wildcards and \\ as its escape: unescaped, a search for "50%" also finds "500", and "_"
finds every name. Terms are bounded too: a pasted page of text is a search for its beginning, not a server
error (SQLite refuses LIKE patterns past 50,000 bytes).
"""
from __future__ import annotations

MAX_TERM_LENGTH = 200
LIKE_ESCAPE = "\\"


def bounded(term: str | None) -> str:
    """The term without surrounding spaces, cut to MAX_TERM_LENGTH characters."""
    return (term or "").strip()[:MAX_TERM_LENGTH]


def escape_like(text: str) -> str:
    """`text` with LIKE's own characters escaped, for a pattern used with escape=LIKE_ESCAPE."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def contains(column, term: str, *, ignore_case: bool = False):
    """A condition: `column` contains `term` (bounded) literally, anywhere; ILIKE when ignore_case."""
    pattern = "%" + escape_like(bounded(term)) + "%"
    if ignore_case:
        return column.ilike(pattern, escape=LIKE_ESCAPE)
    return column.like(pattern, escape=LIKE_ESCAPE)
