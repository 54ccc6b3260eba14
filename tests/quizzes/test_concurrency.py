"""Reliability on PostgreSQL: concurrent submits, answers racing a submit, and a worker killed mid-submit.

Threads each run real requests (their own app context, session and connection); the grading step is
slowed down so that the requests really overlap inside the critical section.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, QuizGrade
from lms.quizzes.services import attempts as attempt_service
from tests.quizzes.conftest import in_course

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _slow_grading(monkeypatch, seconds=0.6) -> threading.Event:
    """Grading takes `seconds`; the event returned is set once a submit holds the attempt's lock."""
    real = attempt_service.grade_attempt
    locked = threading.Event()

    def slow(attempt, now=None, **kwargs):
        locked.set()
        time.sleep(seconds)  # inside the row lock: a concurrent request must wait, not grade again
        return real(attempt, now, **kwargs)
    monkeypatch.setattr(attempt_service, "grade_attempt", slow)
    return locked


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"identifier": user.email, "password": "correct horse"})
    assert response.status_code == 302
    return client


def _together(*calls):
    """Run the calls in threads released at the same moment; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as error:  # reported to the test below
            results[index] = error
    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def _prepared_attempt(make_quiz, make_question, user, **settings):
    quiz = make_quiz([make_question("true_false", name="A"), make_question("true_false", name="B")], **settings)
    attempt = attempt_service.start_attempt(quiz, user.id)
    first = attempt.questions[0]
    attempt_service.save_answer(attempt.id, user.id, first.id, lambda suffix: ["true"])
    db.session.commit()
    return quiz.id, attempt.id


def test_two_concurrent_submits_of_one_attempt_give_one_result(app, make_quiz, make_question, official_user,
                                                               recorded_events, monkeypatch):
    quiz_id, attempt_id = _prepared_attempt(make_quiz, make_question, official_user, pass_mark=0.5)
    tabs = [_client(app, official_user), _client(app, official_user)]
    _slow_grading(monkeypatch)
    results = _together(*[lambda c=c: c.post(f"/quizzes/attempts/{attempt_id}/submit") for c in tabs])
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    graded = [p for name, p in recorded_events if name == "attempt_graded"]
    assert len(graded) == 1, graded
    db.session.expire_all()
    done = db.session.get(Attempt, attempt_id)
    assert done.state is AttemptState.graded and done.score == 0.5
    grade = db.session.scalar(select(QuizGrade).where(QuizGrade.quiz_id == quiz_id))
    assert grade.graded_attempts == 1 and grade.passed


def test_the_job_and_a_request_submitting_together_grade_once(app, make_quiz, make_question, official_user,
                                                              recorded_events, monkeypatch):
    quiz_id, attempt_id = _prepared_attempt(make_quiz, make_question, official_user, time_limit_minutes=1)
    db.session.execute(Attempt.__table__.update().values(deadline=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    tab = _client(app, official_user)
    _slow_grading(monkeypatch)

    def job():
        from lms.quizzes.jobs import submit_overdue_attempts
        with app.app_context():
            count = submit_overdue_attempts()
            db.session.commit()
            return count
    results = _together(job, lambda: tab.post(f"/quizzes/attempts/{attempt_id}/submit"))
    assert not any(isinstance(r, BaseException) for r in results), results
    assert len([p for name, p in recorded_events if name == "attempt_graded"]) == 1
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).state is AttemptState.graded


def test_an_answer_racing_a_submit_is_refused_not_written_after_grading(app, make_quiz, make_question, official_user,
                                                                        monkeypatch):
    quiz_id, attempt_id = _prepared_attempt(make_quiz, make_question, official_user)
    second_id = db.session.get(Attempt, attempt_id).questions[1].id
    submitter, answerer = _client(app, official_user), _client(app, official_user)
    locked = _slow_grading(monkeypatch, seconds=1.0)

    def late_answer():
        assert locked.wait(timeout=30)  # arrives while the submit holds the lock
        return answerer.post(f"/quizzes/attempts/{attempt_id}/answer", data={"slot": second_id,
                                                                              f"q{second_id}": "true"})
    submit, answer = _together(lambda: submitter.post(f"/quizzes/attempts/{attempt_id}/submit"), late_answer)
    assert submit.status_code == 302 and answer.status_code == 409
    db.session.expire_all()
    assert db.session.get(AttemptQuestion, second_id).response is None
    assert db.session.get(Attempt, attempt_id).score == 0.5


def test_two_concurrent_starts_open_one_attempt(app, make_quiz, make_question, official_user, monkeypatch):
    quiz = make_quiz([make_question("true_false")])
    in_course(quiz, official_user)
    quiz_id = quiz.id
    db.session.commit()
    tabs = [_client(app, official_user), _client(app, official_user)]
    real = attempt_service.draw_questions

    def slow_draw(quiz, rng):
        time.sleep(0.3)
        return real(quiz, rng)
    monkeypatch.setattr(attempt_service, "draw_questions", slow_draw)
    results = _together(*[lambda c=c: c.post(f"/quizzes/{quiz_id}/start") for c in tabs])
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert results[0].location == results[1].location
    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)).all()
    assert len(attempts) == 1


KILLED_WORKER = """
import os, signal, sys
from lms.core.app import create_app
from lms.core.db import db
from tests.conftest import make_config
from pathlib import Path

app = create_app(make_config(os.environ["QUIZ_TEST_DB"], Path(os.environ["LMS_INSTANCE_PATH"])))
with app.app_context():
    from lms.quizzes.services import attempts, grading
    attempt_id, user_id = int(sys.argv[1]), int(sys.argv[2])
    attempt = db.session.get(attempts.Attempt, attempt_id)
    for aq in attempt.questions:                         # the answers are saved (and committed) ...
        attempts.save_answer(attempt_id, user_id, aq.id, lambda suffix: ["true"])
    db.session.commit()

    def die(*args, **kwargs):                            # ... then the worker dies in the middle of grading
        db.session.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    grading.update_quiz_grade = die
    attempts.submit_attempt(attempt_id, user_id=user_id)
    db.session.commit()
    print("not killed")
"""


def _kill_a_worker_mid_submit(database_url, attempt_id, user_id):
    env = dict(os.environ, QUIZ_TEST_DB=database_url)
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED_WORKER), str(attempt_id), str(user_id)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stdout + child.stderr


def test_a_worker_killed_between_saving_and_grading_leaves_an_attempt_the_job_grades(
        app, database_url, make_quiz, make_question, official_user, recorded_events):
    quiz_id, attempt_id = _prepared_attempt(make_quiz, make_question, official_user, time_limit_minutes=30,
                                            pass_mark=1)
    _kill_a_worker_mid_submit(database_url, attempt_id, official_user.id)
    db.session.expire_all()
    left = db.session.get(Attempt, attempt_id)
    assert left.state is AttemptState.in_progress and left.score is None  # nothing half-graded
    assert [aq.response for aq in left.questions] == [True, True]  # nothing saved is lost
    assert db.session.scalar(select(QuizGrade)) is None
    from lms.quizzes.jobs import submit_overdue_attempts
    assert submit_overdue_attempts() == 0  # its time is not up yet: the job leaves it alone
    db.session.execute(Attempt.__table__.update().values(deadline=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert submit_overdue_attempts() == 1
    db.session.commit()
    graded = db.session.get(Attempt, attempt_id)
    assert graded.state is AttemptState.graded and graded.score == 1.0
    (event,) = [p for name, p in recorded_events if name == "attempt_graded"]
    assert event.passed and event.attempt_id == attempt_id


def test_a_worker_killed_mid_submit_leaves_an_attempt_the_next_request_grades(
        app, database_url, make_quiz, make_question, official_user, recorded_events):
    quiz_id, attempt_id = _prepared_attempt(make_quiz, make_question, official_user)
    _kill_a_worker_mid_submit(database_url, attempt_id, official_user.id)
    client = _client(app, official_user)
    assert client.get(f"/quizzes/attempts/{attempt_id}").status_code == 200  # the official resumes ...
    assert client.post(f"/quizzes/attempts/{attempt_id}/submit").status_code == 302  # ... and submits again
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt_id)
    assert graded.state is AttemptState.graded and graded.score == 1.0
    assert len([p for name, p in recorded_events if name == "attempt_graded"]) == 1
