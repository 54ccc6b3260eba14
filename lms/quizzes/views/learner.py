"""What officials see: their quizzes, the quiz page, the attempt (page by page), the summary, the review.

Every answer is saved as it is given: the page's script posts each one to `answer` (JSON); without
script, each page's form posts its answers when the official moves on. A request that finds an attempt
whose time is up submits it first.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core import activities
from lms.core.db import db, utcnow
from lms.core.errors import NotFound
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors
from lms.quizzes.display import view_of
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Question, Quiz, QuizGrade
from lms.quizzes.services import attempts as service
from lms.quizzes.services.banks import may_manage_bank
from lms.quizzes.services.quizzes import is_closed
from lms.quizzes.types import InvalidResponse, get_type
from lms.quizzes.views import bp


@dataclass(frozen=True)
class ReviewOptions:
    score: bool
    answers: bool
    feedback: bool


def review_options(quiz: Quiz, *, manager: bool, now=None) -> ReviewOptions:
    """What a review may show: everything to a lecturer; to the official what the quiz allows now."""
    if manager:
        return ReviewOptions(True, True, True)
    if is_closed(quiz, now):
        return ReviewOptions(quiz.review_score_closed, quiz.review_answers_closed, quiz.review_feedback_closed)
    return ReviewOptions(quiz.review_score_after, quiz.review_answers_after, quiz.review_feedback_after)


def _quiz_or_404(quiz_id: int) -> Quiz:
    """A quiz the current user may take: one of a course they learn in, or one of a bank they manage."""
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    if not (may_manage_bank(current_user, quiz.bank) or activities.may_take(current_user, "quiz", str(quiz.id))):
        abort(404)
    return quiz


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _finish_if_overdue(attempt: Attempt) -> bool:
    """Submit the attempt if its time is up (the job may not have run yet); True if it did. Flushes."""
    if service.is_overdue(attempt, utcnow()):
        service.submit_attempt(attempt.id, reason="deadline")
        return True
    return False


@bp.get("/mine")
@login_required
@commits
def mine():
    service.submit_overdue(user_id=current_user.id)
    open_attempts = list(db.session.scalars(
        select(Attempt).options(selectinload(Attempt.quiz)).where(Attempt.user_id == current_user.id,
                                                                 Attempt.state == AttemptState.in_progress)
        .order_by(Attempt.started_at.desc())))
    grades = db.session.execute(select(QuizGrade, Quiz).join(Quiz, Quiz.id == QuizGrade.quiz_id)
                                .where(QuizGrade.user_id == current_user.id)
                                .order_by(QuizGrade.updated_at.desc())).all()
    recent = list(db.session.scalars(
        select(Attempt).options(selectinload(Attempt.quiz)).where(Attempt.user_id == current_user.id,
                                                                 Attempt.state != AttemptState.in_progress)
        .order_by(Attempt.submitted_at.desc()).limit(30)))
    show_score = {quiz.id: review_options(quiz, manager=False).score for _grade, quiz in grades}
    return render_template("quizzes/mine.html", open_attempts=open_attempts, grades=grades, recent=recent,
                           seconds_left=service.seconds_left, show_score=show_score)


@bp.get("/<int:quiz_id>")
@login_required
@commits
def quiz(quiz_id: int):
    quiz = _quiz_or_404(quiz_id)
    now = utcnow()
    service.submit_overdue(now=now, quiz_id=quiz.id, user_id=current_user.id)
    attempts = service.user_attempts(quiz.id, current_user.id)
    manager = may_manage_bank(current_user, quiz.bank)
    grade = db.session.scalar(select(QuizGrade).where(QuizGrade.quiz_id == quiz.id,
                                                      QuizGrade.user_id == current_user.id))
    return render_template("quizzes/quiz.html", quiz=quiz, attempts=attempts, grade=grade, manager=manager,
                           check=service.can_start(quiz, current_user.id, now, attempts),
                           review=review_options(quiz, manager=False, now=now), question_count=len(quiz.slots))


@bp.post("/<int:quiz_id>/start")
@login_required
@commits
def start(quiz_id: int):
    quiz = _quiz_or_404(quiz_id)
    with flash_domain_errors():
        try:
            attempt = service.start_attempt(quiz, current_user.id)
        except service.AttemptStartRace:
            discard_changes()  # another tab opened it a moment ago: resume that one
            attempt = service.open_attempt(quiz.id, current_user.id) or abort(409)
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    return redirect(url_for("quizzes.quiz", quiz_id=quiz_id))


def _questions(attempt: Attempt, page: int | None = None) -> list[AttemptQuestion]:
    """An attempt's questions (one page, or all) with their bank questions, in two queries."""
    statement = (select(AttemptQuestion).options(selectinload(AttemptQuestion.question))
                 .where(AttemptQuestion.attempt_id == attempt.id).order_by(AttemptQuestion.position))
    if page is not None:
        statement = statement.where(AttemptQuestion.page == page)
    return list(db.session.scalars(statement))


def _views(attempt: Attempt, questions: list[AttemptQuestion], numbers: dict[int, int] | None = None, **flags):
    """The questions' views, skipping a type no longer installed. Numbers come from `numbers` (by position, for
    one page of the attempt) or are counted over `questions` (the whole attempt)."""
    views, number = [], 0
    for aq in questions:
        kind = get_type(aq.question.qtype)
        if kind is None:
            continue
        if kind.gradable:
            number += 1
        shown = (numbers.get(aq.position, 0) if numbers is not None else number) if kind.gradable else 0
        views.append(view_of(aq, kind, number=shown, **flags))
    return views


def _numbering(attempt: Attempt) -> dict[int, int]:
    """Question numbers by position (descriptions carry none)."""
    numbers, number = {}, 0
    rows = db.session.execute(select(AttemptQuestion.position, Question.qtype)
                              .join(Question, Question.id == AttemptQuestion.question_id)
                              .where(AttemptQuestion.attempt_id == attempt.id)
                              .order_by(AttemptQuestion.position)).all()
    for position, qtype in rows:
        kind = get_type(qtype)
        if kind is not None and kind.gradable:
            number += 1
            numbers[position] = number
    return numbers


@bp.get("/attempts/<int:attempt_id>")
@login_required
@commits
def attempt(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if _finish_if_overdue(attempt):
        flash(_("Time is up. Your attempt was submitted with the answers saved before the deadline."), "warning")
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    if attempt.finished:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    page = request.args.get("page", type=int)
    page = attempt.current_page if page is None else max(0, min(page, attempt.page_count - 1))
    questions = _questions(attempt, page)
    numbers = _numbering(attempt)
    views = _views(attempt, questions, numbers)
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz, page=page, views=views,
                           seconds_left=service.seconds_left(attempt), answered=service.answered_count(attempt),
                           total=len(numbers))


def _target_page(attempt: Attempt, page: int, go: str) -> int | None:
    if go == "prev":
        return max(0, page - 1)
    if go == "next":
        return min(attempt.page_count - 1, page + 1)
    if go.startswith("page-") and go[5:].isdigit():
        return max(0, min(attempt.page_count - 1, int(go[5:])))
    return None  # the summary


@bp.post("/attempts/<int:attempt_id>/page/<int:page>")
@login_required
@commits
def save_page(attempt_id: int, page: int):
    go = request.form.get("go", "next")
    try:
        problems = service.save_page(attempt_id, current_user.id, request.form, page)
        attempt = db.session.get(Attempt, attempt_id)
        target = _target_page(attempt, page, go)
        if problems:
            target = page
        if target is not None:
            attempt.current_page = target
    except service.AttemptClosed as closed:
        discard_changes()
        service.submit_overdue(user_id=current_user.id)  # the time is up: the submission is committed
        flash(str(closed), "error")
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    except NotFound:
        abort(404)
    for problem in problems:
        flash(_("Question %(n)s: %(message)s", n=problem.position, message=problem.message) if problem.position
              else problem.message, "error")
    if target is None:
        return redirect(url_for("quizzes.summary", attempt_id=attempt_id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id, page=target))


@bp.post("/attempts/<int:attempt_id>/answer")
@login_required
@commits
def answer(attempt_id: int):
    """Save one answer (the page's script posts each answer as it is given). JSON in, JSON out."""
    slot = request.form.get("slot", type=int)
    if slot is None:
        return jsonify(ok=False, code="invalid", error=_("The answer names no question.")), 400
    prefix = f"q{slot}"
    try:
        saved = service.save_answer(attempt_id, current_user.id, slot,
                                    lambda suffix: request.form.getlist(prefix + suffix),
                                    seq=request.form.get("seq", type=int), page=request.form.get("page", type=int))
        attempt = db.session.get(Attempt, attempt_id)
        left = service.seconds_left(attempt)
    except service.AttemptClosed as closed:
        discard_changes()
        service.submit_overdue(user_id=current_user.id)  # the time is up: the submission is committed
        return jsonify(ok=False, code="closed", error=str(closed),
                       redirect=url_for("quizzes.review", attempt_id=attempt_id)), 409
    except InvalidResponse as invalid:
        discard_changes()
        return jsonify(ok=False, code="invalid", error=str(invalid)), 400
    except NotFound:
        discard_changes()
        return jsonify(ok=False, code="not_found", error=_("That attempt does not exist.")), 404
    return jsonify(ok=True, saved=saved, seconds_left=left)


@bp.get("/attempts/<int:attempt_id>/state")
@login_required
@commits
def attempt_state(attempt_id: int):
    """The server's view of the clock, for the countdown to resynchronise."""
    attempt = _own_attempt(attempt_id)
    if _finish_if_overdue(attempt) or attempt.finished:
        return jsonify(state="submitted", seconds_left=0, redirect=url_for("quizzes.review", attempt_id=attempt_id))
    return jsonify(state="in_progress", seconds_left=service.seconds_left(attempt))


@bp.get("/attempts/<int:attempt_id>/summary")
@login_required
@commits
def summary(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if _finish_if_overdue(attempt) or attempt.finished:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id))
    views = _views(attempt, _questions(attempt))
    return render_template("quizzes/summary.html", attempt=attempt, quiz=attempt.quiz,
                           views=[v for v in views if v.number], seconds_left=service.seconds_left(attempt))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
@commits
def submit(attempt_id: int):
    attempt = service.lock_attempt(attempt_id, with_quiz=True)  # the one read of the attempt, locked
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    was_open = attempt.state is AttemptState.in_progress
    service.submit_locked(attempt, reason="timeout" if request.form.get("timeout") else "manual")
    if was_open:
        flash(_("Your attempt was submitted."), "success")
    return redirect(url_for("quizzes.review", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
@commits
def review(attempt_id: int):
    attempt = db.session.get(Attempt, attempt_id) or abort(404)
    manager = may_manage_bank(current_user, attempt.quiz.bank)
    if attempt.user_id != current_user.id and not manager:
        abort(404)
    if attempt.user_id == current_user.id and _finish_if_overdue(attempt):
        db.session.refresh(attempt)
    if not attempt.finished:
        if attempt.user_id == current_user.id:
            return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
        abort(404)
    options = review_options(attempt.quiz, manager=manager)
    views = _views(attempt, _questions(attempt), readonly=True, show_score=options.score, show_right=options.answers,
                   show_feedback=options.feedback)
    from lms.core.models import User
    person = db.session.get(User, attempt.user_id)
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz, views=views, options=options,
                           manager=manager, person=person)
