"""Question types: definitions are validated, responses checked, and grading is pure and exact."""
from __future__ import annotations

import random

import pytest

from lms.quizzes.types import InvalidQuestion, InvalidResponse
from lms.quizzes.types.answers import Numerical, ShortAnswer, normalise_answer, parse_number
from lms.quizzes.types.choice import MultipleChoice, SingleChoice, TrueFalse
from lms.quizzes.types.other import Description, Essay, Matching, Ordering, longest_increasing_run


def ids(data, key="options"):
    return [row["id"] for row in data[key]]


def test_single_choice_grades_the_chosen_option_and_refuses_foreign_ids():
    kind = SingleChoice()
    data = kind.validate({"options": [{"text": "a", "fraction": 1}, {"text": "b", "fraction": 0.5},
                                      {"text": "c", "fraction": -1}]})
    a, b, c = ids(data)
    assert [kind.grade(data, x) for x in (a, b, c, None)] == [1.0, 0.5, 0.0, 0.0]
    assert kind.check_response(data, "") is None
    with pytest.raises(InvalidResponse):
        kind.check_response(data, "a99")
    with pytest.raises(InvalidResponse):
        kind.check_response(data, ["a1"])


def test_single_choice_needs_a_full_mark_option_and_two_choices():
    with pytest.raises(InvalidQuestion):
        SingleChoice().validate({"options": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0}]})
    with pytest.raises(InvalidQuestion):
        SingleChoice().validate({"options": [{"text": "a", "fraction": 1}]})
    with pytest.raises(InvalidQuestion):
        SingleChoice().validate({"options": [{"text": "a", "fraction": 2}, {"text": "b", "fraction": 0}]})
    with pytest.raises(InvalidQuestion):
        SingleChoice().validate({"options": [{"text": " ", "fraction": 1}, {"text": "b", "fraction": 0}]})


def test_multiple_choice_partial_credit_penalties_and_never_below_zero():
    kind = MultipleChoice()
    data = kind.validate({"options": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.5},
                                      {"text": "c", "fraction": -0.5}, {"text": "d", "fraction": -0.5}]})
    a, b, c, d = ids(data)
    assert kind.grade(data, [a, b]) == 1.0
    assert kind.grade(data, [a]) == 0.5
    assert kind.grade(data, [a, c]) == 0.0
    assert kind.grade(data, [a, b, c]) == 0.5
    assert kind.grade(data, [c, d]) == 0.0  # never below zero
    assert kind.grade(data, [a, b, c, d]) == 0.0  # picking everything does not pay
    assert kind.check_response(data, [b, a, b]) == [a, b]
    with pytest.raises(InvalidResponse):
        kind.check_response(data, [a, "a7"])


def test_multiple_choice_right_weights_must_add_up_to_100():
    with pytest.raises(InvalidQuestion, match="100%"):
        MultipleChoice().validate({"options": [{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.3}]})


def test_true_false():
    kind = TrueFalse()
    data = kind.validate({"answer": False, "feedback_false": "Đúng rồi"})
    assert kind.grade(data, kind.check_response(data, "false")) == 1.0
    assert kind.grade(data, kind.check_response(data, "true")) == 0.0
    assert kind.feedback_for(data, False) == ["Đúng rồi"]
    with pytest.raises(InvalidResponse):
        kind.check_response(data, "maybe")
    with pytest.raises(InvalidQuestion):
        kind.validate({"answer": "yes"})


def test_short_answer_several_answers_wildcard_case_and_diacritics():
    kind = ShortAnswer()
    data = kind.validate({"answers": [{"text": "Hà Nội", "fraction": 1}, {"text": "Thủ đô*", "fraction": 0.5},
                                      {"text": "*", "fraction": 0, "feedback": "Sai"}]})
    assert kind.grade(data, "hà nội") == 1.0  # case-insensitive by default
    assert kind.grade(data, "Ha Noi") == 0.0  # diacritics count by default
    assert kind.grade(data, "Thủ đô Hà Nội") == 0.5  # wildcard
    assert kind.grade(data, "Huế") == 0.0
    assert kind.feedback_for(data, "Huế") == ["Sai"]
    loose = kind.validate(dict(data, diacritics_sensitive=False))
    assert kind.grade(loose, "ha noi") == 1.0
    assert kind.grade(loose, "HA NOI") == 1.0
    strict = kind.validate(dict(data, case_sensitive=True))
    assert kind.grade(strict, "hà nội") == 0.0
    literal = kind.validate({"answers": [{"text": "a*b", "fraction": 1}], "wildcard": False})
    assert kind.grade(literal, "a*b") == 1.0 and kind.grade(literal, "axxb") == 0.0
    # decomposed input (typed on another keyboard) is the same text
    assert kind.grade(data, "Ha\u0300 No\u0302\u0323i") == 1.0
    with pytest.raises(InvalidResponse):
        kind.check_response(data, "x" * 2000)


def test_normalise_answer_folds_d_stroke():
    assert normalise_answer("Đà Nẵng", case_sensitive=False, diacritics_sensitive=False) == "da nang"


@pytest.mark.parametrize("text,value", [("3,5", 3.5), ("3.5", 3.5), ("-2", -2.0), ("1.234,5", 1234.5),
                                        ("1,234.5", 1234.5), (" 45 ", 45.0), ("1e3", 1000.0), ("−4", -4.0)])
def test_parse_number_reads_what_officials_type(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1e999", "inf", "nan", "", "1" * 80, "9" * 20])
def test_parse_number_refuses_junk_and_huge_numbers(text):
    with pytest.raises(InvalidResponse):
        parse_number(text)


def test_numerical_tolerance_order_and_catch_all():
    kind = Numerical()
    data = kind.validate({"answers": [{"value": 3, "tolerance": 2, "fraction": 1},
                                      {"value": 10, "tolerance": 0, "fraction": 0.5},
                                      {"value": None, "fraction": 0, "feedback": "Sai hoàn toàn"}]})
    assert kind.grade(data, "1") == 1.0 and kind.grade(data, "5") == 1.0 and kind.grade(data, "5,01") == 0.0
    assert kind.grade(data, "10") == 0.5
    assert kind.feedback_for(data, "99") == ["Sai hoàn toàn"]
    assert kind.check_response(data, "4,5") == "4,5"
    with pytest.raises(InvalidResponse):
        kind.check_response(data, "four")
    with pytest.raises(InvalidQuestion):
        kind.validate({"answers": [{"value": 1, "tolerance": -1, "fraction": 1}]})
    with pytest.raises(InvalidQuestion):
        kind.validate({"answers": [{"value": float("inf"), "fraction": 1}]})


def test_matching_share_of_items_matched_and_duplicate_rights():
    kind = Matching()
    data = kind.validate({"pairs": [{"left": "1+1", "right": "2"}, {"left": "3-1", "right": "2"},
                                    {"left": "2+1", "right": "3"}, {"left": "", "right": "5"}]})
    p1, p2, p3, p4 = ids(data, "pairs")
    choices = {c["text"]: c["id"] for c in kind.choices(data)}
    assert set(choices) == {"2", "3", "5"}
    response = kind.check_response(data, {p1: choices["2"], p2: choices["2"], p3: choices["5"]})
    assert kind.grade(data, response) == pytest.approx(2 / 3)
    with pytest.raises(InvalidResponse):
        kind.check_response(data, {p4: choices["5"]})  # a distractor is not an item
    with pytest.raises(InvalidResponse):
        kind.check_response(data, {p1: "zz"})
    with pytest.raises(InvalidQuestion):
        kind.validate({"pairs": [{"left": "only", "right": "one"}]})


def test_ordering_partial_credit_and_positions_from_the_form():
    kind = Ordering()
    data = kind.validate({"items": [{"text": t} for t in "ABCD"]})
    i1, i2, i3, i4 = ids(data, "items")
    assert kind.grade(data, [i1, i2, i3, i4]) == 1.0
    assert kind.grade(data, [i2, i1, i3, i4]) == 0.75
    assert kind.grade(data, [i4, i3, i2, i1]) == 0.25
    form = {f"-{i1}": "2", f"-{i2}": "1", f"-{i3}": "3", f"-{i4}": "4"}
    assert kind.parse_form(data, lambda s: [form[s]] if s in form else []) == [i2, i1, i3, i4]
    form[f"-{i4}"] = "3"
    with pytest.raises(InvalidResponse):
        kind.parse_form(data, lambda s: [form[s]] if s in form else [])
    assert kind.parse_form(data, lambda s: []) is None
    order = kind.initial_order(data, False, random.Random(1))
    assert sorted(order) == sorted(ids(data, "items")) and order != ids(data, "items")


def test_longest_increasing_run():
    assert longest_increasing_run([]) == 0
    assert longest_increasing_run([2, 0, 1, 3]) == 3


def test_essay_is_graded_by_a_person_and_description_takes_no_answer():
    essay = Essay()
    data = essay.validate({"min_words": 10, "max_words": 200})
    assert essay.grade(data, "Một bài viết") is None and not essay.automatic
    assert essay.check_response(data, "   ") is None
    with pytest.raises(InvalidQuestion):
        essay.validate({"min_words": 10, "max_words": 5})
    description = Description()
    assert not description.gradable and description.validate({"anything": 1}) == {}
    with pytest.raises(InvalidResponse):
        description.check_response({}, "x")


def test_carry_ids_keeps_ids_of_unchanged_rows():
    kind = SingleChoice()
    old = kind.validate({"options": [{"text": "a", "fraction": 1}, {"text": "b", "fraction": 0},
                                     {"text": "c", "fraction": 0}]})
    new = kind.validate({"options": [{"text": "c", "fraction": 1}, {"text": "new", "fraction": 0},
                                     {"text": "a", "fraction": 0}]})
    carried = kind.carry_ids(old, new)
    by_text = {o["text"]: o["id"] for o in carried["options"]}
    assert by_text["a"] == "a1" and by_text["c"] == "a3" and by_text["new"] not in ("a1", "a2", "a3")


def test_registry_refuses_duplicates_and_bad_names(app):
    from lms.quizzes.types import QuestionType, all_types, register_type

    assert {"single_choice", "multiple_choice", "true_false", "short_answer", "numerical", "matching", "ordering",
            "essay", "description"} <= set(all_types())
    with pytest.raises(ValueError):
        register_type(app, SingleChoice())

    class Bad(QuestionType):
        name = "bad name"
    with pytest.raises(ValueError):
        register_type(app, Bad())
