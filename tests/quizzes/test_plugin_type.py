"""A question type added by a plugin from the tests works end to end: bank, files, attempt, grade, review."""
from __future__ import annotations

import importlib
import sys

import pytest
from sqlalchemy import select

from lms.core.db import db
from lms.quizzes.models import Attempt, AttemptState
from tests.quizzes.conftest import in_course

ALL = ["courses", "quizzes", "certificates", "quizestimate"]


@pytest.fixture
def estimate_app(app_factory, tmp_path, monkeypatch):
    dist = tmp_path / "lms_quiz_estimate-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lms-quiz-estimate\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[lms.plugins]\nquizestimate = tests.quizzes.estimate_plugin:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    app = app_factory(PLUGINS=ALL)
    with app.app_context():
        yield app
        db.session.remove()
    sys.modules.pop("tests.quizzes.estimate_plugin", None)


def test_the_plugin_type_is_registered_only_where_the_plugin_is_enabled(estimate_app, app_factory):
    from lms.quizzes.types import all_types
    assert "estimate" in all_types()
    plain = app_factory()
    with plain.app_context():
        assert "estimate" not in all_types()


def _official_account():
    """An official with an account (the shared factories would push an app without the plugin)."""
    from datetime import date

    from lms.core.models import Official, OfficialKind, Unit, UnitLevel, User
    unit = Unit(code="U-EST", name_vi="Sở Nội vụ", level=UnitLevel.province, path="/")
    db.session.add(unit)
    db.session.flush()
    official = Official(employee_code="CB-EST", full_name="Trần Thị Bình", date_of_birth=date(1990, 1, 2),
                        unit_id=unit.id, kind=OfficialKind.civil_servant)
    db.session.add(official)
    db.session.flush()
    user = User(email="binh@example.vn", display_name="Trần Thị Bình", official_id=official.id,
                login_code=official.employee_code)
    user.set_password("correct horse")
    db.session.add(user)
    db.session.flush()
    return user


def test_a_plugin_question_type_works_end_to_end(estimate_app, recorded_events):
    from lms.quizzes.formats import canonical
    from lms.quizzes.services.banks import create_bank, ensure_category, save_question
    from lms.quizzes.services.importing import bank_questions, export_questions, import_questions, to_parsed
    from lms.quizzes.services.quizzes import add_questions, create_quiz
    from lms.quizzes.types import InvalidQuestion

    bank = create_bank("uoc-luong")
    category = ensure_category(bank, "Ước lượng")
    with pytest.raises(InvalidQuestion):
        save_question(bank, None, qtype="estimate", name="x", category=category, text="?",
                      data={"value": 10, "tolerance": 0})
    question = save_question(bank, None, qtype="estimate", name="Dân số", category=category,
                             text="Dân số tỉnh (nghìn người)?", data={"value": 1000, "tolerance": 50})
    # both file formats carry it and import it back unchanged
    for fmt in ("gift", "moodle-xml"):
        copy = create_bank(f"copy-{fmt}")
        report = import_questions(copy, fmt, export_questions([question], fmt).encode())
        assert report.ok and canonical(to_parsed(bank_questions(copy)[0])) == canonical(to_parsed(question))
    quiz = create_quiz(bank, title_vi="Ước lượng", settings={"pass_mark": 0.5})
    add_questions(quiz, [question])
    user = _official_account()
    in_course(quiz, user)
    db.session.commit()

    client = estimate_app.test_client()
    assert client.post("/login", data={"identifier": user.email, "password": "correct horse"}).status_code == 302
    client.post(f"/quizzes/{quiz.id}/start")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == user.id))
    aq = attempt.questions[0]
    page = client.get(f"/quizzes/attempts/{attempt.id}")
    assert page.status_code == 200 and f'name="q{aq.id}"'.encode() in page.data
    refused = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": aq.id, f"q{aq.id}": "nhiều"})
    assert refused.status_code == 400
    saved = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": aq.id, f"q{aq.id}": "1075"})
    assert saved.json["ok"]
    client.post(f"/quizzes/attempts/{attempt.id}/submit")
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert graded.state is AttemptState.graded and graded.score == pytest.approx(0.5)
    (event,) = [p for name, p in recorded_events if name == "attempt_graded"]
    assert event.passed and event.score == pytest.approx(0.5)
    review = client.get(f"/quizzes/attempts/{attempt.id}/review")
    assert review.status_code == 200 and b"1075" in review.data
