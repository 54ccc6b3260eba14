"""Attempts: the server's clock, answers saved one by one, submit once, deadlines, grading and regrading."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.core.db import db
from lms.core.errors import DomainError
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, QuizGrade
from lms.quizzes.services import attempts as service
from lms.quizzes.services.grading import grade_manually, quiz_grade, regrade, stale_attempts
from lms.quizzes.types import InvalidResponse
from tests.quizzes.conftest import answer_getter, later


def right_option(aq):
    return next(o["id"] for o in aq.question.data["options"] if o["fraction"] == 1)


def wrong_option(aq):
    return next(o["id"] for o in aq.question.data["options"] if o["fraction"] <= 0)


def graded_events(recorded):
    return [payload for name, payload in recorded if name == "attempt_graded"]


def test_start_fixes_questions_pages_and_the_deadline(app, make_quiz, make_question, official_user, now):
    questions = [make_question("single_choice", name=f"Q{i}") for i in range(5)]
    quiz = make_quiz(questions, time_limit_minutes=20, questions_per_page=2, close_at=later(now, minutes=10))
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    assert attempt.number == 1 and attempt.state is AttemptState.in_progress
    assert attempt.deadline == later(now, minutes=10)  # the close date comes before the time limit
    assert [aq.page for aq in attempt.questions] == [0, 0, 1, 1, 2] and attempt.page_count == 3
    assert all(sorted(aq.option_order) == ["a1", "a2", "a3"] for aq in attempt.questions)
    assert service.seconds_left(attempt, now) == 600
    again = service.start_attempt(quiz, official_user.id, now=later(now, minutes=1))
    assert again.id == attempt.id  # pressing Start twice resumes


def test_limits_on_attempts_delay_and_dates(app, make_quiz, official_user, now):
    quiz = make_quiz(attempts_allowed=2, attempt_delay_minutes=30)
    first = service.start_attempt(quiz, official_user.id, now=now)
    service.submit_attempt(first.id, user_id=official_user.id, now=later(now, minutes=1))
    with pytest.raises(DomainError, match="lượt mới từ"):
        service.start_attempt(quiz, official_user.id, now=later(now, minutes=10))
    second = service.start_attempt(quiz, official_user.id, now=later(now, minutes=40))
    service.submit_attempt(second.id, user_id=official_user.id, now=later(now, minutes=41))
    with pytest.raises(DomainError, match="hết 2 lượt"):
        service.start_attempt(quiz, official_user.id, now=later(now, days=1))
    closed = make_quiz(close_at=now)
    with pytest.raises(DomainError, match="đã đóng"):
        service.start_attempt(closed, official_user.id, now=now)
    future = make_quiz(open_at=later(now, days=1))
    with pytest.raises(DomainError, match="chưa mở"):
        service.start_attempt(future, official_user.id, now=now)


def test_a_quiz_without_questions_cannot_start(app, make_quiz, official_user):
    with pytest.raises(DomainError, match="chưa có câu hỏi"):
        service.start_attempt(make_quiz([]), official_user.id)


def test_answers_are_saved_one_by_one_and_a_later_retry_of_an_older_answer_loses(app, make_quiz, official_user, now):
    quiz = make_quiz()
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    aq = attempt.questions[0]
    assert service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": wrong_option(aq)}), seq=5,
                               page=0, now=now)
    assert service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": right_option(aq)}), seq=7,
                               now=now)
    assert not service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": wrong_option(aq)}),
                                   seq=6, now=now)  # sent earlier, arrived later
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AttemptQuestion, aq.id).response == right_option(aq)


def test_tampered_answers_are_refused_and_nothing_saved_changes(app, make_quiz, make_question, official_user, now,
                                                                 make_user):
    quiz = make_quiz([make_question("single_choice"), make_question("numerical")])
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    choice, number = attempt.questions
    service.save_answer(attempt.id, official_user.id, choice.id, answer_getter({"": right_option(choice)}), now=now)
    with pytest.raises(InvalidResponse):
        service.save_answer(attempt.id, official_user.id, choice.id, answer_getter({"": "a999"}), now=now)
    with pytest.raises(InvalidResponse):
        service.save_answer(attempt.id, official_user.id, number.id, answer_getter({"": "1e400"}), now=now)
    other = service.start_attempt(make_quiz(), make_user().id, now=now)
    with pytest.raises(InvalidResponse, match="không thuộc lượt làm"):
        service.save_answer(attempt.id, official_user.id, other.questions[0].id, answer_getter({"": "a1"}), now=now)
    with pytest.raises(DomainError):  # someone else's attempt
        service.save_answer(other.id, official_user.id, other.questions[0].id, answer_getter({"": "a1"}), now=now)
    with pytest.raises(InvalidResponse):
        service.save_answer(attempt.id, official_user.id, choice.id, answer_getter({"": "a1"}), seq=-3, now=now)
    db.session.expire_all()
    assert db.session.get(AttemptQuestion, choice.id).response == right_option(choice)


def test_page_form_saves_valid_answers_and_names_the_bad_ones(app, make_quiz, make_question, official_user, now):
    quiz = make_quiz([make_question("single_choice"), make_question("numerical"), make_question("short_answer")],
                     questions_per_page=0)
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    choice, number, short = attempt.questions
    form = MultiDict({f"q{choice.id}": right_option(choice), f"q{number.id}": "bốn mươi", f"q{short.id}": "ha noi",
                      "q999999": "x"})
    problems = service.save_page(attempt.id, official_user.id, form, 0, now=now)
    assert {p.position for p in problems} == {0, 2}
    db.session.expire_all()
    assert [aq.response for aq in db.session.get(Attempt, attempt.id).questions] == [right_option(choice), None,
                                                                                    "ha noi"]


def test_submit_grades_once_and_sends_one_event(app, make_quiz, make_question, official_user, now, recorded_events):
    quiz = make_quiz([make_question("single_choice"), make_question("true_false")], pass_mark=0.5)
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    choice, tf = attempt.questions
    service.save_answer(attempt.id, official_user.id, choice.id, answer_getter({"": right_option(choice)}), now=now)
    service.save_answer(attempt.id, official_user.id, tf.id, answer_getter({"": "false"}), now=now)
    done = service.submit_attempt(attempt.id, user_id=official_user.id, now=later(now, minutes=3))
    db.session.commit()
    again = service.submit_attempt(attempt.id, user_id=official_user.id, now=later(now, minutes=4))
    assert again.id == done.id and again.score == 0.5 and again.submitted_at == later(now, minutes=3)
    (event,) = graded_events(recorded_events)
    assert (event.attempt_id, event.quiz_id, event.user_id, event.score, event.quiz_grade, event.passed) == (
        attempt.id, quiz.id, official_user.id, 0.5, 0.5, True)
    grade = db.session.scalar(select(QuizGrade))
    assert grade.grade == 0.5 and grade.passed and grade.graded_attempts == 1
    with pytest.raises(DomainError, match="đã nộp"):
        service.save_answer(attempt.id, official_user.id, choice.id, answer_getter({"": wrong_option(choice)}),
                            now=now)


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_graded_on_what_was_saved(
        app, make_quiz, make_question, official_user, now, recorded_events):
    quiz = make_quiz([make_question("single_choice"), make_question("single_choice", name="B")], time_limit_minutes=5)
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    first, second = attempt.questions
    service.save_answer(attempt.id, official_user.id, first.id, answer_getter({"": right_option(first)}),
                        now=later(now, minutes=4, seconds=59))
    service.save_answer(attempt.id, official_user.id, second.id, answer_getter({"": right_option(second)}),
                        now=later(now, minutes=5, seconds=3))  # within the grace for the network
    with pytest.raises(service.DeadlinePassed, match="hết giờ"):
        service.save_answer(attempt.id, official_user.id, second.id, answer_getter({"": wrong_option(second)}),
                            now=later(now, minutes=6))
    # the request that was refused submits the attempt (the view does this too)
    assert service.submit_overdue(now=later(now, minutes=6), user_id=official_user.id) == 1
    graded = db.session.get(Attempt, attempt.id)
    assert graded.state is AttemptState.graded and graded.score == 1.0
    assert graded.submit_reason == "deadline" and graded.submitted_at == attempt.deadline
    assert len(graded_events(recorded_events)) == 1


def test_scheduler_job_submits_overdue_attempts_idempotently_without_committing(app, make_quiz, official_user,
                                                                                make_user, now, recorded_events):
    from lms.quizzes.jobs import submit_overdue_attempts
    quiz = make_quiz(time_limit_minutes=1)
    late = service.start_attempt(quiz, official_user.id, now=later(now, minutes=-10))
    fresh = service.start_attempt(quiz, make_user().id)
    db.session.commit()
    jobs = {job.id: job for job in app.extensions["lms"]["jobs"]}
    assert jobs["quizzes.submit_overdue"].func is submit_overdue_attempts
    assert submit_overdue_attempts() == 1
    assert submit_overdue_attempts() == 0
    db.session.rollback()  # the job only flushed: the scheduler's rollback undoes it
    assert db.session.get(Attempt, late.id).state is AttemptState.in_progress
    assert submit_overdue_attempts() == 1
    db.session.commit()
    assert db.session.get(Attempt, late.id).state is AttemptState.graded
    assert db.session.get(Attempt, fresh.id).state is AttemptState.in_progress


def test_next_request_submits_an_overdue_attempt_before_starting_another(app, make_quiz, official_user, now):
    quiz = make_quiz(time_limit_minutes=1)
    first = service.start_attempt(quiz, official_user.id, now=now)
    second = service.start_attempt(quiz, official_user.id, now=later(now, minutes=5))
    assert second.number == 2 and db.session.get(Attempt, first.id).state is AttemptState.graded


@pytest.mark.parametrize("method,expected", [("highest", 1.0), ("average", 0.5), ("first", 0.0), ("last", 0.5)])
def test_grading_methods(method, expected):
    from lms.quizzes.models import GradingMethod
    assert quiz_grade(GradingMethod(method), [0.0, 1.0, 0.5]) == expected


def test_quiz_grade_follows_the_method_over_attempts(app, make_quiz, official_user, now, recorded_events):
    quiz = make_quiz(grading_method="last", pass_mark=0.6)
    for n, pick in enumerate([right_option, wrong_option]):
        attempt = service.start_attempt(quiz, official_user.id, now=later(now, minutes=n))
        aq = attempt.questions[0]
        service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": pick(aq)}), now=now)
        service.submit_attempt(attempt.id, now=later(now, minutes=n))
    events = graded_events(recorded_events)
    assert [(e.score, e.quiz_grade, e.passed) for e in events] == [(1.0, 1.0, True), (0.0, 0.0, False)]


def test_stored_quiz_grade_after_the_first_attempt_and_the_next(app, make_quiz, official_user, now):
    """The first attempt's grade is written without reading other attempts; the second reads them."""
    quiz = make_quiz(grading_method="average", pass_mark=0.6)
    stored = []
    for n, pick in enumerate([right_option, wrong_option]):
        attempt = service.start_attempt(quiz, official_user.id, now=later(now, minutes=n))
        aq = attempt.questions[0]
        service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": pick(aq)}), now=now)
        service.submit_attempt(attempt.id, now=later(now, minutes=n))
        db.session.commit()
        db.session.expire_all()
        grade = db.session.scalar(select(QuizGrade).where(QuizGrade.quiz_id == quiz.id,
                                                          QuizGrade.user_id == official_user.id))
        stored.append((grade.grade, grade.passed, grade.graded_attempts))
    assert stored == [(1.0, True, 1), (0.5, False, 2)]


def test_essays_wait_for_a_lecturer_then_the_attempt_is_graded(app, make_quiz, make_question, official_user, lecturer,
                                                               now, recorded_events):
    quiz = make_quiz([make_question("true_false"), make_question("essay", mark=4)], pass_mark=0.5)
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    tf, essay = attempt.questions
    service.save_answer(attempt.id, official_user.id, tf.id, answer_getter({"": "true"}), now=now)
    service.save_answer(attempt.id, official_user.id, essay.id, answer_getter({"": "Bài viết của tôi"}), now=now)
    done = service.submit_attempt(attempt.id, now=now)
    assert done.state is AttemptState.needs_grading and done.score is None and graded_events(recorded_events) == []
    with pytest.raises(DomainError):
        grade_manually(essay.id, grader_id=lecturer.id, points=5, now=now)
    grade_manually(essay.id, grader_id=lecturer.id, points=3, comment="Khá", now=now)
    graded = db.session.get(Attempt, attempt.id)
    assert graded.state is AttemptState.graded and graded.score == pytest.approx(4 / 5)
    (event,) = graded_events(recorded_events)
    assert event.passed and event.quiz_grade == pytest.approx(0.8)


def test_an_empty_essay_is_graded_zero_without_waiting(app, make_quiz, make_question, official_user, now):
    quiz = make_quiz([make_question("true_false"), make_question("essay")])
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    assert service.submit_attempt(attempt.id, now=now).state is AttemptState.graded


def test_regrading_after_a_correction_keeps_responses_and_resends_the_grade(app, bank, make_quiz, make_question,
                                                                            official_user, now, recorded_events):
    from lms.quizzes.services.banks import save_question
    question = make_question("single_choice")
    quiz = make_quiz([question])
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    aq = attempt.questions[0]
    hue = next(o["id"] for o in question.data["options"] if o["text"] == "Huế")
    service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": hue}), now=now)
    assert service.submit_attempt(attempt.id, now=now).score == 0.0
    corrected = [dict(o, fraction=1.0 if o["text"] == "Huế" else 0.0) for o in question.data["options"]]
    save_question(bank, question, qtype="single_choice", name=question.name, category=question.category,
                  text=question.text, data={"options": corrected})
    assert question.version == 2 and stale_attempts(quiz.id) == 1
    assert regrade(question_id=question.id, now=now) == 1
    db.session.expire_all()
    regraded = db.session.get(Attempt, attempt.id)
    assert regraded.score == 1.0 and regraded.questions[0].response == hue and stale_attempts(quiz.id) == 0
    assert [e.score for e in graded_events(recorded_events)] == [0.0, 1.0]
    # The quiz grade reaches whoever keeps progress as the activity's outcome, each one replacing the last.
    outcomes = [p for name, p in recorded_events if name == "activity_completed"]
    assert [(o.activity_type, o.activity_ref, o.score, o.passed, o.completed, o.supersedes) for o in outcomes] == [
        ("quiz", str(quiz.id), 0.0, False, False, True), ("quiz", str(quiz.id), 1.0, True, True, True)]


def test_editing_a_quiz_while_attempts_are_open_changes_none_of_them(app, make_quiz, make_question, official_user,
                                                                     now):
    from lms.quizzes.services.quizzes import add_questions, remove_slot, update_quiz
    quiz = make_quiz([make_question("single_choice", name="A")], time_limit_minutes=30)
    attempt = service.start_attempt(quiz, official_user.id, now=now)
    aq = attempt.questions[0]
    service.save_answer(attempt.id, official_user.id, aq.id, answer_getter({"": right_option(aq)}), now=now)
    outcome = update_quiz(quiz, title_vi="Đã sửa", settings={"time_limit_minutes": 5})
    assert outcome.open_attempts == 1
    add_questions(quiz, [make_question("true_false", name="B")])
    remove_slot(quiz, quiz.slots[0].id)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Attempt, attempt.id)
    assert kept.deadline == later(now, minutes=30) and [q.question.name for q in kept.questions] == ["A"]
    assert kept.questions[0].response == right_option(aq)
    assert service.submit_attempt(attempt.id, now=now).score == 1.0


def test_random_slots_draw_distinct_questions_and_refuse_a_short_pool(app, bank, make_quiz, make_question,
                                                                      official_user, make_user):
    from lms.quizzes.services.banks import ensure_category
    from lms.quizzes.services.quizzes import add_random
    for n in range(4):
        make_question("true_false", name=f"R{n}", category="Kho/Chương 1" if n % 2 else "Kho")
    fixed = make_question("single_choice", name="Fixed", category="Kho")
    quiz = make_quiz([fixed])
    add_random(quiz, ensure_category(bank, "Kho"), 3)
    attempt = service.start_attempt(quiz, official_user.id, rng=random.Random(4))
    names = [aq.question.name for aq in attempt.questions]
    assert names[0] == "Fixed" and len(set(names)) == 4 and all(n.startswith("R") for n in names[1:])
    add_random(quiz, ensure_category(bank, "Kho/Chương 1"), 5)
    with pytest.raises(DomainError, match="chỉ có"):
        service.start_attempt(quiz, make_user().id)


def test_double_start_race_is_caught_by_the_one_open_attempt_index(app, make_quiz, official_user, now,
                                                                      monkeypatch):
    quiz = make_quiz()
    first = service.start_attempt(quiz, official_user.id, now=now)
    db.session.commit()
    # The second request read the attempts before the first one committed: it saw none.
    monkeypatch.setattr(service, "user_attempts", lambda quiz_id, user_id: [])
    monkeypatch.setattr(service, "submit_overdue", lambda **kw: 0)
    with pytest.raises(service.AttemptStartRace):
        service.start_attempt(quiz, official_user.id, now=now)
    db.session.rollback()
    assert service.open_attempt(quiz.id, official_user.id).id == first.id
