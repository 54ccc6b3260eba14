"""The file formats on their own: the interop files, escapes, and files that are broken on purpose."""
from __future__ import annotations

import pytest

from lms.quizzes.formats import FileUnreadable, ParsedCategory, ParsedQuestion, ParseProblem, canonical
from lms.quizzes.formats.aiken import parse_aiken
from lms.quizzes.formats.gift import parse_gift, write_gift
from lms.quizzes.formats.moodle_xml import parse_moodle_xml, write_moodle_xml
from tests.quizzes.conftest import INTEROP


def questions(items):
    return [i for i in items if isinstance(i, ParsedQuestion)]


def problems(items):
    return [i for i in items if isinstance(i, ParseProblem)]


def test_moodle_gift_fixture_reads_nine_questions_of_every_kind():
    items = parse_gift((INTEROP / "gift" / "questions.gift.txt").read_bytes())
    found = questions(items)
    assert len(found) == 9 and problems(items) == []
    assert [q.qtype for q in found] == ["essay", "matching", "single_choice", "multiple_choice", "numerical",
                                        "short_answer", "true_false", "true_false", "true_false"]
    matching = found[1]
    assert matching.text_format == "html" and matching.data["pairs"][-1] == {"left": "", "right": "Chat"}
    colours = found[3]
    assert [o["fraction"] for o in colours.data["options"]] == [0.5, -1.0, 0.5, -1.0]
    numerical = found[4]
    assert numerical.data["answers"][0] == {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}
    assert numerical.data["answers"][1]["value"] is None
    assert numerical.data["answers"][1]["feedback"] == "Completely wrong"
    tf = found[6]
    assert tf.data["answer"] is False and tf.data["feedback_false"] == "You gave the right answer."
    assert tf.general_feedback.startswith("This is, of course")


def test_gift_documentation_walkthrough_and_escapes():
    found = questions(parse_gift((INTEROP / "gift" / "options1.gift").read_bytes()))
    assert len(found) == 14
    thanksgiving = next(q for q in found if q.name == "Thanksgiving Date")
    assert "the _____ Thursday" in thanksgiving.text
    assert next(q for q in found if q.name == "Kanji Origins").text == ("Japanese characters originally\n"
                                                                        "came from what country?")
    assert found[5].text_format == "markdown"
    equals = next(q for q in found if q.name == "Which answer equals 5?")
    assert [o["text"] for o in equals.data["options"]] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    escape_all = questions(parse_gift((INTEROP / "gift" / "escapeAll.gift").read_bytes()))[0]
    right = [o for o in escape_all.data["options"] if o["fraction"] == 1][0]
    assert right["text"] == "\\"
    assert right["feedback"] == ("Correct! \\ (backslash) is not a control character. BUT, it is used to escape the "
                                 "control characters.")
    assert [o["text"] for o in escape_all.data["options"]][:6] == ["~", "=", "#", "{", "}", ":"]


def test_aiken_fixture_reads_two_questions_and_keeps_markup_as_text():
    found = questions(parse_aiken((INTEROP / "aiken" / "questions.aiken.txt").read_bytes()))
    assert len(found) == 2
    assert found[0].data["options"][1] == {"text": "Martin Dougiamas", "fraction": 1.0, "feedback": ""}
    assert found[1].text_format == "plain" and '<html class="cool"> &' in found[1].text


def test_moodle_xml_fixture_reads_five_questions_in_four_categories():
    items = parse_moodle_xml((INTEROP / "moodle-xml" / "nested_categories_with_questions.xml").read_bytes())
    assert [c.path for c in items if isinstance(c, ParsedCategory)] == ["Iota", "Iota/Kappa", "Iota/Kappa/Lambda",
                                                                      "Iota/Mu"]
    found = questions(items)
    assert len(found) == 5 and [q.qtype for q in found].count("true_false") == 4
    assert found[1].qtype == "essay" and found[1].category == "Iota/Kappa"
    assert found[0].text == "<p>Testing Iota Question</p>" and found[0].text_format == "html"


@pytest.mark.parametrize("name", ["questions.gift.txt", "options1.gift", "escapeAll.gift"])
def test_gift_export_imports_back_unchanged_in_both_formats(app, name):
    original = questions(parse_gift((INTEROP / "gift" / name).read_bytes()))
    again = questions(parse_gift(write_gift(original).encode()))
    assert [canonical(q) for q in again] == [canonical(q) for q in original]
    via_xml = questions(parse_moodle_xml(write_moodle_xml(original).encode()))
    assert [canonical(q) for q in via_xml] == [canonical(q) for q in original]


def test_writers_carry_what_the_format_cannot_say(app):
    tricky = [
        ParsedQuestion(line=0, qtype="ordering", name="Thứ tự", text="Xếp các bước", text_format="plain",
                       data={"items": [{"id": "i1", "text": "Một"}, {"id": "i2", "text": "Hai"}]}),
        ParsedQuestion(line=0, qtype="short_answer", name="TF-looking", text="Viết TRUE", data={
            "answers": [{"id": "r1", "text": "TRUE", "fraction": 1.0, "feedback": ""}], "case_sensitive": True,
            "diacritics_sensitive": False, "wildcard": False}, default_mark=2.5, tags=["luật", "a]b"]),
        ParsedQuestion(line=0, qtype="single_choice", name="  spaced   name ", text="Dòng 1\nDòng 2 {x} # : ~ =",
                       data={"options": [{"id": "a1", "text": "[html]literal", "fraction": 1.0, "feedback": ""},
                                         {"id": "a2", "text": "->", "fraction": 0.0, "feedback": "[plain]fb"}],
                             "shuffle": False}, hidden=True, idnumber="Q-1"),
        ParsedQuestion(line=0, qtype="description", name="Mô tả", text="Đọc tình huống", general_feedback="x",
                       default_mark=0.0),
    ]
    for writer, reader in ((write_gift, parse_gift), (write_moodle_xml, parse_moodle_xml)):
        back = questions(reader(writer(tricky).encode()))
        assert [canonical(q) for q in back] == [canonical(q) for q in tricky], writer.__name__


@pytest.mark.parametrize("text,line,fragment", [
    ("::A:: Unclosed {=yes ~no\n", 1, "not balanced"),
    ("::B:: Two blocks {=a ~b} and {=c ~d}\n", 1, "not balanced"),
    ("::C:: Closing first } oops {\n", 1, "not balanced"),
    ("::D:: Only one {~a}\n", 1, "at least two"),
    ("::E:: Bad weight {~%500%a =b}\n", 1, "outside"),
    ("::F:: Not a number {#abc}\n", 1, "not a number"),
    ("::G:: Matching without arrow {=a -> b =c}\n", 1, "item -> answer"),
    ("// comment\n\n::H::{=a}\n", 3, "no text"),
])
def test_malformed_gift_is_reported_by_line_and_the_rest_imports(text, line, fragment):
    raw = ("::Good:: Thủ đô là? {=Hà Nội ~Huế}\n\n" + text + "\n::Good2:: 2+2? {#4}\n").encode()
    items = parse_gift(raw)
    assert [q.name for q in questions(items)] == ["Good", "Good2"]
    (bad,) = problems(items)
    assert bad.line == line + 2 and fragment in bad.text


def test_gift_with_bytes_that_are_not_utf8_names_the_question():
    raw = "::Tốt:: Câu một {=a ~b}\n\n".encode() + b"::Bad:: caf\xe9 {=a ~b}\n\n::Ok:: Three {T}\n"
    items = parse_gift(raw)
    assert [q.name for q in questions(items)] == ["Tốt", "Ok"]
    assert problems(items)[0].line == 3 and "UTF-8" in problems(items)[0].text


def test_gift_utf16_with_bom_is_read():
    raw = "\ufeff::Một:: Câu hỏi {TRUE}\n".encode("utf-16")
    assert [q.name for q in questions(parse_gift(raw))] == ["Một"]


def test_malformed_aiken():
    items = parse_aiken(b"Q1\nA) a\nB) b\nANSWER: E\n\nQ2\nA) a\nB) b\n\nQ3\nA) x\nB) y\nANSWER: A\n")
    assert [q.text for q in questions(items)] == ["Q3"]
    assert [p.line for p in problems(items)] == [4, 6]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<quiz><question type="truefalse"><name><text>&lol2;</text></name></question></quiz>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>"""


@pytest.mark.parametrize("raw,fragment", [(BILLION_LAUGHS, "DTD"), (EXTERNAL, "DTD"),
                                          (b"<quiz><question type='essay'>", "not well-formed"),
                                          (b"<quiz>\xff\xfe</quiz>", "not well-formed"),
                                          (b"<questions/>", "not <quiz>"), (b"", "not well-formed")])
def test_dangerous_or_broken_xml_is_refused_whole(raw, fragment):
    with pytest.raises(FileUnreadable, match=fragment):
        parse_moodle_xml(raw)


def test_moodle_xml_problems_name_the_question_element_line():
    raw = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multianswer"><name><text>Cloze</text></name><questiontext><text>x</text></questiontext></question>
  <question type="multichoice"><name><text>No right</text></name><questiontext><text>Q?</text></questiontext>
    <single>true</single><answer fraction="abc"><text>a</text></answer></question>
  <question type="shortanswer"><name><text>Ok</text></name><questiontext><text>Q?</text></questiontext>
    <unknownelement>ignored</unknownelement><answer fraction="100"><text>yes</text></answer></question>
</quiz>"""
    items = parse_moodle_xml(raw)
    assert [q.name for q in questions(items)] == ["Ok"]
    assert [(p.line, p.name) for p in problems(items)] == [(3, "Cloze"), (4, "No right")]
