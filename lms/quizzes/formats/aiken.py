"""Aiken: single-choice questions in plain text.

    Question text (one or more lines)
    A) first choice          (or "A. first choice")
    B) second choice
    ANSWER: B

Blank lines between questions are optional. The text is plain: markup in it is shown as typed.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from lms.quizzes.formats import NOT_UTF8, ParsedQuestion, decode_text, default_name, has_bad_bytes, problem

_OPTION = re.compile(r"^([A-Z])[.)][ \t]+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:?\s*(.*)$", re.IGNORECASE)
_LINES = re.compile(r"\r\n|\r|\n")


class _Question:
    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[tuple[str, str]] = []
        self.bad_bytes = False


def parse_aiken(raw: bytes) -> list:  # noqa: C901  (a line-by-line state machine; its states read best together)
    text, _clean = decode_text(raw)
    items: list = []
    current: _Question | None = None

    def close(question: _Question, answer: str | None, line: int) -> None:
        if question.bad_bytes:
            items.append(problem(question.line, NOT_UTF8))
            return
        body = "\n".join(question.text).strip()
        if answer is None:
            items.append(problem(question.line, _l("The question has no \"ANSWER:\" line after its choices.")))
            return
        if not body:
            items.append(problem(question.line, _l("The question has no text.")))
            return
        if len(question.options) < 2:
            items.append(problem(question.line, _l("A question needs at least two choices (\"A) ...\", \"B) ...\").")))
            return
        letters = [letter for letter, _ in question.options]
        if len(set(letters)) != len(letters):
            items.append(problem(question.line, _l("Two choices have the same letter.")))
            return
        letter = answer.strip()[:1].upper()
        if not answer.strip() or len(answer.strip()) > 1 or letter not in letters:
            items.append(problem(line, _l("\"ANSWER: %(answer)s\" does not name one of the choices (%(letters)s)."),
                                 answer=answer.strip()[:20], letters=", ".join(letters)))
            return
        options = [{"text": option, "fraction": 1.0 if key == letter else 0.0, "feedback": ""}
                   for key, option in question.options]
        items.append(ParsedQuestion(line=question.line, qtype="single_choice", name=default_name(body, "plain"),
                                    text=body, text_format="plain", data={"options": options, "shuffle": True}))

    for number, raw_line in enumerate(_LINES.split(text), start=1):
        line = raw_line.strip()
        if not line:
            continue
        option = _OPTION.match(line)
        answer = _ANSWER.match(line)
        if answer and current is not None:
            current.bad_bytes = current.bad_bytes or has_bad_bytes(line)
            close(current, answer.group(1), number)
            current = None
        elif answer:
            items.append(problem(number, _l("An \"ANSWER:\" line comes before any question.")))
        elif option and current is not None and (current.text or current.options):
            current.bad_bytes = current.bad_bytes or has_bad_bytes(line)
            current.options.append((option.group(1), option.group(2).strip()))
        else:
            if current is not None and current.options:
                close(current, None, number)
                current = None
            if current is None:
                current = _Question(number)
            current.bad_bytes = current.bad_bytes or has_bad_bytes(line)
            current.text.append(line)
    if current is not None:
        close(current, None, current.line)
    return items
