"""Choice types: single choice, multiple choice (partial credit, penalties, never below zero), true/false."""
from __future__ import annotations

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
    clean_text,
)

TEXT_FORMATS = ("plain", "moodle", "html", "markdown")


def clean_options(raw) -> list[dict]:
    """The options of a choice question: id, text, fraction (-1..1), feedback, optional formats."""
    if not isinstance(raw, list):
        raise InvalidQuestion(_l("The question has no choices."))
    if len(raw) > MAX_OPTIONS:
        raise InvalidQuestion(_l("A question may have at most %(n)s choices."), n=MAX_OPTIONS)
    options = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidQuestion(_l("A choice is not readable."))
        text = clean_text(item.get("text"), limit=5000, what=_l("A choice")).strip()
        if not text:
            raise InvalidQuestion(_l("A choice is empty."))
        option = {"id": item.get("id"), "text": text, "fraction": clean_fraction(item.get("fraction", 0)),
                  "feedback": clean_text(item.get("feedback") or "", limit=5000, what=_l("Feedback")).strip()}
        for key in ("format", "feedback_format"):
            if item.get(key) in TEXT_FORMATS:
                option[key] = item[key]
        options.append(option)
    return assign_ids(options, "a")


class SingleChoice(QuestionType):
    name = "single_choice"
    label = _l("Single choice")
    template = "quizzes/types/choice.html"
    rows_key = "options"
    editor_columns = (EditorColumn("text", _l("Choice")), EditorColumn("fraction", _l("Weight (%)"), "percent"),
                      EditorColumn("feedback", _l("Feedback")))
    editor_flags = (EditorFlag("shuffle", _l("Shuffle the choices"), "bool", True),)
    min_rows = 2
    multiple = False

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        options = clean_options(data.get("options"))
        if len(options) < 2:
            raise InvalidQuestion(_l("A choice question needs at least two choices."))
        self._check_weights(options)
        return {"options": options, "shuffle": bool(data.get("shuffle", True))}

    def _check_weights(self, options: list[dict]) -> None:
        if max(o["fraction"] for o in options) < 0.9999999:
            raise InvalidQuestion(_l("One choice must be worth 100%."))

    def shuffle_ids(self, data: dict) -> list[str]:
        return [o["id"] for o in data["options"]]

    def _ids(self, data: dict) -> set[str]:
        return {o["id"] for o in data["options"]}

    def check_response(self, data: dict, response):
        if response in (None, ""):
            return None
        if not isinstance(response, str) or response not in self._ids(data):
            raise InvalidResponse(_l("This answer is not one of the question's choices."))
        return response

    def grade(self, data: dict, response) -> float:
        for option in data["options"]:
            if option["id"] == response:
                return clamp01(option["fraction"])
        return 0.0

    def _chosen(self, data: dict, response) -> list[dict]:
        chosen = set(response if isinstance(response, list) else [response])
        return [o for o in data["options"] if o["id"] in chosen]

    def response_text(self, data: dict, response) -> str:
        return "; ".join(o["text"] for o in self._chosen(data, response))

    def right_answer_text(self, data: dict) -> str:
        best = max(o["fraction"] for o in data["options"])
        return "; ".join(o["text"] for o in data["options"] if o["fraction"] >= best - 1e-9)

    def feedback_for(self, data: dict, response) -> list[str]:
        return [o["feedback"] for o in self._chosen(data, response) if o["feedback"]]

    def editor_rows(self, data: dict) -> list[dict]:
        return [dict(o, fraction=round(o["fraction"] * 100, 5)) for o in data.get("options", [])]

    def from_editor(self, rows: list[dict], flags: dict) -> dict:
        options = []
        for row in rows:
            options.append({"id": row.get("id"), "text": row.get("text", ""), "feedback": row.get("feedback", ""),
                            "fraction": percent(row.get("fraction"))})
        return {"options": options, "shuffle": bool(flags.get("shuffle"))}


class MultipleChoice(SingleChoice):
    """Several choices may be picked: the score is the sum of the picked weights, kept within 0..1.

    Wrong choices carry negative weights (a penalty per wrong pick), so picking everything does not pay.
    """

    name = "multiple_choice"
    label = _l("Multiple choice")
    multiple = True

    def _check_weights(self, options: list[dict]) -> None:
        total = sum(o["fraction"] for o in options if o["fraction"] > 0)
        if abs(total - 1.0) > 0.0001:
            raise InvalidQuestion(
                _l("The weights of the right choices must add up to 100%% (they add up to %(total)s%%)."),
                total=round(total * 100, 2))

    def parse_form(self, data: dict, get) -> object:
        return self.check_response(data, [v for v in get("") if v])

    def check_response(self, data: dict, response):
        if response in (None, "", []):
            return None
        if isinstance(response, str):
            response = [response]
        if not isinstance(response, list) or not all(isinstance(v, str) for v in response):
            raise InvalidResponse(_l("This answer is not one of the question's choices."))
        ids = self._ids(data)
        if any(v not in ids for v in response):
            raise InvalidResponse(_l("This answer is not one of the question's choices."))
        return [o["id"] for o in data["options"] if o["id"] in set(response)]

    def grade(self, data: dict, response) -> float:
        chosen = set(response or [])
        return clamp01(sum(o["fraction"] for o in data["options"] if o["id"] in chosen))

    def right_answer_text(self, data: dict) -> str:
        return "; ".join(o["text"] for o in data["options"] if o["fraction"] > 0)


class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True/false")
    template = "quizzes/types/true_false.html"
    editor_flags = (EditorFlag("answer", _l("The statement is true"), "bool", True),
                    EditorFlag("feedback_true", _l("Feedback when the answer is \"true\""), "text", ""),
                    EditorFlag("feedback_false", _l("Feedback when the answer is \"false\""), "text", ""))

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        if not isinstance(data.get("answer"), bool):
            raise InvalidQuestion(_l("A true/false question must say whether the statement is true."))
        return {"answer": data["answer"],
                "feedback_true": clean_text(data.get("feedback_true") or "", limit=5000, what=_l("Feedback")),
                "feedback_false": clean_text(data.get("feedback_false") or "", limit=5000, what=_l("Feedback"))}

    def check_response(self, data: dict, response):
        if response in (None, ""):
            return None
        if isinstance(response, bool):
            return response
        if response in ("true", "false"):
            return response == "true"
        raise InvalidResponse(_l("Answer true or false."))

    def grade(self, data: dict, response) -> float:
        return 1.0 if response is not None and response == data["answer"] else 0.0

    def response_text(self, data: dict, response) -> str:
        if response is None:
            return ""
        return str(_l("True")) if response else str(_l("False"))

    def right_answer_text(self, data: dict) -> str:
        return str(_l("True")) if data["answer"] else str(_l("False"))

    def feedback_for(self, data: dict, response) -> list[str]:
        if response is None:
            return []
        text = data["feedback_true"] if response else data["feedback_false"]
        return [text] if text else []


def percent(value) -> float:
    """A weight typed as a percentage on a form ("50", "-33,3", "") as a fraction."""
    text = str(value if value is not None else "").strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return 0.0
    try:
        return float(text) / 100
    except ValueError:
        raise InvalidQuestion(_l("\"%(value)s\" is not a percentage."), value=str(value)[:20]) from None
