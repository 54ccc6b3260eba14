"""Moodle GIFT: read and write, following Moodle's own reader (question/format/gift/format.php).

Questions are separated by blank lines; `//` lines are comments (Moodle reads `[tag:...]` and `[id:...]`
from them). Escapes: \\~ \\= \\# \\{ \\} \\: \\\\ and \\n. The type follows from the answer block:
none (description), empty (essay), `#...` (numerical), any `~` (choice; multiple answers when no `=`),
`=... -> ...` (matching), T/TRUE/F/FALSE (true/false), else short answer.

What GIFT cannot say (a shuffle switch, case sensitivity, an ordering question, a mark) is written in a
`// [lms:{...}]` comment that Moodle ignores and this reader applies, so an export imports back unchanged.
"""
from __future__ import annotations

import json
import re

from flask_babel import lazy_gettext as _l

from lms.quizzes.formats import (
    NOT_UTF8,
    TEXT_FORMATS,
    ParsedCategory,
    ParsedQuestion,
    ParseProblem,
    canonical,
    decode_text,
    default_name,
    has_bad_bytes,
    join_category_path,
    problem,
    split_category_path,
    type_default_mark,
)

_ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005",
            ":": "\ue006", "n": "\ue007"}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:\.\d+)?)\s*%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])+)\]")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_LINES = re.compile(r"\r\n|\r|\n")
_JOIN = re.compile(r"[ \t]*\n\s*")
LMS_COMMENT = "// [lms:"
MODIFIABLE = ("qtype", "name", "text", "text_format", "general_feedback", "data", "default_mark", "hidden")


def _pre(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(1)], text)


def _post(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str, default: str, *, join_lines: bool = False) -> tuple[str, str]:
    """Moodle's parse_text_with_format: an optional [format] prefix, then unescape and trim.

    An answer or its feedback that goes on over several lines is one text: its lines are joined with a
    space (an escaped \\n stays a line break).
    """
    fmt = default
    match = _FORMAT.match(text)
    if match:
        fmt, text = match.group(1), text[match.end():]
    if join_lines:
        text = _JOIN.sub(" ", text)
    return _post(text).strip(), fmt


def _comment_split(answer: str, default: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """`answer#feedback` (the first # only)."""
    text, _, feedback = answer.partition("#")
    return _with_format(text, default, join_lines=True), _with_format(feedback, default, join_lines=True)


def _weight(answer: str) -> tuple[float | None, str, str | None]:
    """(weight, rest, bad) where a %weight% prefix is read as a fraction; bad names a weight out of range."""
    match = _WEIGHT.match(answer)
    if not match:
        return None, answer, None
    value = float(match.group(1))
    if value < -100 or value > 100:
        return None, answer[match.end():], match.group(1)
    return round(value / 100, 7), answer[match.end():], None


def parse_gift(raw: bytes) -> list:
    """Parse a GIFT file: ParsedQuestion, ParsedCategory and ParseProblem items in file order."""
    text, _clean = decode_text(raw)
    items: list = []
    category = None
    block: list[tuple[int, str]] = []
    for number, line in enumerate(_LINES.split(text) + [""], start=1):
        if line.strip():
            block.append((number, line))
            continue
        if not block:
            continue
        item = parse_block(block, category)
        block = []
        if item is None:
            continue
        if isinstance(item, ParsedCategory):
            category = item.path
        items.append(item)
    return items


def parse_block(block: list[tuple[int, str]], category: str | None):  # noqa: C901  (one branch per GIFT question syntax)
    comments = [line.strip() for _, line in block if line.strip().startswith("//")]
    body = [(n, line) for n, line in block if not line.strip().startswith("//")]
    if not body:
        return None
    line = body[0][0]
    text = "\n".join(line_text for _, line_text in body).strip()
    if has_bad_bytes(text) or any(has_bad_bytes(c) for c in comments):
        return problem(line, NOT_UTF8)
    text = _pre(text)
    if text.startswith("$CATEGORY:"):
        return ParsedCategory(line=line, path=join_category_path(split_category_path(_post(text[10:]))))
    overrides, bad_comment = _lms_overrides(comments)
    if bad_comment:
        return problem(line, _l("The [lms:...] comment before this question is not readable."))
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        if end >= 0:
            name = " ".join(_post(text[:end]).split())
            text = text[end + 2:].strip()
    result = _parse_body(line, name, text, category)
    tags = [t.replace("\\]", "]").strip() for c in comments for t in _TAG.findall(c)]
    ids = [i.replace("\\]", "]").strip() for c in comments for i in _ID.findall(c)]
    if overrides:
        if isinstance(result, ParseProblem):
            if "qtype" not in overrides or "data" not in overrides:
                return result
            result = ParsedQuestion(line=line, qtype=overrides["qtype"], name=name, text=_post(text).strip(),
                                    category=category)
        for key in MODIFIABLE:
            if key in overrides:
                setattr(result, key, overrides[key])
    if isinstance(result, ParsedQuestion):
        result.tags = [t for t in tags if t]
        result.idnumber = ids[0] if ids else ""
        if not result.name:
            result.name = default_name(result.text, result.text_format)
    elif isinstance(result, ParseProblem):
        result.name = name
    return result


def _lms_overrides(comments: list[str]) -> tuple[dict, bool]:
    for comment in comments:
        if comment.startswith(LMS_COMMENT):
            body = comment[len(LMS_COMMENT):]
            if not body.endswith("]"):
                return {}, True
            try:
                value = json.loads(body[:-1])
            except ValueError:
                return {}, True
            if not isinstance(value, dict):
                return {}, True
            return {k: v for k, v in value.items() if k in MODIFIABLE}, False
    return {}, False


def _parse_body(line: int, name: str, text: str, category: str | None):
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        question_text, fmt = _with_format(text, "moodle")
        if not question_text:
            return problem(line, _l("The question has no text."))
        return ParsedQuestion(line=line, qtype="description", name=name, text=question_text, text_format=fmt,
                              category=category)
    if start < 0 or finish < start or text.count("{") != 1 or text.count("}") != 1:
        return problem(line,
                       _l("The braces { } of the answers are not balanced (write \\{ or \\} for a literal brace)."))
    answer_text = text[start + 1:finish].strip()
    if text.endswith("}"):
        question_text = text[:start]
    else:
        question_text = text[:start] + "_____" + text[finish + 1:]
    general_feedback = ""
    separator = answer_text.rfind("####")
    if separator >= 0:
        general_feedback = answer_text[separator + 4:]
        answer_text = answer_text[:separator].strip()
    question_text, fmt = _with_format(question_text, "moodle")
    if not question_text:
        return problem(line, _l("The question has no text."))
    general_feedback, _ = _with_format(general_feedback, fmt)
    question = ParsedQuestion(line=line, qtype="", name=name, text=question_text, text_format=fmt,
                              general_feedback=general_feedback, category=category)
    try:
        question.qtype, question.data = _answers(answer_text, fmt)
    except _Bad as bad:
        return problem(line, bad.message, **bad.params)
    return question


class _Bad(Exception):
    def __init__(self, message, **params):
        super().__init__(str(message))
        self.message, self.params = message, params


def _split(answer_text: str, separator: str) -> list[str]:
    parts = answer_text.split(separator)
    if parts and not parts[0].strip():
        parts = parts[1:]
    return [p.strip() for p in parts]


def _answers(answer_text: str, fmt: str) -> tuple[str, dict]:
    if answer_text == "":
        return "essay", {"min_words": 0, "max_words": 0, "grader_info": "", "response_template": ""}
    if answer_text.startswith("#"):
        return "numerical", _numerical(answer_text[1:], fmt)
    if "~" in answer_text:
        return _choice(answer_text, fmt)
    if "=" in answer_text and "->" in answer_text:
        return "matching", _matching(answer_text, fmt)
    check = answer_text.split("#", 1)[0].strip() if "#" in answer_text[1:] else answer_text
    if check in ("T", "TRUE", "F", "FALSE"):
        bits = answer_text.split("#", 2) + ["", ""]
        answer = bits[0].strip() in ("T", "TRUE")
        wrong, _ = _with_format(bits[1], fmt, join_lines=True)
        right, _ = _with_format(bits[2], fmt, join_lines=True)
        return "true_false", {"answer": answer,
                              "feedback_true": right if answer else wrong,
                              "feedback_false": wrong if answer else right}
    return "short_answer", _short(answer_text, fmt)


def _option(answer: str, fmt: str, fraction: float) -> dict:
    (text, text_fmt), (feedback, feedback_fmt) = _comment_split(answer, fmt)
    option = {"text": text, "fraction": fraction, "feedback": feedback}
    if text_fmt != fmt:
        option["format"] = text_fmt
    if feedback and feedback_fmt != fmt:
        option["feedback_format"] = feedback_fmt
    return option


def _bad_weight(value):
    raise _Bad(_l("The weight %(value)s%% is outside -100%% to 100%%."), value=value)


def _choice(answer_text: str, fmt: str) -> tuple[str, dict]:
    multiple = "=" not in answer_text
    answers = _split(answer_text.replace("=", "~="), "~")
    if len(answers) < 2:
        raise _Bad(_l("A choice question needs at least two answers."))
    options = []
    for answer in answers:
        fraction = 0.0
        if answer.startswith("="):
            answer = answer[1:]
            weight, rest, bad = _weight(answer)
            if bad:
                _bad_weight(bad)
            fraction, answer = (weight, rest) if weight is not None else (1.0, answer)
        else:
            weight, rest, bad = _weight(answer)
            if bad:
                _bad_weight(bad)
            if weight is not None:
                fraction, answer = weight, rest
        options.append(_option(answer, fmt, fraction))
    return ("multiple_choice" if multiple else "single_choice"), {"options": options, "shuffle": True}


def _matching(answer_text: str, fmt: str) -> dict:
    answers = _split(answer_text, "=")
    if len(answers) < 2:
        raise _Bad(_l("A matching question needs at least two pairs."))
    pairs = []
    for answer in answers:
        if "->" not in answer:
            raise _Bad(_l("Each matching pair must be written \"=item -> answer\"."))
        left, _, right = answer.partition("->")
        left_text, left_fmt = _with_format(left.strip(), fmt, join_lines=True)
        pair = {"left": left_text, "right": _post(_JOIN.sub(" ", right)).strip()}
        if left_text and left_fmt != fmt:
            pair["format"] = left_fmt
        pairs.append(pair)
    return {"pairs": pairs, "shuffle": True}


def _short(answer_text: str, fmt: str) -> dict:
    answers = []
    for answer in _split(answer_text, "="):
        weight, rest, bad = _weight(answer)
        if bad:
            _bad_weight(bad)
        option = _option(rest if weight is not None else answer, fmt, 1.0 if weight is None else weight)
        option.pop("format", None)
        answers.append(option)
    if not answers:
        raise _Bad(_l("A short-answer question needs at least one answer."))
    return {"answers": answers, "case_sensitive": False, "diacritics_sensitive": True, "wildcard": True}


def _gift_number(text: str) -> float | None:
    text = text.strip()
    if text == "*":
        return None
    try:
        value = float(text)
    except ValueError:
        raise _Bad(_l("\"%(value)s\" is not a number (write numbers with a point: 3.5)."), value=text[:40]) from None
    if value != value or abs(value) > 1e15:
        raise _Bad(_l("\"%(value)s\" is not a usable number."), value=text[:40])
    return value


def _numerical(answer_text: str, fmt: str) -> dict:
    wrong = ""
    tilde = answer_text.find("~")
    if tilde >= 0:
        wrong, answer_text = answer_text[tilde + 1:], answer_text[:tilde]
    answers = []
    for answer in _split(answer_text, "="):
        weight, rest, bad = _weight(answer)
        if bad:
            _bad_weight(bad)
        option = _option(rest if weight is not None else answer, fmt, 1.0 if weight is None else weight)
        value_text = option.pop("text")
        option.pop("format", None)
        if ".." in value_text[1:]:
            low_text, high_text = value_text.split("..", 1)
            low, high = _gift_number(low_text), _gift_number(high_text)
            if low is None or high is None or high < low:
                raise _Bad(_l("The range \"%(value)s\" is not a range of numbers."), value=value_text[:40])
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif ":" in value_text[1:]:
            value_part, tolerance_part = value_text.split(":", 1)
            value, tolerance = _gift_number(value_part), _gift_number(tolerance_part)
            if tolerance is None or tolerance < 0:
                raise _Bad(_l("The tolerance in \"%(value)s\" is not a positive number."), value=value_text[:40])
        else:
            value, tolerance = _gift_number(value_text), 0.0
        answers.append({"value": value, "tolerance": tolerance, **option})
    if not answers:
        raise _Bad(_l("A numerical question needs at least one number."))
    if wrong or tilde >= 0:
        _, (feedback, feedback_fmt) = _comment_split(wrong, fmt)
        entry = {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": feedback}
        if feedback and feedback_fmt != fmt:
            entry["feedback_format"] = feedback_fmt
        answers.append(entry)
    return {"answers": answers}


# -- writing --------------------------------------------------------------------------------------

def escape(text: str) -> str:
    text = (text or "").replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _weight_text(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _fmt(prefix_format: str | None) -> str:
    return f"[{prefix_format}]" if prefix_format in TEXT_FORMATS else ""


def _feedback(row: dict) -> str:
    if not row.get("feedback"):
        return ""
    prefix = _fmt(row.get("feedback_format"))
    # A feedback that starts with "[" reads as a format prefix unless a space comes first (as in Moodle).
    return "#" + (prefix or (" " if row["feedback"].startswith("[") else "")) + escape(row["feedback"])


def _native_answers(q: ParsedQuestion) -> str | None:  # noqa: C901  (one branch per question type GIFT can write)
    """The answer block for types GIFT can write, or None."""
    data = q.data
    lines: list[str] = []
    if q.qtype in ("single_choice", "multiple_choice"):
        for o in data.get("options", []):
            if q.qtype == "single_choice" and o["fraction"] >= 0.9999999:
                mark = "="
            else:
                mark = "~" + (f"%{_weight_text(o['fraction'])}%" if o["fraction"] else "")
            lines.append(mark + _fmt(o.get("format")) + escape(o["text"]) + _feedback(o))
    elif q.qtype == "short_answer":
        for a in data.get("answers", []):
            weight = "" if a["fraction"] >= 0.9999999 else f"%{_weight_text(a['fraction'])}%"
            lines.append("=" + weight + escape(a["text"]) + _feedback(a))
    elif q.qtype == "numerical":
        from lms.quizzes.types.answers import format_number
        lines.append("#")
        for a in data.get("answers", []):
            weight = "" if a["fraction"] >= 0.9999999 else f"%{_weight_text(a['fraction'])}%"
            value = "*" if a["value"] is None else f"{format_number(a['value'])}:{format_number(a['tolerance'])}"
            lines.append("=" + weight + value + _feedback(a))
    elif q.qtype == "matching":
        for p in data.get("pairs", []):
            left = (_fmt(p.get("format")) + escape(p["left"])) if p["left"] else ""
            lines.append(f"={left} -> {escape(p['right'])}")
    elif q.qtype == "true_false":
        answer = bool(data.get("answer"))
        right = data.get("feedback_true" if answer else "feedback_false") or ""
        wrong = data.get("feedback_false" if answer else "feedback_true") or ""
        feedback = f"#{escape(wrong)}#{escape(right)}" if (wrong or right) else ""
        lines.append(("TRUE" if answer else "FALSE") + feedback)
    elif q.qtype == "essay":
        pass
    else:
        return None
    if q.general_feedback:
        lines.append("####" + escape(q.general_feedback))
    if q.qtype == "numerical":
        head, rest = lines[0], lines[1:]
        return "{" + head + ("\n\t" + "\n\t".join(rest) if rest else "") + "\n}"
    return "{" + "".join("\n\t" + line for line in lines) + ("\n}" if lines else "}")


def _block_lines(q: ParsedQuestion, overrides: dict | None) -> list[str]:
    lines = [f"// [tag:{t.replace(']', chr(92) + ']')}]" for t in q.tags]
    if q.idnumber:
        lines.append(f"// [id:{q.idnumber.replace(']', chr(92) + ']')}]")
    if overrides:
        lines.append(LMS_COMMENT + json.dumps(overrides, ensure_ascii=False, separators=(",", ":")) + "]")
    head = f"::{escape(q.name)}::[{q.text_format if q.text_format in TEXT_FORMATS else 'moodle'}]{escape(q.text)}"
    answers = None if q.qtype == "description" else _native_answers(q)
    if answers is None and q.qtype != "description":
        answers = "{}"
    lines.append(head + (answers or ""))
    return lines


def write_question(q: ParsedQuestion) -> str:
    """One question as a GIFT block; what GIFT cannot carry goes into a `// [lms:{...}]` comment."""
    lines = _block_lines(q, None)
    want = canonical(q)
    want.pop("category")
    parsed = parse_block([(n, text) for n, block_line in enumerate(lines, 1) for text in block_line.split("\n")],
                         None)
    got = canonical(parsed) if isinstance(parsed, ParsedQuestion) else {}
    got.pop("category", None)
    if got != want:
        overrides = {}
        for key in MODIFIABLE:
            if want.get(key) != got.get(key) or key == "qtype" and not got:
                overrides[key] = getattr(q, key) if key != "default_mark" else want["default_mark"]
        if "qtype" in overrides or not got:
            overrides.update(qtype=q.qtype, data=q.data)
        lines = _block_lines(q, overrides)
    return "\n".join(lines)


def write_gift(questions: list[ParsedQuestion]) -> str:
    """A GIFT file with `$CATEGORY:` lines where the category changes; UTF-8 text."""
    out: list[str] = []
    current = object()
    for q in questions:
        if q.category != current:
            current = q.category
            if q.category:
                out.append(f"$CATEGORY: $course$/{escape(q.category)}")
        out.append(write_question(q))
    return "\n\n".join(out) + "\n"


__all__ = ["parse_gift", "write_gift", "write_question", "type_default_mark"]
