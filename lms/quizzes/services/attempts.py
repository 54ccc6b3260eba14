"""Attempts: start, save each answer as it is given, submit (once), and submit at the deadline.

The server owns the clock. An attempt's `deadline` is fixed when it starts (the time limit, or the
quiz's close date if sooner). An answer that arrives after the deadline (plus a few seconds' grace for
the network) is refused, and the attempt is graded on what was saved. Attempts whose time is up are
submitted by the scheduler job, or by the next request that touches them, whichever comes first.

Submitting locks the attempt row (SELECT ... FOR UPDATE on PostgreSQL) and grades it in the caller's
transaction: a second submit (double click, second tab, replayed request) finds it submitted and
returns the same result. A worker killed mid-submit rolls back, leaving the attempt in progress with
every saved answer, for the next request or the job to submit and grade.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotFound
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Category, Question, QuestionTag, Quiz, QuizSlot
from lms.quizzes.services.grading import grade_attempt, lock_attempt
from lms.quizzes.services.quizzes import is_open, next_start_allowed
from lms.quizzes.types import InvalidResponse, require_type


class AttemptClosed(DomainError):
    """The attempt is no longer open: submitted, or its time is up."""


class DeadlinePassed(AttemptClosed):
    """An answer arrived after the attempt's deadline."""


class AttemptStartRace(Exception):
    """Two starts raced; the caller rolls back and resumes the attempt the other one opened."""


def grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("QUIZZES_DEADLINE_GRACE_SECONDS", 5))


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return (attempt.state is AttemptState.in_progress and attempt.deadline is not None
            and now > attempt.deadline + grace())


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or utcnow())).total_seconds()))


def open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id,
                                                   Attempt.state == AttemptState.in_progress))


def user_attempts(quiz_id: int, user_id: int) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id, Attempt.user_id == user_id)
                                   .order_by(Attempt.number)))


@dataclass
class StartCheck:
    allowed: bool
    reason: str = ""
    resume: Attempt | None = None


def can_start(quiz: Quiz, user_id: int, now: datetime, attempts: list[Attempt]) -> StartCheck:
    """Whether the person may start (or resume) an attempt now, and if not, why (a readable reason)."""
    current = next((a for a in attempts if a.state is AttemptState.in_progress), None)
    if current is not None and not is_overdue(current, now):
        return StartCheck(True, resume=current)
    if not is_open(quiz, now):
        if quiz.open_at and now < quiz.open_at:
            return StartCheck(False, str(_l("The quiz has not opened yet.")))
        return StartCheck(False, str(_l("The quiz is closed.")))
    finished = [a for a in attempts if a.state is not AttemptState.in_progress or is_overdue(a, now)]
    if quiz.attempts_allowed and len(finished) >= quiz.attempts_allowed:
        return StartCheck(False, str(_l("You have used all %(n)s attempts allowed.", n=quiz.attempts_allowed)))
    last = max((a.submitted_at or a.deadline for a in finished if (a.submitted_at or a.deadline)), default=None)
    allowed_at = next_start_allowed(quiz, last)
    if allowed_at and now < allowed_at:
        from lms.core.i18n import format_moment
        return StartCheck(False, str(_l("You may start another attempt from %(when)s.",
                                        when=format_moment(allowed_at))))
    return StartCheck(True)


def start_attempt(quiz: Quiz, user_id: int, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Start an attempt, or return the one in progress (pressing "Start" twice opens one attempt)."""
    now = now or utcnow()
    rng = rng or random.Random(secrets.randbits(64))
    submit_overdue(now=now, quiz_id=quiz.id, user_id=user_id)
    attempts = user_attempts(quiz.id, user_id)
    check = can_start(quiz, user_id, now, attempts)
    if check.resume is not None:
        return check.resume
    if not check.allowed:
        raise DomainError(check.reason)
    chosen = draw_questions(quiz, rng)
    if not any(require_type(q.qtype).gradable for q, _ in chosen):
        raise DomainError(_l("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    per_page = quiz.questions_per_page or len(chosen)
    deadline = None
    if quiz.time_limit_seconds:
        deadline = now + timedelta(seconds=quiz.time_limit_seconds)
    if quiz.close_at and (deadline is None or quiz.close_at < deadline):
        deadline = quiz.close_at
    attempt = Attempt(quiz_id=quiz.id, quiz=quiz, user_id=user_id, state=AttemptState.in_progress, started_at=now,
                      number=max((a.number for a in attempts), default=0) + 1, deadline=deadline, current_page=0,
                      page_count=max(1, -(-len(chosen) // per_page)), quiz_version=quiz.version, max_points=0.0)
    for position, (question, mark) in enumerate(chosen, start=1):
        kind = require_type(question.qtype)
        attempt.questions.append(AttemptQuestion(
            position=position, page=(position - 1) // per_page, question_id=question.id, question=question,
            question_version=question.version, mark=mark if kind.gradable else 0.0,
            option_order=kind.initial_order(question.data, quiz.shuffle_answers, rng)))
    attempt.max_points = sum(aq.mark for aq in attempt.questions)
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError as race:
        raise AttemptStartRace() from race
    return attempt


def draw_questions(quiz: Quiz, rng: random.Random) -> list[tuple[Question, float]]:
    """The questions an attempt asks: fixed slots, and for random slots a fresh draw from the category."""
    slots = list(db.session.scalars(select(QuizSlot).where(QuizSlot.quiz_id == quiz.id)
                                    .options(selectinload(QuizSlot.question), selectinload(QuizSlot.random_category))
                                    .order_by(QuizSlot.position, QuizSlot.id)))
    used = {s.question_id for s in slots if s.question_id}
    chosen: list[tuple[Question, float]] = []
    for slot in slots:
        if slot.question is not None:
            chosen.append((slot.question, slot.mark if slot.mark is not None else slot.question.default_mark))
            continue
        category = slot.random_category
        if category is None:
            continue
        condition = Question.category_id == category.id
        if slot.random_subcategories:
            condition = Question.category_id.in_(select(Category.id).where(
                Category.bank_id == category.bank_id,
                or_(Category.id == category.id, Category.path.startswith(category.path + "/"))))
        statement = select(Question).where(condition, Question.hidden.is_(False), Question.qtype != "description")
        if slot.random_tag:
            statement = statement.where(Question.id.in_(select(QuestionTag.question_id)
                                                        .where(QuestionTag.tag == slot.random_tag)))
        pool = [q for q in db.session.scalars(statement.order_by(Question.id)) if q.id not in used]
        if len(pool) < slot.random_count:
            raise DomainError(_l("The quiz draws %(n)s questions from \"%(category)s\", which has only %(have)s "
                                 "available. Tell the lecturer."), n=slot.random_count, category=category.path,
                              have=len(pool))
        for question in rng.sample(pool, slot.random_count):
            used.add(question.id)
            chosen.append((question, slot.mark if slot.mark is not None else question.default_mark))
    return chosen


def _owned_open(attempt_id: int, user_id: int, now: datetime) -> Attempt:
    attempt = lock_attempt(attempt_id, shared=True)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound(_l("That attempt does not exist."))
    if attempt.state is not AttemptState.in_progress:
        raise AttemptClosed(_l("This attempt has already been submitted; the answer was not saved."))
    if is_overdue(attempt, now):
        raise DeadlinePassed(_l("Time is up: answers that arrive after the deadline are not accepted. Your attempt "
                                "is graded on the answers saved before the deadline."))
    return attempt


def save_answer(attempt_id: int, user_id: int, attempt_question_id: int, get, *, seq: int | None = None,
                page: int | None = None, now: datetime | None = None) -> bool:
    """Save one answer the moment it is given. `get(suffix)` reads the posted field `q<id><suffix>`.

    `seq` is the client's counter for this question: an answer older than the one saved (a retry that
    arrives late) is ignored. Returns False when it was ignored as older, True when saved.
    """
    now = now or utcnow()
    attempt = _owned_open(attempt_id, user_id, now)
    row = db.session.execute(select(AttemptQuestion.id, AttemptQuestion.response_seq, Question.qtype, Question.data)
                             .join(Question, Question.id == AttemptQuestion.question_id)
                             .where(AttemptQuestion.id == attempt_question_id,
                                    AttemptQuestion.attempt_id == attempt.id)).first()
    if row is None:
        raise InvalidResponse(_l("This answer is for a question that is not in your attempt; it was not saved."))
    if seq is not None and (seq < 0 or seq > 2 ** 62):
        raise InvalidResponse(_l("The answer carries an invalid sequence number."))
    response = require_type(row.qtype).parse_form(row.data, get)
    statement = (update(AttemptQuestion)
                 .where(AttemptQuestion.id == row.id, AttemptQuestion.attempt_id == attempt.id,
                        # Written only while the attempt is still open, whatever raced with it.
                        AttemptQuestion.attempt_id.in_(select(Attempt.id).where(
                            Attempt.id == attempt.id, Attempt.state == AttemptState.in_progress)))
                 .values(response=response, answered_at=now))
    if seq is not None:
        statement = statement.where(or_(AttemptQuestion.response_seq.is_(None), AttemptQuestion.response_seq < seq)) \
            .values(response_seq=seq)
    saved = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount > 0
    _expire_row(row.id)
    if page is not None and 0 <= page < attempt.page_count and page != attempt.current_page:
        attempt.current_page = page
    db.session.flush()
    return saved


@dataclass
class PageProblem:
    position: int
    message: str


def save_page(attempt_id: int, user_id: int, form, page: int, *, now: datetime | None = None) -> list[PageProblem]:
    """Save every answer of one page posted by the form (no script). Answers that do not fit are named
    and not saved; the others are. Fields for questions that are not on this page are refused."""
    now = now or utcnow()
    attempt = _owned_open(attempt_id, user_id, now)
    rows = db.session.execute(
        select(AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.page, Question.qtype, Question.data)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(AttemptQuestion.attempt_id == attempt.id)).all()
    on_page = {row.id: row for row in rows if row.page == page}
    problems: list[PageProblem] = []
    posted_ids = set()
    for key in form.keys():
        if key.startswith("q") and key[1:].split("-", 1)[0].isdigit():
            posted_ids.add(int(key[1:].split("-", 1)[0]))
    if posted_ids - set(on_page):
        problems.append(PageProblem(0, str(_l("Answers were sent for questions that are not on this page of your "
                                              "attempt; they were not saved."))))
    changes = []
    for row in on_page.values():
        prefix = f"q{row.id}"
        try:
            response = require_type(row.qtype).parse_form(row.data, lambda suffix, p=prefix: form.getlist(p + suffix))
        except InvalidResponse as invalid:
            problems.append(PageProblem(row.position, str(invalid)))
            continue
        changes.append({"id": row.id, "response": response, "answered_at": now})
    if changes:
        db.session.execute(update(AttemptQuestion), changes)
        for change in changes:
            _expire_row(change["id"])
    if 0 <= page < attempt.page_count:
        attempt.current_page = page
    db.session.flush()
    return problems


def _expire_row(row_id: int) -> None:
    obj = db.session.identity_map.get(db.session.identity_key(AttemptQuestion, row_id))
    if obj is not None:
        db.session.expire(obj)


def submit_attempt(attempt_id: int, *, user_id: int | None = None, now: datetime | None = None,
                   reason: str = "manual") -> Attempt:
    """Submit and grade an attempt, once. A second call returns the attempt as the first left it."""
    attempt = lock_attempt(attempt_id, with_quiz=True)
    if attempt is None or (user_id is not None and attempt.user_id != user_id):
        raise NotFound(_l("That attempt does not exist."))
    return submit_locked(attempt, now=now, reason=reason)


def submit_locked(attempt: Attempt, *, now: datetime | None = None, reason: str = "manual") -> Attempt:
    """`submit_attempt` for an attempt the caller has locked with `lock_attempt(..., with_quiz=True)`."""
    now = now or utcnow()
    if attempt.state is not AttemptState.in_progress:
        return attempt
    overdue = attempt.deadline is not None and now > attempt.deadline + grace()
    return grade_attempt(attempt, now, submitted=(attempt.deadline if overdue else now,
                                                  "deadline" if overdue or reason == "deadline" else reason))


def submit_overdue(*, now: datetime | None = None, quiz_id: int | None = None, user_id: int | None = None,
                   limit: int | None = None) -> int:
    """Submit the attempts whose time is up (all, or one person's / one quiz's). Returns how many."""
    now = now or utcnow()
    statement = select(Attempt.id).where(Attempt.state == AttemptState.in_progress, Attempt.deadline.is_not(None),
                                         Attempt.deadline < now - grace())
    if quiz_id is not None:
        statement = statement.where(Attempt.quiz_id == quiz_id)
    if user_id is not None:
        statement = statement.where(Attempt.user_id == user_id)
    statement = statement.order_by(Attempt.deadline, Attempt.id)
    if limit:
        statement = statement.limit(limit)
    if db.session.get_bind().dialect.name == "postgresql" and user_id is None:
        # The job skips attempts a web request is submitting right now; that request finishes them.
        statement = statement.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(statement))
    for attempt_id in ids:
        submit_attempt(attempt_id, now=now, reason="deadline")
    return len(ids)


def answered_count(attempt: Attempt) -> int:
    return db.session.scalar(select(func.count()).select_from(AttemptQuestion).where(
        and_(AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.response.is_not(None)))) or 0
