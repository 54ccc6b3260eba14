"""Matching, ordering, essay (graded by a lecturer) and description (text only, no marks)."""
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
    clean_text,
)
from lms.quizzes.types.choice import TEXT_FORMATS

MAX_ESSAY = 50_000


class Matching(QuestionType):
    """Each left-hand item is matched with one right-hand answer; rows with an empty left side add
    distractors. The score is the share of left-hand items matched rightly."""

    name = "matching"
    label = _l("Matching")
    template = "quizzes/types/matching.html"
    rows_key = "pairs"
    editor_columns = (EditorColumn("left", _l("Item (empty: an extra wrong answer)")),
                      EditorColumn("right", _l("Matching answer")))
    editor_flags = (EditorFlag("shuffle", _l("Shuffle the items"), "bool", True),)
    min_rows = 3

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        raw = data.get("pairs")
        if not isinstance(raw, list) or len(raw) > MAX_OPTIONS or not all(isinstance(p, dict) for p in raw):
            raise InvalidQuestion(_l("The matching pairs are not readable."))
        pairs = []
        for item in raw:
            left = clean_text(item.get("left") or "", limit=5000, what=_l("An item")).strip()
            right = clean_text(item.get("right") or "", limit=1000, what=_l("A matching answer")).strip()
            if not right:
                if left:
                    raise InvalidQuestion(_l("The item \"%(item)s\" has no matching answer."), item=left[:60])
                continue
            pair = {"id": item.get("id"), "left": left, "right": right}
            if item.get("format") in TEXT_FORMATS:
                pair["format"] = item["format"]
            pairs.append(pair)
        if sum(1 for p in pairs if p["left"]) < 2:
            raise InvalidQuestion(_l("A matching question needs at least two items with their answers."))
        return {"pairs": assign_ids(pairs, "p"), "shuffle": bool(data.get("shuffle", True))}

    def items(self, data: dict) -> list[dict]:
        return [p for p in data["pairs"] if p["left"]]

    def choices(self, data: dict) -> list[dict]:
        """The distinct right-hand answers (id of the first pair with that text), sorted by text."""
        seen: dict[str, str] = {}
        for pair in data["pairs"]:
            seen.setdefault(pair["right"], pair["id"])
        return [{"id": pid, "text": text} for text, pid in sorted(seen.items(), key=lambda kv: kv[0].casefold())]

    def shuffle_ids(self, data: dict) -> list[str]:
        return [p["id"] for p in self.items(data)]

    def parse_form(self, data: dict, get) -> object:
        response = {}
        for pair in self.items(data):
            values = [v for v in get("-" + pair["id"]) if v]
            if values:
                response[pair["id"]] = values[0]
        return self.check_response(data, response)

    def check_response(self, data: dict, response):
        if response in (None, {}):
            return None
        if not isinstance(response, dict):
            raise InvalidResponse(_l("This answer does not fit the question."))
        items = {p["id"] for p in self.items(data)}
        choices = {c["id"] for c in self.choices(data)}
        for key, value in response.items():
            if key not in items or value not in choices:
                raise InvalidResponse(_l("This answer does not fit the question."))
        return {k: response[k] for k in sorted(response)} or None

    def grade(self, data: dict, response) -> float:
        items = self.items(data)
        if not items or not response:
            return 0.0
        right_text = {p["id"]: p["right"] for p in data["pairs"]}
        right = sum(1 for p in items if right_text.get((response or {}).get(p["id"])) == p["right"])
        return right / len(items)

    def response_text(self, data: dict, response) -> str:
        right_text = {p["id"]: p["right"] for p in data["pairs"]}
        return "; ".join(f"{p['left']} → {right_text.get((response or {}).get(p['id']), '—')}"
                         for p in self.items(data)) if response else ""

    def right_answer_text(self, data: dict) -> str:
        return "; ".join(f"{p['left']} → {p['right']}" for p in self.items(data))

class Ordering(QuestionType):
    """Put items in order. Partial credit: the longest run of items already in the right order relative
    to each other (not necessarily adjacent), as a share of all items."""

    name = "ordering"
    label = _l("Ordering")
    template = "quizzes/types/ordering.html"
    rows_key = "items"
    editor_columns = (EditorColumn("text", _l("Item (in the right order)")),)
    min_rows = 3

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        raw = data.get("items")
        if not isinstance(raw, list) or len(raw) > MAX_OPTIONS or not all(isinstance(i, dict) for i in raw):
            raise InvalidQuestion(_l("The items to order are not readable."))
        items = []
        for item in raw:
            text = clean_text(item.get("text") or "", limit=1000, what=_l("An item")).strip()
            if text:
                entry = {"id": item.get("id"), "text": text}
                if item.get("format") in TEXT_FORMATS:
                    entry["format"] = item["format"]
                items.append(entry)
        if len(items) < 2:
            raise InvalidQuestion(_l("An ordering question needs at least two items."))
        return {"items": assign_ids(items, "i")}

    def shuffle_ids(self, data: dict) -> list[str]:
        return [i["id"] for i in data["items"]]

    def must_shuffle(self, data: dict) -> bool:
        return True

    def initial_order(self, data, shuffle, rng):
        ids = self.shuffle_ids(data)
        order = list(ids)
        for _ in range(10):
            rng.shuffle(order)
            if order != ids:
                break
        if order == ids and len(ids) > 1:
            order[0], order[1] = order[1], order[0]
        return order

    def parse_form(self, data: dict, get) -> object:
        positions = {}
        for item in data["items"]:
            values = [v for v in get("-" + item["id"]) if v]
            if values:
                positions[item["id"]] = values[0]
        if not positions:
            return None
        n = len(data["items"])
        try:
            numbers = {k: int(v) for k, v in positions.items()}
        except ValueError:
            raise InvalidResponse(_l("Give each item a position from 1 to %(n)s."), n=n) from None
        if len(numbers) != n or sorted(numbers.values()) != list(range(1, n + 1)):
            raise InvalidResponse(_l("Give each item a different position from 1 to %(n)s."), n=n)
        return self.check_response(data, sorted(numbers, key=numbers.get))

    def check_response(self, data: dict, response):
        if response in (None, []):
            return None
        ids = [i["id"] for i in data["items"]]
        if not isinstance(response, list) or sorted(map(str, response)) != sorted(ids):
            raise InvalidResponse(_l("This answer does not fit the question."))
        return list(response)

    def grade(self, data: dict, response) -> float:
        if not response:
            return 0.0
        rank = {item["id"]: n for n, item in enumerate(data["items"])}
        sequence = [rank[i] for i in response if i in rank]
        return longest_increasing_run(sequence) / len(data["items"])

    def response_text(self, data: dict, response) -> str:
        text = {i["id"]: i["text"] for i in data["items"]}
        return " → ".join(text.get(i, "?") for i in response) if response else ""

    def right_answer_text(self, data: dict) -> str:
        return " → ".join(i["text"] for i in data["items"])


def longest_increasing_run(sequence: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    import bisect
    tails: list[int] = []
    for value in sequence:
        index = bisect.bisect_left(tails, value)
        if index == len(tails):
            tails.append(value)
        else:
            tails[index] = value
    return len(tails)


class Essay(QuestionType):
    """A written answer that a lecturer grades. An essay left empty is graded 0 without waiting."""

    name = "essay"
    label = _l("Essay")
    automatic = False
    template = "quizzes/types/essay.html"
    editor_flags = (EditorFlag("min_words", _l("Minimum words (0: none)"), "int", 0),
                    EditorFlag("max_words", _l("Maximum words (0: none)"), "int", 0),
                    EditorFlag("response_template", _l("Text the answer box starts with"), "textarea", ""),
                    EditorFlag("grader_info", _l("Information for graders"), "textarea", ""))

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        result = {}
        for key in ("min_words", "max_words"):
            try:
                value = int(data.get(key) or 0)
            except (TypeError, ValueError):
                raise InvalidQuestion(_l("A word limit must be a whole number.")) from None
            if value < 0 or value > 100_000:
                raise InvalidQuestion(_l("A word limit must be between 0 and 100000."))
            result[key] = value
        if result["max_words"] and result["min_words"] > result["max_words"]:
            raise InvalidQuestion(_l("The minimum number of words is above the maximum."))
        result["response_template"] = clean_text(data.get("response_template") or "", limit=10_000,
                                                 what=_l("The answer template"))
        result["grader_info"] = clean_text(data.get("grader_info") or "", limit=10_000, what=_l("Grader information"))
        return result

    def check_response(self, data: dict, response):
        if response is None:
            return None
        if not isinstance(response, str):
            raise InvalidResponse(_l("The answer must be text."))
        if len(response) > MAX_ESSAY:
            raise InvalidResponse(_l("The answer is longer than %(n)s characters."), n=MAX_ESSAY)
        text = response.replace("\r\n", "\n")
        return text if text.strip() else None

    def grade(self, data: dict, response) -> float | None:
        return None

    def editor_flag_values(self, data: dict) -> dict:
        return {f.key: data.get(f.key, f.default) for f in self.editor_flags}

    def from_editor(self, rows, flags) -> dict:
        return {f.key: flags.get(f.key, f.default) for f in self.editor_flags}


class Description(QuestionType):
    """Text shown among the questions (instructions, a case to read); asks nothing, carries no marks."""

    name = "description"
    label = _l("Description (no answer)")
    gradable = False
    template = "quizzes/types/description.html"
    default_mark = 0.0

    def validate(self, data: dict) -> dict:
        super().validate(data)
        return {}

    def check_response(self, data: dict, response):
        if response not in (None, ""):
            raise InvalidResponse(_l("This part of the quiz takes no answer."))
        return None

    def parse_form(self, data, get):
        return None

    def grade(self, data: dict, response) -> float | None:
        return None
