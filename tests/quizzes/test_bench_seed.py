"""The quizzes plugin's share of `lms bench seed`: the seed courses' banks, and past attempts graded as the
plugin grades them, agreeing with the courses' progress, shown by the plugin's pages."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import User
from lms.courses.models import Activity, ActivityProgress, Course, Enrolment
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, QuestionBank, Quiz, QuizGrade
from lms.quizzes.services.grading import passes, quiz_grade
from lms.quizzes.types import get_type


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["bench", "seed", "--officials", "400", "--classes", "10", "--credits", "200",
                                 "--seed", "11"])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_seed_course_has_its_bank_and_quiz(seeded):
    seed_courses = list(db.session.scalars(select(Course).where(Course.sample.is_(True))))
    assert len(seed_courses) == 4
    for course in seed_courses:
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.course_id == course.id))
        assert bank is not None and bank.key == course.key
        quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
        assert quiz is not None and len(quiz.slots) >= 10


def test_attempts_are_graded_as_the_plugin_grades_them(seeded):
    attempts = list(db.session.scalars(select(Attempt).order_by(Attempt.id)))
    assert attempts and all(a.state is AttemptState.graded for a in attempts)
    assert any(a.number > 1 for a in attempts)
    for attempt in attempts:
        rows = list(db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)))
        assert len(rows) == len(attempt.quiz.slots)
        points = 0.0
        for row in rows:
            kind = get_type(row.question.qtype)
            expected = kind.grade(row.question.data, row.response) if row.response is not None else 0.0
            assert row.fraction == pytest.approx(max(0.0, min(1.0, expected)))
            points += row.points
        assert attempt.points == pytest.approx(points)
        assert attempt.max_points == pytest.approx(sum(r.mark for r in rows))
        assert attempt.score == pytest.approx(points / attempt.max_points)
        assert attempt.started_at < attempt.submitted_at


def test_grades_agree_with_the_attempts_and_the_course_progress(seeded):
    grades = list(db.session.scalars(select(QuizGrade)))
    assert grades and any(g.passed for g in grades)
    for grade in grades:
        quiz = db.session.get(Quiz, grade.quiz_id)
        scores = list(db.session.scalars(select(Attempt.score).where(Attempt.quiz_id == quiz.id,
                                                                     Attempt.user_id == grade.user_id)
                                         .order_by(Attempt.number)))
        assert grade.graded_attempts == len(scores)
        assert grade.grade == pytest.approx(quiz_grade(quiz.grading_method, scores))
        assert grade.passed == passes(quiz, grade.grade)
        activity = db.session.scalar(select(Activity).where(Activity.type == "quiz", Activity.ref == str(quiz.id)))
        row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == activity.id,
                                                               ActivityProgress.user_id == grade.user_id))
        assert row is not None and row.score == pytest.approx(grade.grade) and row.passed == grade.passed
        assert (row.completed_at is not None) == grade.passed
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == grade.user_id,
                                                              Enrolment.course_id == quiz.course_id))
        assert enrolment is not None
        if enrolment.completed_at is not None:
            assert grade.passed
    # Nobody completed a seed course without passing its quiz.
    completed = db.session.scalar(select(func.count(Enrolment.id)).join(Course, Course.id == Enrolment.course_id)
                                  .where(Course.sample.is_(True), Enrolment.completed_at.is_not(None),
                                         Enrolment.class_id.is_(None)))
    assert completed <= sum(1 for g in grades if g.passed)


def test_quiz_pages_work_on_the_generated_attempts(seeded, app, client, login):
    attempt = db.session.scalar(select(Attempt).order_by(Attempt.number.desc(), Attempt.id))
    learner = db.session.get(User, attempt.user_id)
    login(learner, password="bench12345")
    assert client.get("/quizzes/mine").status_code == 200
    assert client.get(f"/quizzes/{attempt.quiz_id}").status_code == 200
    review = client.get(f"/quizzes/attempts/{attempt.id}/review")
    assert review.status_code == 200
    lecturer = app.test_client()  # bench-lecturer0 teaches for the political school, which owns the seed courses
    assert lecturer.post("/login", data={"identifier": "bench-lecturer0@binhson.example.vn",
                                         "password": "bench12345"}).status_code == 302
    results = lecturer.get(f"/quizzes/{attempt.quiz_id}/results")
    assert results.status_code == 200 and learner.display_name in results.get_data(as_text=True)
