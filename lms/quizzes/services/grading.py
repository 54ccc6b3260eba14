"""Grading: attempts (automatic for all but essays), the essay queue, regrading, and the quiz grade.

Grading an attempt reads its questions in one query, grades them in Python with each type's pure
`grade()`, and writes the results back in one statement. When nothing waits for a lecturer, the
attempt is graded: the official's quiz grade follows the grading method, `attempt_graded` is sent for
whoever follows attempts, and the quiz grade is reported as the activity's outcome through the core's
`report_outcome`, all in the same transaction (receivers flush; the view, job or command commits once).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Float, Integer, bindparam, cast, column, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lms.core import activities, audit, events
from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotFound
from lms.quizzes.activity import QuizActivity
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, GradingMethod, Question, Quiz, QuizGrade
from lms.quizzes.types import get_type

EPSILON = 1e-9


def lock_attempt(attempt_id: int, *, shared: bool = False, with_quiz: bool = False) -> Attempt | None:
    """Load an attempt with a row lock on PostgreSQL (FOR UPDATE; FOR SHARE when `shared`).

    Submitting takes the exclusive lock, saving an answer the shared one: an answer is never written
    into an attempt that a concurrent submit is grading, and two submits grade it once. `with_quiz`
    reads the quiz in the same query (grading needs it); only the attempt's row is locked.
    """
    dialect = db.session.get_bind().dialect.name
    key = (dialect, shared, with_quiz)
    if key not in _LOCKS:  # built once per kind, with a parameter (every answer and submit runs one)
        statement = select(Attempt).where(Attempt.id == bindparam("attempt_id")).execution_options(
            populate_existing=True)
        if with_quiz:
            statement = statement.options(joinedload(Attempt.quiz, innerjoin=True))
        if dialect == "postgresql":
            statement = statement.with_for_update(read=shared, of=Attempt)
        _LOCKS[key] = statement
    return db.session.scalar(_LOCKS[key], {"attempt_id": attempt_id})


_LOCKS: dict = {}


_ATTEMPT_ROWS = (select(AttemptQuestion.id, AttemptQuestion.response, AttemptQuestion.mark, AttemptQuestion.fraction,
                        AttemptQuestion.manually_graded_at, Question.qtype, Question.data, Question.version)
                 .join(Question, Question.id == AttemptQuestion.question_id)
                 .where(AttemptQuestion.attempt_id == bindparam("attempt_id")))


def grade_attempt(attempt: Attempt, now: datetime | None = None, *,
                  submitted: tuple[datetime, str] | None = None) -> Attempt:
    """(Re)grade a submitted attempt from its saved responses; keeps what lecturers graded by hand.

    `submitted` (when, why) marks an attempt in progress as submitted in the same write.
    """
    now = now or utcnow()
    with db.session.no_autoflush:  # the attempt's own changes are written once, below
        rows = db.session.execute(_ATTEMPT_ROWS, {"attempt_id": attempt.id}).all()
    changes, points, max_points, pending = [], 0.0, 0.0, False
    for row in rows:
        kind = get_type(row.qtype)
        if kind is None or not kind.gradable:
            changes.append({"id": row.id, "fraction": None, "points": None, "needs_manual": False,
                            "question_version": row.version})
            continue
        max_points += row.mark
        needs_manual = False
        if not kind.automatic:
            if row.manually_graded_at is not None:
                fraction = row.fraction
            elif not kind.answered(row.response):
                fraction = 0.0  # an essay left empty: nothing for a lecturer to read
            else:
                fraction, needs_manual = None, True
        else:
            fraction = kind.grade(row.data, row.response) if row.response is not None else 0.0
        if fraction is None:
            pending = pending or needs_manual
            changes.append({"id": row.id, "fraction": None, "points": None, "needs_manual": needs_manual,
                            "question_version": row.version})
            continue
        fraction = max(0.0, min(1.0, float(fraction)))
        points += fraction * row.mark
        changes.append({"id": row.id, "fraction": fraction, "points": fraction * row.mark, "needs_manual": False,
                        "question_version": row.version})
    if changes:
        _write_grades(changes)
        _expire_loaded_questions(attempt.id)
    values = {"max_points": max_points, "points": points}
    if submitted is not None:
        values["submitted_at"], values["submit_reason"] = submitted
    if pending:
        values.update(state=AttemptState.needs_grading, score=None)
    else:
        values.update(state=AttemptState.graded, graded_at=now,
                      score=points / max_points if max_points > EPSILON else 0.0)
    _write_attempt(attempt, values)
    if pending:
        return attempt
    # An official's first attempt, being submitted, is their only graded one: no other can have started
    # while it was open (numbers go up by one, and one attempt is open at a time).
    only = [attempt.score] if submitted is not None and attempt.number == 1 else None
    grade, passed = update_quiz_grade(attempt.quiz, attempt.user_id, now, scores=only)
    events.send(events.attempt_graded, events.AttemptGraded(
        attempt_id=attempt.id, quiz_id=attempt.quiz_id, user_id=attempt.user_id, score=attempt.score,
        quiz_grade=grade, passed=passed, graded_at=now))
    # The quiz grade replaces the earlier one: a regrade below the pass mark withdraws the completion.
    activities.report_outcome(attempt.user_id, QuizActivity.name, str(attempt.quiz_id), completed=passed,
                              passed=passed, score=grade, supersedes=True, occurred_at=now)
    return attempt


def _write_attempt(attempt: Attempt, values: dict) -> None:
    """One UPDATE of the attempt's row (a statement built once per set of columns, not the ORM's unit of
    work: a tenth of a submit's cost), then the loaded object shows the values as saved."""
    key = tuple(sorted(values))
    if key not in _ATTEMPT_UPDATES:
        _ATTEMPT_UPDATES[key] = _ATTEMPTS.update().where(_ATTEMPTS.c.id == bindparam("attempt_id")).values(
            {name: bindparam(name) for name in key})
    with db.session.no_autoflush:
        db.session.execute(_ATTEMPT_UPDATES[key], {"attempt_id": attempt.id, **values})
    for name, value in values.items():
        set_committed_value(attempt, name, value)


_ATTEMPT_UPDATES: dict = {}


def _graded_rows():
    """UPDATE ... FROM unnest(arrays): an attempt's marks in one statement, compiled once (its values are
    parameters, so SQLAlchemy's statement cache keeps it, unlike a VALUES list written into the SQL)."""
    table = AttemptQuestion.__table__
    columns = (("ids", "id", Integer), ("fractions", "fraction", Float), ("points", "points", Float),
               ("needs_manual", "needs_manual", Boolean), ("versions", "question_version", Integer))
    graded = func.unnest(*[cast(bindparam(name), ARRAY(kind)) for name, _, kind in columns]).table_valued(
        *[column(field, kind) for _, field, kind in columns]).render_derived(name="graded")
    return table.update().where(table.c.id == graded.c.id).values(
        fraction=graded.c.fraction, points=graded.c.points, needs_manual=graded.c.needs_manual,
        question_version=graded.c.question_version)


_GRADED_ROWS = _graded_rows()


def _write_grades(changes: list[dict]) -> None:
    """All of an attempt's marks in one round trip on PostgreSQL; SQLite gets one executemany."""
    if db.session.get_bind().dialect.name != "postgresql":
        with db.session.no_autoflush:
            db.session.execute(update(AttemptQuestion), changes)
        return
    with db.session.no_autoflush:
        db.session.execute(_GRADED_ROWS, {
            "ids": [c["id"] for c in changes], "fractions": [c["fraction"] for c in changes],
            "points": [c["points"] for c in changes], "needs_manual": [c["needs_manual"] for c in changes],
            "versions": [c["question_version"] for c in changes]})


def _expire_loaded_questions(attempt_id: int) -> None:
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, AttemptQuestion) and obj.attempt_id == attempt_id:
            db.session.expire(obj)


def quiz_grade(method: GradingMethod, scores: list[float]) -> float:
    """The grade from graded attempts' scores in attempt order."""
    if not scores:
        return 0.0
    if method is GradingMethod.highest:
        return max(scores)
    if method is GradingMethod.average:
        return sum(scores) / len(scores)
    if method is GradingMethod.first:
        return scores[0]
    return scores[-1]


def passes(quiz: Quiz, grade: float) -> bool:
    return grade + EPSILON >= (quiz.pass_mark or 0.0)


def update_quiz_grade(quiz: Quiz, user_id: int, now: datetime, *,
                      scores: list[float] | None = None) -> tuple[float, bool]:
    """Recompute and store an official's grade on a quiz; returns (grade, passed). `scores`, when the
    caller knows them, are the graded attempts' scores in attempt order."""
    if scores is None:
        scores = [s for s in db.session.scalars(_GRADED_SCORES, {"quiz_id": quiz.id, "user_id": user_id})
                  if s is not None]
    grade = quiz_grade(quiz.grading_method, scores)
    passed = bool(scores) and passes(quiz, grade)
    db.session.execute(_grade_upsert(db.session.get_bind().dialect.name), {
        "quiz_id": quiz.id, "user_id": user_id, "grade": grade, "passed": passed,
        "graded_attempts": len(scores), "updated_at": now})
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, QuizGrade) and obj.quiz_id == quiz.id and obj.user_id == user_id:
            db.session.expire(obj)
    return grade, passed


# Run by every submit: built once, with parameters (SQLAlchemy then computes their cache key once).
_ATTEMPTS = Attempt.__table__
_GRADED_SCORES = select(_ATTEMPTS.c.score).where(  # the table's columns: no ORM entity to set up
    _ATTEMPTS.c.quiz_id == bindparam("quiz_id"), _ATTEMPTS.c.user_id == bindparam("user_id"),
    _ATTEMPTS.c.state == AttemptState.graded).order_by(_ATTEMPTS.c.number)
_UPSERTS: dict = {}


def _grade_upsert(dialect: str):
    if dialect not in _UPSERTS:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        fields = ("quiz_id", "user_id", "grade", "passed", "graded_attempts", "updated_at")
        statement = insert(QuizGrade.__table__).values({name: bindparam(name) for name in fields})
        _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["quiz_id", "user_id"],
            set_={name: getattr(statement.excluded, name) for name in fields if name not in ("quiz_id", "user_id")})
    return _UPSERTS[dialect]


# -- essays ----------------------------------------------------------------------------------------

def grade_manually(attempt_question_id: int, *, grader_id: int, points: float, comment: str = "",
                   now: datetime | None = None) -> Attempt:
    """A lecturer's grade for one answer (an essay, or an override); the attempt is regraded with it."""
    now = now or utcnow()
    row = db.session.get(AttemptQuestion, attempt_question_id)
    if row is None:
        raise NotFound(_l("That answer no longer exists."))
    attempt = lock_attempt(row.attempt_id)
    if attempt.state is AttemptState.in_progress:
        raise DomainError(_l("The attempt is still in progress; grade it after it is submitted."))
    if points is None or points != points or not 0 <= points <= row.mark + EPSILON:
        raise DomainError(_l("Give between 0 and %(max)s points."), max=_fmt(row.mark))
    db.session.refresh(row)
    row.fraction = points / row.mark if row.mark > EPSILON else 0.0
    row.points = points
    row.comment = (comment or "").strip()[:10_000]
    row.graded_by, row.manually_graded_at, row.needs_manual = grader_id, now, False
    db.session.flush()
    audit.record("quiz.answer_graded", "quiz_attempt", attempt.id, actor_id=grader_id,
                 data={"attempt_question_id": row.id, "points": points})
    return grade_attempt(attempt, now)


def _fmt(value: float) -> str:
    return f"{value:g}"


def essay_queue(bank_ids_condition):
    """A select() of answers waiting for a lecturer, oldest first, limited to managed banks."""
    from lms.quizzes.models import QuestionBank
    return (select(AttemptQuestion).join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
            .join(Quiz, Quiz.id == Attempt.quiz_id).join(QuestionBank, QuestionBank.id == Quiz.bank_id)
            .where(AttemptQuestion.needs_manual.is_(True), Attempt.state == AttemptState.needs_grading,
                   bank_ids_condition)
            .order_by(Attempt.submitted_at, AttemptQuestion.position))


# -- regrading ---------------------------------------------------------------------------------------

def regrade(*, quiz_id: int | None = None, question_id: int | None = None, actor_id: int | None = None,
            now: datetime | None = None) -> int:
    """Regrade every submitted attempt of a quiz, or every one that asked a question (after a correction).

    Saved responses are never changed; only the marks are recomputed. Returns the number of attempts.
    """
    now = now or utcnow()
    statement = select(Attempt.id).where(Attempt.state != AttemptState.in_progress)
    if quiz_id is not None:
        statement = statement.where(Attempt.quiz_id == quiz_id)
    if question_id is not None:
        statement = statement.where(Attempt.id.in_(
            select(AttemptQuestion.attempt_id).where(AttemptQuestion.question_id == question_id)))
    ids = list(db.session.scalars(statement.order_by(Attempt.id)))
    for attempt_id in ids:
        attempt = lock_attempt(attempt_id)
        if attempt is not None and attempt.state is not AttemptState.in_progress:
            grade_attempt(attempt, now)
    if ids:
        audit.record("quiz.regraded", "quiz" if quiz_id else "quiz_question", quiz_id or question_id,
                     actor_id=actor_id, data={"attempts": len(ids)})
    return len(ids)


def stale_attempts(quiz_id: int) -> int:
    """Submitted attempts graded against an older version of one of their questions."""
    from sqlalchemy import func
    return db.session.scalar(
        select(func.count(func.distinct(AttemptQuestion.attempt_id)))
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.state != AttemptState.in_progress,
               AttemptQuestion.question_version != Question.version)) or 0
