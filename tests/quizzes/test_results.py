"""Results: officials and attempts, item statistics (facility, discrimination), distribution, XLSX."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lms.quizzes.services import results
from lms.quizzes.services.attempts import save_answer, start_attempt, submit_attempt
from tests.quizzes.conftest import answer_getter

PATTERNS = [(True, True, True), (True, True, False), (True, False, False), (True, False, False)]


@pytest.fixture
def taken_quiz(make_quiz, make_question, make_user, make_official):
    quiz = make_quiz([make_question("true_false", name=f"Q{n}") for n in (1, 2, 3)])
    for n, answers in enumerate(PATTERNS):
        user = make_user(official=make_official(f"Học viên {n}"))
        attempt = start_attempt(quiz, user.id)
        for aq, answer in zip(attempt.questions, answers, strict=True):
            save_answer(attempt.id, user.id, aq.id, answer_getter({"": "true" if answer else "false"}))
        submit_attempt(attempt.id)
    return quiz


def test_item_statistics_measure_ease_and_separation(taken_quiz):
    stats = {s.name: s for s in results.item_statistics(taken_quiz)}
    assert [s.name for s in results.item_statistics(taken_quiz)] == ["Q1", "Q2", "Q3"]
    assert stats["Q1"].facility == 1.0 and stats["Q1"].discrimination == 0.0 and stats["Q1"].correlation is None
    assert stats["Q2"].facility == 0.5 and stats["Q2"].discrimination == 1.0 and stats["Q2"].correlation > 0.5
    assert stats["Q3"].facility == 0.25 and stats["Q3"].discrimination == 1.0
    assert all(s.answers == 4 for s in stats.values())


def test_people_distribution_and_workbook(taken_quiz):
    people = results.people(taken_quiz)
    assert [p.name for p in people] == [f"Học viên {n}" for n in range(4)]
    assert [round(p.grade.grade, 3) for p in people] == [1.0, 0.667, 0.333, 0.333]
    spread = results.distribution(taken_quiz)
    assert [count for _low, _high, count in spread] == [0, 0, 0, 2, 0, 0, 1, 0, 0, 1]
    book = load_workbook(io.BytesIO(results.results_xlsx(taken_quiz)))
    grades, attempts, items, distribution = book.worksheets
    assert grades.max_row == 5 and attempts.max_row == 5 and items.max_row == 4 and distribution.max_row == 11
    assert grades.cell(row=2, column=1).value == "Học viên 0" and grades.cell(row=2, column=3).value == 100
