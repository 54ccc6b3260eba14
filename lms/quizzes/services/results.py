"""Results for lecturers: attempts per official, item statistics, the score distribution, XLSX export.

Item statistics use every graded attempt of the quiz:
- facility: the mean score on the question (0..1; for right/wrong questions, the share who got it right);
- discrimination index: the mean score on the question among the top 27% of attempts (by their total
  score) minus that among the bottom 27% (-1..1; above 0.3 separates strong and weak well);
- item-rest correlation: the correlation between the question's score and the score on the rest of the
  attempt (-1..1), a finer measure of the same.
Each is computed from a fixed number of queries, whatever the number of attempts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Official, User
from lms.core.xlsx import Book
from lms.quizzes.display import plain_text
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Question, Quiz, QuizGrade

GROUP_SHARE = 0.27


@dataclass
class PersonResult:
    user_id: int
    name: str
    code: str
    grade: QuizGrade | None
    attempts: list[Attempt] = field(default_factory=list)


@dataclass
class ItemStatistic:
    question_id: int
    name: str
    qtype: str
    answers: int
    facility: float | None
    discrimination: float | None
    correlation: float | None


def people(quiz: Quiz) -> list[PersonResult]:
    """Each official who attempted the quiz, with their attempts and grade (three queries)."""
    attempts = list(db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)
                                       .order_by(Attempt.user_id, Attempt.number)))
    user_ids = {a.user_id for a in attempts}
    users = {u.id: (u, o) for u, o in db.session.execute(
        select(User, Official).outerjoin(Official, Official.id == User.official_id)
        .where(User.id.in_(user_ids or {0}))).all()}
    grades = {g.user_id: g for g in db.session.scalars(select(QuizGrade).where(QuizGrade.quiz_id == quiz.id))}
    found: dict[int, PersonResult] = {}
    for attempt in attempts:
        user, official = users.get(attempt.user_id, (None, None))
        person = found.setdefault(attempt.user_id, PersonResult(
            user_id=attempt.user_id, name=(official.full_name if official else (user.display_name if user else "?")),
            code=official.employee_code if official else (user.email or "" if user else ""),
            grade=grades.get(attempt.user_id)))
        person.attempts.append(attempt)
    return sorted(found.values(), key=lambda p: p.name.casefold())


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_statistics(quiz: Quiz) -> list[ItemStatistic]:
    """Facility and discrimination per question over the quiz's graded attempts (one query)."""
    rows = db.session.execute(
        select(AttemptQuestion.question_id, AttemptQuestion.attempt_id, AttemptQuestion.fraction,
               AttemptQuestion.points, Attempt.points.label("total"), Attempt.score, Question.name, Question.qtype)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .join(Question, Question.id == AttemptQuestion.question_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.graded, AttemptQuestion.fraction.is_not(None))
        .order_by(AttemptQuestion.question_id)).all()
    scores = {row.attempt_id: row.score or 0.0 for row in rows}
    ranked = sorted(scores, key=lambda a: scores[a])
    size = max(1, round(len(ranked) * GROUP_SHARE)) if len(ranked) >= 2 else 0
    bottom, top = set(ranked[:size]), set(ranked[-size:]) if size else set()
    by_question: dict[int, list] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    result = []
    for question_id, items in by_question.items():
        fractions = [r.fraction for r in items]
        upper = _mean([r.fraction for r in items if r.attempt_id in top])
        lower = _mean([r.fraction for r in items if r.attempt_id in bottom])
        rest = [(r.total or 0.0) - (r.points or 0.0) for r in items]
        result.append(ItemStatistic(
            question_id=question_id, name=items[0].name, qtype=items[0].qtype, answers=len(items),
            facility=_mean(fractions),
            discrimination=(upper - lower) if upper is not None and lower is not None and size else None,
            correlation=_pearson(fractions, rest)))
    order = {aq: n for n, aq in enumerate(_question_order(quiz))}
    return sorted(result, key=lambda s: (order.get(s.question_id, 10 ** 9), s.question_id))


def _question_order(quiz: Quiz) -> list[int]:
    return [s.question_id for s in sorted(quiz.slots, key=lambda s: s.position) if s.question_id]


def distribution(quiz: Quiz, bins: int = 10) -> list[tuple[int, int, int]]:
    """How many officials' quiz grades fall in each tenth: [(from %, to %, count)]."""
    grades = list(db.session.scalars(select(QuizGrade.grade).where(QuizGrade.quiz_id == quiz.id)))
    counts = [0] * bins
    for grade in grades:
        counts[min(bins - 1, max(0, int(grade * bins + 1e-9)))] += 1
    width = 100 // bins
    return [(n * width, (n + 1) * width, counts[n]) for n in range(bins)]


def results_xlsx(quiz: Quiz) -> bytes:
    """The results as a workbook: grades, attempts, item statistics and the distribution."""
    book = Book()
    everyone = people(quiz)
    _table(book, _("Grades"), [_("Official"), _("Code"), _("Grade (%)"), _("Passed"), _("Attempts")],
          [[p.name, p.code, _pct(p.grade.grade if p.grade else None), _yes(p.grade.passed) if p.grade else "",
            len(p.attempts)] for p in everyone])
    _table(book, _("Attempts"), [_("Official"), _("Code"), _("Attempt"), _("State"), _("Started"), _("Submitted"),
                           _("Points"), _("Out of"), _("Score (%)")],
          [[p.name, p.code, a.number, _state(a), a.started_at, a.submitted_at,
            round(a.points, 4) if a.points is not None else "", round(a.max_points, 4), _pct(a.score)]
           for p in everyone for a in p.attempts])
    _table(book, _("Item statistics"), [_("Question"), _("Type"), _("Answers"), _("Facility (%)"),
                                        _("Discrimination index"), _("Item-rest correlation")],
          [[plain_text(s.name), s.qtype, s.answers, _pct(s.facility), _round(s.discrimination), _round(s.correlation)]
           for s in item_statistics(quiz)])
    _table(book, _("Distribution"), [_("From (%)"), _("To (%)"), _("Officials")], distribution(quiz))
    return book.to_bytes()


def _table(book: Book, name: str, header: list[str], rows) -> None:
    sheet = book.sheet(name)
    sheet.header(*header)
    for row in rows:
        sheet.row(*row)


def _pct(value: float | None):
    return round(value * 100, 2) if value is not None else ""


def _round(value: float | None):
    return round(value, 3) if value is not None else ""


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def _state(attempt: Attempt) -> str:
    return {AttemptState.in_progress: _("In progress"), AttemptState.needs_grading: _("Waiting for grading"),
            AttemptState.graded: _("Graded")}[attempt.state]
