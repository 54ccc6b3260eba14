"""Moodle XML (`<quiz>` of `<question type="...">`): read and write, with categories.

Reading goes through defusedxml's SAX parser with DTDs refused: no entity expansion (billion laughs),
no external entities, no network; size and nesting depth are capped (lms/core/limits.py). Elements this
reader does not know are ignored, as Moodle does. Line numbers come from the parser, so each problem
names the line of its `<question>` element.

Types: multichoice (single or multiple), truefalse, shortanswer, numerical, matching, essay, description,
ordering (Moodle's qtype_ordering); a type registered by another plugin is written as
`type="lms_<name>"`. What Moodle XML cannot say is written in an `<lmsdata>` element (JSON) that Moodle
ignores and this reader applies, so an export imports back unchanged.
"""
from __future__ import annotations

import json
import math
import re
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, ErrorHandler
from xml.sax.saxutils import escape, quoteattr

import defusedxml.sax
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from flask_babel import lazy_gettext as _l

from lms.core import limits
from lms.quizzes.formats import (
    FileUnreadable,
    ParsedCategory,
    ParsedQuestion,
    canonical,
    default_name,
    join_category_path,
    problem,
    split_category_path,
)

FROM_MOODLE = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown",
               "1": "html", "0": "moodle", "2": "plain", "4": "markdown"}
TO_MOODLE = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text", "markdown": "markdown"}
UNSUPPORTED = {"multianswer": "Cloze", "calculated": "Calculated", "calculatedsimple": "Calculated",
               "calculatedmulti": "Calculated", "ddwtos": "Drag and drop into text",
               "gapselect": "Select missing words",
               "randomsamatch": "Random short-answer matching", "random": "Random", "ddmarker": "Drag and drop markers",
               "ddimageortext": "Drag and drop onto image"}
MODIFIABLE = ("qtype", "name", "text", "text_format", "general_feedback", "data", "default_mark", "hidden")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Node:
    __slots__ = ("tag", "attrs", "children", "parts", "line")

    def __init__(self, tag: str, attrs: dict, line: int) -> None:
        self.tag, self.attrs, self.line = tag, attrs, line
        self.children: list[Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def find(self, path: str) -> Node | None:
        node = self
        for tag in path.split("/"):
            node = next((c for c in node.children if c.tag == tag), None) if node else None
        return node

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, path: str, default: str = "") -> str:
        node = self.find(path)
        return node.text if node is not None else default


class _TreeBuilder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.locator = None

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def startElement(self, name, attrs) -> None:
        limits.check_xml_depth(len(self.stack) + 1)
        node = Node(name, dict(attrs.items()), self.locator.getLineNumber() if self.locator else 0)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name) -> None:
        self.stack.pop()

    def characters(self, content) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


class _Errors(ErrorHandler):
    def error(self, exception):
        raise exception

    def fatalError(self, exception):
        raise exception

    def warning(self, exception):
        return None


def read_tree(raw: bytes) -> Node:
    """Parse XML safely into Nodes with line numbers, or raise FileUnreadable with a clear message."""
    builder = _TreeBuilder()
    try:
        limits.check_xml_size(raw)
        defusedxml.sax.parseString(raw, builder, errorHandler=_Errors(), forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DTDForbidden:
        raise FileUnreadable(_l("The XML file declares a DTD (<!DOCTYPE ...>); DTDs and entities are refused for "
                                "safety. Export the questions from Moodle again without it.")) from None
    except (EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException):
        raise FileUnreadable(_l("The XML file declares entities or refers to external files; they are refused "
                                "for safety.")) from None
    except limits.LimitExceeded as error:
        raise FileUnreadable(error.message, **error.params) from None
    except SAXParseException as error:
        raise FileUnreadable(_l("The file is not well-formed XML at line %(line)s: %(reason)s. Check that it is a "
                                "Moodle XML export saved as UTF-8."), line=error.getLineNumber(),
                             reason=error.getMessage()) from None
    if builder.root is None:
        raise FileUnreadable(_l("The XML file is empty."))
    return builder.root


class _Bad(Exception):
    def __init__(self, message, **params):
        super().__init__(str(message))
        self.message, self.params = message, params


def _fraction(value: str) -> float:
    try:
        number = float((value or "0").strip())
    except ValueError:
        raise _Bad(_l("The fraction \"%(value)s\" is not a number."), value=str(value)[:20]) from None
    if not math.isfinite(number) or number < -100 or number > 100:
        raise _Bad(_l("The fraction \"%(value)s\" is outside -100 to 100."), value=str(value)[:20])
    return round(number / 100, 7)


def _number(value: str, what) -> float:
    try:
        number = float((value or "").strip())
    except ValueError:
        raise _Bad(_l("%(what)s \"%(value)s\" is not a number."), what=what, value=str(value)[:30]) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise _Bad(_l("%(what)s \"%(value)s\" is not a usable number."), what=what, value=str(value)[:30])
    return number


def _flag(node: Node, path: str, default: bool) -> bool:
    value = node.value(path, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes")


def _fmt(node: Node | None, default: str = "html") -> str:
    if node is None:
        return default
    return FROM_MOODLE.get(node.attrs.get("format", ""), default)


def parse_moodle_xml(raw: bytes) -> list:
    root = read_tree(raw)
    if root.tag != "quiz":
        raise FileUnreadable(_l("This is not a Moodle XML question file: its root element is <%(tag)s>, not <quiz>."),
                             line=root.line, tag=root.tag[:40])
    items: list = []
    category = None
    for node in root.findall("question"):
        qtype = node.attrs.get("type", "").strip()
        if qtype == "category":
            path = join_category_path(split_category_path(node.value("category/text")))
            items.append(ParsedCategory(line=node.line, path=path, info=node.value("info/text").strip()))
            category = path or None
            continue
        name = " ".join(node.value("name/text").split())
        try:
            items.append(_question(node, qtype, category, name))
        except _Bad as bad:
            items.append(problem(node.line, bad.message, name=name, **bad.params))
    return items


def _question(node: Node, qtype: str, category: str | None, name: str) -> ParsedQuestion:  # noqa: C901  (one branch per optional element of a Moodle question)
    overrides = {}
    lmsdata = node.find("lmsdata")
    if lmsdata is not None:
        try:
            overrides = json.loads(lmsdata.text)
        except ValueError:
            raise _Bad(_l("The <lmsdata> element of this question is not readable.")) from None
        if not isinstance(overrides, dict):
            raise _Bad(_l("The <lmsdata> element of this question is not readable."))
    text_node = node.find("questiontext")
    fmt = _fmt(text_node)
    text = (text_node.value("text") if text_node is not None else "").strip()
    question = ParsedQuestion(line=node.line, qtype="", name=name, text=text, text_format=fmt, category=category,
                              general_feedback=node.value("generalfeedback/text").strip(),
                              idnumber=node.value("idnumber").strip()[:100], hidden=_flag(node, "hidden", False))
    grade = node.value("defaultgrade").strip()
    if grade:
        question.default_mark = _number(grade, _l("The default mark"))
        if question.default_mark < 0 or question.default_mark > 1000:
            raise _Bad(_l("The default mark must be between 0 and 1000."))
    tags = node.find("tags")
    question.tags = [" ".join(t.value("text").split()) for t in tags.findall("tag")] if tags is not None else []
    question.tags = [t for t in question.tags if t]
    if "qtype" in overrides and "data" in overrides:
        question.qtype, question.data = overrides["qtype"], overrides["data"]
    elif qtype in UNSUPPORTED or qtype not in _READERS and not qtype.startswith("lms_"):
        raise _Bad(_l("The Moodle question type \"%(type)s\" is not supported here; the question was skipped."),
                   type=UNSUPPORTED.get(qtype, qtype or "?"))
    elif qtype.startswith("lms_"):
        raise _Bad(_l("The question of type \"%(type)s\" carries no definition."), type=qtype)
    else:
        question.qtype, question.data = _READERS[qtype](node, fmt)
    for key in MODIFIABLE:
        if key in overrides:
            setattr(question, key, overrides[key])
    if not question.text:
        raise _Bad(_l("The question has no text."))
    if not question.name:
        question.name = default_name(question.text, question.text_format)
    return question


def _options(node: Node, fmt: str, *, with_format: bool = True) -> list[dict]:
    options = []
    for answer in node.findall("answer"):
        option = {"text": answer.value("text").strip(), "fraction": _fraction(answer.attrs.get("fraction", "0")),
                  "feedback": answer.value("feedback/text").strip()}
        answer_fmt = _fmt(answer, fmt)
        if with_format and answer_fmt != fmt:
            option["format"] = answer_fmt
        feedback_fmt = _fmt(answer.find("feedback"), fmt)
        if option["feedback"] and feedback_fmt != fmt:
            option["feedback_format"] = feedback_fmt
        options.append(option)
    return options


def _multichoice(node: Node, fmt: str):
    single = _flag(node, "single", True)
    return ("single_choice" if single else "multiple_choice"), {
        "options": _options(node, fmt), "shuffle": _flag(node, "shuffleanswers", True)}


def _truefalse(node: Node, fmt: str):
    answers = {a.value("text").strip().lower(): a for a in node.findall("answer")}
    if "true" not in answers or "false" not in answers:
        raise _Bad(_l("A true/false question needs a \"true\" and a \"false\" answer."))
    answer = _fraction(answers["true"].attrs.get("fraction", "0")) >= 0.9999999
    return "true_false", {"answer": answer, "feedback_true": answers["true"].value("feedback/text").strip(),
                          "feedback_false": answers["false"].value("feedback/text").strip()}


def _shortanswer(node: Node, fmt: str):
    answers = _options(node, fmt, with_format=False)
    return "short_answer", {"answers": answers, "case_sensitive": _flag(node, "usecase", False),
                            "diacritics_sensitive": _flag(node, "lms_diacriticsensitive", True),
                            "wildcard": _flag(node, "lms_wildcard", True)}


def _numerical(node: Node, fmt: str):
    answers = []
    for answer in node.findall("answer"):
        value_text = answer.value("text").strip()
        entry = {"value": None if value_text in ("*", "") else _number(value_text, _l("The answer")),
                 "tolerance": _number(answer.value("tolerance") or "0", _l("The tolerance")),
                 "fraction": _fraction(answer.attrs.get("fraction", "0")),
                 "feedback": answer.value("feedback/text").strip()}
        feedback_fmt = _fmt(answer.find("feedback"), fmt)
        if entry["feedback"] and feedback_fmt != fmt:
            entry["feedback_format"] = feedback_fmt
        answers.append(entry)
    return "numerical", {"answers": answers}


def _matching(node: Node, fmt: str):
    pairs = []
    for sub in node.findall("subquestion"):
        pair = {"left": sub.value("text").strip(), "right": sub.value("answer/text").strip()}
        sub_fmt = _fmt(sub, fmt)
        if pair["left"] and sub_fmt != fmt:
            pair["format"] = sub_fmt
        pairs.append(pair)
    return "matching", {"pairs": pairs, "shuffle": _flag(node, "shuffleanswers", True)}


def _ordering(node: Node, fmt: str):
    answers = node.findall("answer")
    keyed = []
    for index, answer in enumerate(answers):
        try:
            rank = float(answer.attrs.get("fraction", index + 1))
        except ValueError:
            rank = float(index + 1)
        keyed.append((rank, index, answer))
    items = []
    for _, _, answer in sorted(keyed, key=lambda k: (k[0], k[1])):
        item = {"text": answer.value("text").strip()}
        answer_fmt = _fmt(answer, fmt)
        if answer_fmt != fmt:
            item["format"] = answer_fmt
        items.append(item)
    return "ordering", {"items": items}


def _essay(node: Node, fmt: str):
    def words(path: str) -> int:
        value = node.value(path).strip()
        if not value:
            return 0
        number = _number(value, _l("A word limit"))
        return int(number) if number >= 0 else 0
    return "essay", {"min_words": words("minwordlimit"), "max_words": words("maxwordlimit"),
                     "grader_info": node.value("graderinfo/text").strip(),
                     "response_template": node.value("responsetemplate/text").strip()}


def _description(node: Node, fmt: str):
    return "description", {}


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "match": _matching, "ordering": _ordering,
            "essay": _essay, "description": _description}


# -- writing --------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text or "")


def _text(value: str, indent: str) -> str:
    value = _clean(value)
    if "<" in value or "&" in value:
        return f"{indent}<text><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></text>"
    return f"{indent}<text>{escape(value)}</text>"


def _texted(tag: str, value: str, fmt: str | None, indent: str) -> list[str]:
    attr = f" format={quoteattr(TO_MOODLE.get(fmt, fmt))}" if fmt else ""
    return [f"{indent}<{tag}{attr}>", _text(value, indent + "  "), f"{indent}</{tag}>"]


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".") or "0"


def _answer(option: dict, q_fmt: str, indent: str, text_key: str = "text", extra: list[str] | None = None) -> list[str]:
    fmt = option.get("format", q_fmt)
    lines = [f"{indent}<answer fraction={quoteattr(_percent(option.get('fraction', 0)))} "
             f"format={quoteattr(TO_MOODLE.get(fmt, fmt))}>", _text(str(option.get(text_key, "")), indent + "  ")]
    lines += extra or []
    lines += _texted("feedback", option.get("feedback", ""), option.get("feedback_format", q_fmt), indent + "  ")
    lines.append(f"{indent}</answer>")
    return lines


def _type_body(q: ParsedQuestion, indent: str) -> tuple[str, list[str]]:  # noqa: C901  (one branch per question type Moodle XML can write)
    from lms.quizzes.types.answers import format_number
    data, fmt, lines = q.data, q.text_format, []
    if q.qtype in ("single_choice", "multiple_choice"):
        lines.append(f"{indent}<single>{'true' if q.qtype == 'single_choice' else 'false'}</single>")
        lines.append(f"{indent}<shuffleanswers>{'true' if data.get('shuffle', True) else 'false'}</shuffleanswers>")
        lines.append(f"{indent}<answernumbering>abc</answernumbering>")
        for option in data.get("options", []):
            lines += _answer(option, fmt, indent)
        return "multichoice", lines
    if q.qtype == "true_false":
        for value in (True, False):
            option = {"text": "true" if value else "false", "fraction": 1.0 if data.get("answer") is value else 0.0,
                      "feedback": data.get("feedback_true" if value else "feedback_false", "")}
            lines += _answer(option, "moodle", indent)
        return "truefalse", lines
    if q.qtype == "short_answer":
        lines.append(f"{indent}<usecase>{1 if data.get('case_sensitive') else 0}</usecase>")
        lines.append(f"{indent}<lms_diacriticsensitive>{1 if data.get('diacritics_sensitive', True) else 0}"
                     f"</lms_diacriticsensitive>")
        lines.append(f"{indent}<lms_wildcard>{1 if data.get('wildcard', True) else 0}</lms_wildcard>")
        for answer in data.get("answers", []):
            lines += _answer(dict(answer, format="moodle"), fmt, indent)
        return "shortanswer", lines
    if q.qtype == "numerical":
        for answer in data.get("answers", []):
            value = "*" if answer.get("value") is None else format_number(answer["value"])
            tolerance = [f"{indent}  <tolerance>{format_number(answer.get('tolerance') or 0)}</tolerance>"]
            lines += _answer(dict(answer, text=value, format="moodle"), fmt, indent, extra=tolerance)
        return "numerical", lines
    if q.qtype == "matching":
        lines.append(f"{indent}<shuffleanswers>{'true' if data.get('shuffle', True) else 'false'}</shuffleanswers>")
        for pair in data.get("pairs", []):
            pair_fmt = pair.get("format", fmt)
            lines.append(f"{indent}<subquestion format={quoteattr(TO_MOODLE.get(pair_fmt, pair_fmt))}>")
            lines.append(_text(pair.get("left", ""), indent + "  "))
            lines += [f"{indent}  <answer>", _text(pair.get("right", ""), indent + "    "), f"{indent}  </answer>"]
            lines.append(f"{indent}</subquestion>")
        return "matching", lines
    if q.qtype == "ordering":
        lines += [f"{indent}<layouttype>VERTICAL</layouttype>", f"{indent}<selecttype>ALL</selecttype>",
                  f"{indent}<selectcount>0</selectcount>", f"{indent}<gradingtype>LONGESTORDEREDSUBSET</gradingtype>"]
        for rank, item in enumerate(data.get("items", []), start=1):
            item_fmt = item.get("format", fmt)
            lines.append(f"{indent}<answer fraction=\"{rank}\" format={quoteattr(TO_MOODLE.get(item_fmt, item_fmt))}>")
            lines.append(_text(item.get("text", ""), indent + "  "))
            lines.append(f"{indent}</answer>")
        return "ordering", lines
    if q.qtype == "essay":
        lines += [f"{indent}<responseformat>editor</responseformat>", f"{indent}<responserequired>1</responserequired>",
                  f"{indent}<responsefieldlines>10</responsefieldlines>",
                  f"{indent}<minwordlimit>{data.get('min_words') or ''}</minwordlimit>",
                  f"{indent}<maxwordlimit>{data.get('max_words') or ''}</maxwordlimit>",
                  f"{indent}<attachments>0</attachments>", f"{indent}<attachmentsrequired>0</attachmentsrequired>"]
        lines += _texted("graderinfo", data.get("grader_info", ""), "moodle", indent)
        lines += _texted("responsetemplate", data.get("response_template", ""), "moodle", indent)
        return "essay", lines
    if q.qtype == "description":
        return "description", lines
    return f"lms_{q.qtype}", lines


def _question_xml(q: ParsedQuestion, overrides: dict | None) -> str:
    indent = "    "
    moodle_type, body = _type_body(q, indent)
    mark = q.default_mark if q.default_mark is not None else 1.0
    lines = [f"  <question type={quoteattr(moodle_type)}>"]
    lines += [f"{indent}<name>", _text(q.name, indent + "  "), f"{indent}</name>"]
    lines += _texted("questiontext", q.text, q.text_format, indent)
    lines += _texted("generalfeedback", q.general_feedback, q.text_format, indent)
    lines.append(f"{indent}<defaultgrade>{mark:.7f}</defaultgrade>")
    lines.append(f"{indent}<penalty>0.0000000</penalty>")
    lines.append(f"{indent}<hidden>{1 if q.hidden else 0}</hidden>")
    lines.append(f"{indent}<idnumber>{escape(_clean(q.idnumber))}</idnumber>")
    lines += body
    if q.tags:
        lines.append(f"{indent}<tags>")
        for tag in q.tags:
            lines += [f"{indent}  <tag>", _text(tag, indent + "    "), f"{indent}  </tag>"]
        lines.append(f"{indent}</tags>")
    if overrides:
        payload = json.dumps(overrides, ensure_ascii=False).replace("]]>", "]]\\u003e")
        lines.append(f"{indent}<lmsdata><![CDATA[{payload}]]></lmsdata>")
    lines.append("  </question>")
    return "\n".join(lines)


def write_question(q: ParsedQuestion) -> str:
    """One `<question>` element; whatever Moodle XML would lose goes into `<lmsdata>`."""
    xml = _question_xml(q, None)
    want = canonical(q)
    want.pop("category")
    try:
        parsed = parse_moodle_xml(("<quiz>\n" + xml + "\n</quiz>").encode("utf-8"))[0]
    except FileUnreadable:
        parsed = None
    got = canonical(parsed) if isinstance(parsed, ParsedQuestion) else {}
    got.pop("category", None)
    if got != want:
        overrides = {key: (getattr(q, key) if key != "default_mark" else want["default_mark"])
                     for key in MODIFIABLE if want.get(key) != got.get(key)}
        overrides.update(qtype=q.qtype, data=q.data)
        xml = _question_xml(q, overrides)
    return xml


def write_moodle_xml(questions: list[ParsedQuestion], category_info: dict[str, str] | None = None) -> str:
    """A Moodle XML file: a category element wherever the category changes, then its questions."""
    category_info = category_info or {}
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    current = object()
    for q in questions:
        if q.category != current:
            current = q.category
            if q.category:
                out += ["  <question type=\"category\">", "    <category>",
                        _text(f"$course$/{q.category}", "      "), "    </category>",
                        *_texted("info", category_info.get(q.category, ""), "html", "    "), "  </question>"]
        out.append(write_question(q))
    out.append("</quiz>")
    return "\n".join(out) + "\n"
