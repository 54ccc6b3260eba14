"""The quiz results workbook keeps a hostile name as text; the bank's search box matches %, _ and \\ literally."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from lms.core.db import db
from lms.quizzes.services.attempts import save_answer, start_attempt, submit_attempt
from tests.quizzes.conftest import answer_getter

HOSTILE = '=HYPERLINK("http://x.example","Xem")'


def test_the_results_workbook_keeps_a_formula_like_name_as_text(client, login, lecturer, make_user, make_official,
                                                                make_question, make_quiz):
    quiz = make_quiz([make_question("true_false", name="+cmd|' /C calc'!A0")])
    person = make_user(official=make_official(HOSTILE, code="@CB01"))
    attempt = start_attempt(quiz, person.id)
    save_answer(attempt.id, person.id, attempt.questions[0].id, answer_getter({"": "true"}))
    submit_attempt(attempt.id)
    db.session.commit()
    login(lecturer)
    response = client.get(f"/quizzes/{quiz.id}/results.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    grades, attempts, items, _spread = book.worksheets
    assert (grades["A2"].value, grades["B2"].value) == (HOSTILE, "@CB01") and grades["A2"].quotePrefix
    assert items["A2"].value == "+cmd|' /C calc'!A0" and items["A2"].data_type == "s"
    assert isinstance(attempts["E2"].value, datetime) and attempts["E2"].number_format == "DD/MM/YYYY HH:MM"
    assert grades.freeze_panes == "A2" and grades.auto_filter.ref == "A1:E2"


def test_the_template_is_written_by_the_one_writer(client, login, lecturer):
    login(lecturer)
    sheet = load_workbook(io.BytesIO(client.get("/quizzes/template.xlsx").data))["Câu hỏi"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and sheet.auto_filter.ref.startswith("A1:")


def test_bank_search_matches_percent_underscore_and_backslash_literally(client, login, lecturer, bank, make_question):
    for name in ("Tăng 50% năng suất", "Tăng 500 lần", "Mã x_y", "Mã xzy", "Đường dẫn C:\\tai-lieu", "C:tai-lieu"):
        make_question("essay", name=name, text="Tự luận")
    db.session.commit()
    login(lecturer)

    def found(term: str) -> set[str]:
        page = client.get(f"/quizzes/banks/{bank.id}", query_string={"q": term}).get_data(as_text=True)
        return {name for name in ("Tăng 50% năng suất", "Tăng 500 lần", "Mã x_y", "Mã xzy", "C:\\tai-lieu",
                                  "C:tai-lieu") if name in page}

    assert found("50%") == {"Tăng 50% năng suất"}
    assert found("x_y") == {"Mã x_y"}
    assert found("C:\\tai") == {"C:\\tai-lieu"}
    assert found("%") == {"Tăng 50% năng suất"}
    assert client.get(f"/quizzes/banks/{bank.id}", query_string={"q": "%_" * 40000}).status_code == 200
