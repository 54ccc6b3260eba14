"""Fixtures of the quizzes tests: a bank, questions of each type, a quiz, an official and a lecturer."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core.db import db, utcnow
from tests.interop import INTEROP as SHARED_INTEROP

INTEROP = SHARED_INTEROP / "questions"

SAMPLES = {
    "single_choice": {"options": [{"text": "Hà Nội", "fraction": 1}, {"text": "Huế", "fraction": 0},
                                  {"text": "Đà Nẵng", "fraction": 0}]},
    "multiple_choice": {"options": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.5},
                                    {"text": "C", "fraction": -0.5}, {"text": "D", "fraction": -0.5}]},
    "true_false": {"answer": True},
    "short_answer": {"answers": [{"text": "Hà Nội", "fraction": 1}], "diacritics_sensitive": False},
    "numerical": {"answers": [{"value": 45, "tolerance": 0, "fraction": 1}]},
    "matching": {"pairs": [{"left": "Căn cước", "right": "Công an"}, {"left": "Khai sinh", "right": "UBND xã"},
                           {"left": "", "right": "Tòa án"}]},
    "ordering": {"items": [{"text": "Tiếp nhận"}, {"text": "Thẩm định"}, {"text": "Trả kết quả"}]},
    "essay": {},
}


@pytest.fixture
def school(make_school):
    return make_school()


@pytest.fixture
def lecturer(make_user, school):
    return make_user("giangvien@example.vn", name="Giảng viên", roles=[("lecturer", {"school_id": school.id})])


@pytest.fixture
def official_user(make_user, make_official):
    return make_user(official=make_official(), name="Nguyễn Văn An")


@pytest.fixture
def bank(app, school):
    from lms.quizzes.services.banks import create_bank
    return create_bank("ngan-hang-1", "Ngân hàng thử", school_id=school.id)


@pytest.fixture
def make_question(app, bank):
    from lms.quizzes.services.banks import ensure_category, save_question

    def factory(qtype="single_choice", *, name=None, data=None, category="Chung", mark=None, text=None, target=None):
        return save_question(target or bank, None, qtype=qtype, name=name or f"Câu {qtype}",
                             category=ensure_category(target or bank, category),
                             text=text or f"Nội dung câu hỏi {qtype}?", data=SAMPLES[qtype] if data is None else data,
                             default_mark=mark)
    return factory


@pytest.fixture
def make_quiz(app, bank, make_question):
    from lms.quizzes.services.quizzes import add_questions, create_quiz

    def factory(questions=None, **settings):
        quiz = create_quiz(bank, title_vi=settings.pop("title", "Bài kiểm tra"), settings=settings)
        add_questions(quiz, questions if questions is not None else [make_question("single_choice")])
        return quiz
    return factory


@pytest.fixture
def now():
    return utcnow().replace(microsecond=0)


def later(moment, **delta):
    return moment + timedelta(**delta)


def in_course(quiz, *users) -> None:
    """Put `quiz` in a published course and enrol `users` in it: a learner takes only the quizzes of a course
    they learn in."""
    from lms.courses.services.enrolment import enrol
    from tests.courses.helpers import make_course
    course = make_course(f"khoa-quiz-{quiz.id}", items=[("kiem-tra", "quiz", True, str(quiz.id))])
    course.school_id = quiz.bank.school_id
    for user in users:
        enrol(user.id, course, source="admin")


def answer_getter(values: dict):
    """A form-like getter: values maps a suffix ("" or "-p1") to one value or a list."""
    def get(suffix):
        value = values.get(suffix, [])
        return value if isinstance(value, list) else [value]
    return get


def commit():
    db.session.commit()
