"""Typed answers: short answer (several accepted answers, wildcard, case and diacritics sensitivity) and
numerical (with tolerance; a comma or a point as the decimal separator, as officials type them)."""
from __future__ import annotations

import math
import re
import unicodedata

from flask_babel import lazy_gettext as _l

from lms.quizzes.types import (
    MAX_OPTIONS,
    EditorColumn,
    EditorFlag,
    InvalidQuestion,
    InvalidResponse,
    QuestionType,
    assign_ids,
    clamp01,
    clean_fraction,
    clean_number,
    clean_text,
)
from lms.quizzes.types.choice import TEXT_FORMATS, percent

MAX_SHORT_RESPONSE = 1000


def normalise_answer(text: str, *, case_sensitive: bool, diacritics_sensitive: bool) -> str:
    """The form two answers are compared in: composed Unicode, single spaces, then case and marks folded."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not diacritics_sensitive:
        text = text.replace("đ", "d").replace("Đ", "D")
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        text = unicodedata.normalize("NFC", text)
    if not case_sensitive:
        text = text.casefold()
    return text


def answer_pattern(answer: str, *, wildcard: bool) -> re.Pattern | None:
    """With the wildcard on, `*` matches any text (`\\*` is a literal star); None means compare exactly."""
    if not wildcard or "*" not in answer:
        return None
    parts, i = [], 0
    while i < len(answer):
        if answer[i] == "\\" and i + 1 < len(answer) and answer[i + 1] == "*":
            parts.append(re.escape("*"))
            i += 2
        elif answer[i] == "*":
            parts.append(".*")
            i += 1
        else:
            parts.append(re.escape(answer[i]))
            i += 1
    return re.compile("".join(parts), re.DOTALL)


def _clean_rows(raw) -> list:
    if not isinstance(raw, list) or not raw:
        raise InvalidQuestion(_l("The question has no answers."))
    if len(raw) > MAX_OPTIONS:
        raise InvalidQuestion(_l("A question may have at most %(n)s answers."), n=MAX_OPTIONS)
    if not all(isinstance(item, dict) for item in raw):
        raise InvalidQuestion(_l("An answer is not readable."))
    return raw


class ShortAnswer(QuestionType):
    name = "short_answer"
    label = _l("Short answer")
    template = "quizzes/types/short_answer.html"
    rows_key = "answers"
    editor_columns = (EditorColumn("text", _l("Accepted answer")),
                      EditorColumn("fraction", _l("Weight (%)"), "percent"),
                      EditorColumn("feedback", _l("Feedback")))
    editor_flags = (EditorFlag("case_sensitive", _l("Upper and lower case must match"), "bool", False),
                    EditorFlag("diacritics_sensitive", _l("Diacritics must match (\"Hà Nội\" is not \"Ha Noi\")"),
                               "bool", True),
                    EditorFlag("wildcard", _l("* in an accepted answer matches any text"), "bool", True))
    min_rows = 1

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        answers = []
        for item in _clean_rows(data.get("answers")):
            text = clean_text(item.get("text"), limit=1000, what=_l("An accepted answer")).strip()
            if not text:
                raise InvalidQuestion(_l("An accepted answer is empty."))
            answer = {"id": item.get("id"), "text": text, "fraction": clean_fraction(item.get("fraction", 1)),
                      "feedback": clean_text(item.get("feedback") or "", limit=5000, what=_l("Feedback")).strip()}
            if item.get("feedback_format") in TEXT_FORMATS:
                answer["feedback_format"] = item["feedback_format"]
            answers.append(answer)
        if max(a["fraction"] for a in answers) < 0.9999999:
            raise InvalidQuestion(_l("One accepted answer must be worth 100%."))
        return {"answers": assign_ids(answers, "r"),
                "case_sensitive": bool(data.get("case_sensitive", False)),
                "diacritics_sensitive": bool(data.get("diacritics_sensitive", True)),
                "wildcard": bool(data.get("wildcard", True))}

    def check_response(self, data: dict, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise InvalidResponse(_l("The answer must be text."))
        text = unicodedata.normalize("NFC", response).strip()
        if len(text) > MAX_SHORT_RESPONSE:
            raise InvalidResponse(_l("The answer is longer than %(n)s characters."), n=MAX_SHORT_RESPONSE)
        return text or None

    def matching_answer(self, data: dict, response) -> dict | None:
        """The first accepted answer the response matches (the order of answers counts, as in Moodle)."""
        if not response:
            return None
        options = {"case_sensitive": data.get("case_sensitive", False),
                   "diacritics_sensitive": data.get("diacritics_sensitive", True)}
        given = normalise_answer(response, **options)
        for answer in data["answers"]:
            expected = normalise_answer(answer["text"], **options)
            pattern = answer_pattern(expected, wildcard=data.get("wildcard", True))
            if (pattern.fullmatch(given) if pattern else given == expected):
                return answer
        return None

    def grade(self, data: dict, response) -> float:
        answer = self.matching_answer(data, response)
        return clamp01(answer["fraction"]) if answer else 0.0

    def right_answer_text(self, data: dict) -> str:
        return "; ".join(a["text"] for a in data["answers"] if a["fraction"] >= 0.9999999)

    def feedback_for(self, data: dict, response) -> list[str]:
        answer = self.matching_answer(data, response)
        return [answer["feedback"]] if answer and answer["feedback"] else []

    def editor_rows(self, data: dict) -> list[dict]:
        return [dict(a, fraction=round(a["fraction"] * 100, 5)) for a in data.get("answers", [])]

    def from_editor(self, rows: list[dict], flags: dict) -> dict:
        answers = [{"id": r.get("id"), "text": r.get("text", ""), "feedback": r.get("feedback", ""),
                    "fraction": percent(r.get("fraction")) if str(r.get("fraction") or "").strip() else 1.0}
                   for r in rows]
        return {"answers": answers, **{f.key: bool(flags.get(f.key)) for f in self.editor_flags}}


def parse_number(text: str) -> float:
    """A number as typed: "3,5" and "3.5" are three and a half; "1.234,5" and "1,234.5" are both read."""
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace("\u2212", "-")
    raw = re.sub(r"[\s_']", "", raw)
    if not raw or len(raw) > 60:
        raise InvalidResponse(_l("\"%(value)s\" is not a number."), value=str(text)[:60])
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(",") > 1:
        raw = raw.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?", raw):
        raise InvalidResponse(_l("\"%(value)s\" is not a number."), value=str(text)[:60])
    number = float(raw)
    if not math.isfinite(number) or abs(number) > 1e15:
        raise InvalidResponse(_l("\"%(value)s\" is too large."), value=str(text)[:60])
    return number


class Numerical(QuestionType):
    name = "numerical"
    label = _l("Numerical")
    template = "quizzes/types/short_answer.html"
    rows_key = "answers"
    editor_columns = (EditorColumn("value", _l("Value (empty: any other answer)"), "number"),
                      EditorColumn("tolerance", _l("Tolerance ±"), "number"),
                      EditorColumn("fraction", _l("Weight (%)"), "percent"),
                      EditorColumn("feedback", _l("Feedback")))
    min_rows = 1

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        answers = []
        for item in _clean_rows(data.get("answers")):
            value = item.get("value")
            value = None if value in (None, "", "*") else clean_number(value, what=_l("An answer"))
            tolerance = clean_number(item.get("tolerance") or 0, what=_l("A tolerance"))
            if tolerance < 0:
                raise InvalidQuestion(_l("A tolerance cannot be negative."))
            answer = {"id": item.get("id"), "value": value, "tolerance": tolerance,
                      "fraction": clean_fraction(item.get("fraction", 1)),
                      "feedback": clean_text(item.get("feedback") or "", limit=5000, what=_l("Feedback")).strip()}
            if item.get("feedback_format") in TEXT_FORMATS:
                answer["feedback_format"] = item["feedback_format"]
            answers.append(answer)
        if not any(a["value"] is not None and a["fraction"] >= 0.9999999 for a in answers):
            raise InvalidQuestion(_l("One numerical answer must be worth 100%."))
        return {"answers": assign_ids(answers, "r")}

    def carry_ids(self, old: dict, new: dict) -> dict:
        for row in new.get("answers", []):
            row.setdefault("text", f"{row.get('value')}±{row.get('tolerance')}")
        for row in old.get("answers", []):
            row.setdefault("text", f"{row.get('value')}±{row.get('tolerance')}")
        new = super().carry_ids(old, new)
        for rows in (new.get("answers", []), old.get("answers", [])):
            for row in rows:
                row.pop("text", None)
        return new

    def check_response(self, data: dict, response):
        if response is None:
            return None
        if not isinstance(response, (str, int, float)) or isinstance(response, bool):
            raise InvalidResponse(_l("The answer must be a number."))
        text = str(response).strip()
        if not text:
            return None
        parse_number(text)
        return text

    def matching_answer(self, data: dict, response) -> dict | None:
        if response in (None, ""):
            return None
        try:
            number = parse_number(response)
        except InvalidResponse:
            return None
        for answer in data["answers"]:
            if answer["value"] is None:
                return answer
            slack = answer["tolerance"] + 1e-9 * max(1.0, abs(answer["value"]))
            if abs(number - answer["value"]) <= slack:
                return answer
        return None

    def grade(self, data: dict, response) -> float:
        answer = self.matching_answer(data, response)
        return clamp01(answer["fraction"]) if answer else 0.0

    def right_answer_text(self, data: dict) -> str:
        parts = []
        for a in data["answers"]:
            if a["value"] is not None and a["fraction"] >= 0.9999999:
                parts.append(format_number(a["value"])
                             + (f" ± {format_number(a['tolerance'])}" if a["tolerance"] else ""))
        return "; ".join(parts)

    def feedback_for(self, data: dict, response) -> list[str]:
        answer = self.matching_answer(data, response)
        return [answer["feedback"]] if answer and answer["feedback"] else []

    def editor_rows(self, data: dict) -> list[dict]:
        return [dict(a, value="" if a["value"] is None else format_number(a["value"]),
                     tolerance=format_number(a["tolerance"]), fraction=round(a["fraction"] * 100, 5))
                for a in data.get("answers", [])]

    def from_editor(self, rows: list[dict], flags: dict) -> dict:
        answers = []
        for r in rows:
            value = str(r.get("value") or "").strip()
            answers.append({"id": r.get("id"), "feedback": r.get("feedback", ""),
                            "value": _editor_number(value) if value else None,
                            "tolerance": _editor_number(str(r.get("tolerance") or "0")),
                            "fraction": percent(r.get("fraction")) if str(r.get("fraction") or "").strip() else 1.0})
        return {"answers": answers}


def _editor_number(text: str) -> float:
    try:
        return parse_number(text)
    except InvalidResponse as problem:
        raise InvalidQuestion(problem.message, **problem.params) from None


def format_number(value: float) -> str:
    """A number written back without noise: 3.0 -> "3", 0.1 -> "0.1"."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
