"""The quizzes plugin's share of `lms bench seed`: past graded attempts at the courses' quizzes.

The question banks come with the courses: each seed course of content/ carries its quiz as a GIFT file,
imported into a bank of its own (keyed by the course key) when the course is imported through this
plugin's activity type. What this adds is history: the seeder of the plugin that keeps courses names who
took which quiz and whether they passed
(`context.shared["activity_takers"]`, lms.core.bench_seed.ActivityTaker); for each of them come one to
three graded attempts (earlier ones failed, the last one passing when it must), every question asked with
a response that grades as planned, and the person's quiz grade. Each result goes back as an
lms.core.events.ActivityOutcome in `context.shared["activity_outcomes"]`, for whoever keeps progress to
write it, as the `activity_completed` receiver would have. Nothing of another plugin is touched.
Set-based (executemany in batches), deterministic from `context.rng("quizzes")`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import click
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from lms.core.bench_seed import insert_batches
from lms.core.db import db
from lms.core.events import ActivityOutcome
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Category, Question, Quiz, QuizGrade, QuizSlot
from lms.quizzes.services.grading import EPSILON, passes, quiz_grade
from lms.quizzes.types import get_type


def seed_bench(context) -> None:
    if "activity_takers" in context.shared:
        seed_attempts(context)
    else:  # the plugin that names the takers comes after this one in PLUGINS: wait for it
        context.later.append(("quizzes: attempts", lambda: seed_attempts(context)))


@dataclass
class _Asked:
    question_id: int
    version: int
    mark: float
    kind: object
    data: dict
    right: object  # a response that grades 1 (or the best there is), and its fraction
    right_fraction: float
    wrong: object
    wrong_fraction: float


def _responses(kind, data: dict) -> tuple[object, object]:
    """(right, wrong) responses for the built-in types a course quiz uses; None (unanswered) otherwise."""
    name = kind.name
    try:
        if name == "single_choice":
            ordered = sorted(data["options"], key=lambda o: o["fraction"])
            return ordered[-1]["id"], ordered[0]["id"]
        if name == "multiple_choice":
            right = [o["id"] for o in data["options"] if o["fraction"] > 0]
            wrong = [o["id"] for o in data["options"] if o["fraction"] <= 0][:1]
            return right, wrong or None
        if name == "true_false":
            return bool(data["answer"]), not data["answer"]
        if name == "short_answer":
            best = max(data["answers"], key=lambda a: a["fraction"])
            return best["text"], "không biết"
    except (KeyError, TypeError, ValueError):
        pass
    return None, None


def _grade(kind, data, response) -> float:
    if response is None or not kind.automatic:
        return 0.0
    return max(0.0, min(1.0, float(kind.grade(data, response))))


class _QuizPlan:
    """What an attempt at one quiz asks: fixed slots, and draws from random slots' categories."""

    def __init__(self, quiz: Quiz, questions: dict[int, Question]):
        self.quiz = quiz
        self.fixed: list[tuple[int, float | None]] = []
        self.random: list[tuple[list[int], int, float | None]] = []
        self.questions = questions
        self.asked: dict[int, _Asked] = {}

    def asked_for(self, question_id: int, mark: float | None) -> _Asked:
        found = self.asked.get(question_id)
        if found is None:
            question = self.questions[question_id]
            kind = get_type(question.qtype)
            right, wrong = _responses(kind, question.data) if kind and kind.gradable else (None, None)
            weight = (mark if mark is not None else question.default_mark) if kind and kind.gradable else 0.0
            found = self.asked[question_id] = _Asked(
                question_id, question.version, weight, kind, question.data, right,
                _grade(kind, question.data, right) if kind and kind.gradable else 0.0,
                wrong, _grade(kind, question.data, wrong) if kind and kind.gradable else 0.0)
        return found

    def draw(self, rng) -> list[_Asked]:
        chosen = [self.asked_for(q, mark) for q, mark in self.fixed]
        used = {a.question_id for a in chosen}
        for pool, count, mark in self.random:
            free = [q for q in pool if q not in used]
            for question_id in rng.sample(free, min(count, len(free))):
                used.add(question_id)
                chosen.append(self.asked_for(question_id, mark))
        if self.quiz.shuffle_questions:
            rng.shuffle(chosen)
        return [a for a in chosen if a.kind is not None]


def _plans(quiz_ids: list[int]) -> dict[int, _QuizPlan]:
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.id.in_(quiz_ids))
                                      .options(selectinload(Quiz.slots).selectinload(QuizSlot.random_category))))
    bank_ids = sorted({q.bank_id for q in quizzes})
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.bank_id.in_(bank_ids)))}
    categories = list(db.session.scalars(select(Category).where(Category.bank_id.in_(bank_ids))))
    plans = {}
    for quiz in quizzes:
        plan = plans[quiz.id] = _QuizPlan(quiz, questions)
        for slot in sorted(quiz.slots, key=lambda s: (s.position, s.id)):
            if slot.question_id is not None:
                plan.fixed.append((slot.question_id, slot.mark))
            elif slot.random_category is not None:
                base = slot.random_category
                wanted = {c.id for c in categories if c.bank_id == base.bank_id and (
                    c.id == base.id or (slot.random_subcategories and c.path.startswith(base.path + "/")))}
                pool = sorted(q.id for q in questions.values() if q.category_id in wanted and not q.hidden
                              and q.qtype != "description")
                plan.random.append((pool, slot.random_count, slot.mark))
    return plans


def _answer(rng, asked: list[_Asked], quiz: Quiz, must_pass: bool) -> tuple[list[bool], float, float]:
    """Which questions are answered right, so that the attempt passes or fails as planned."""
    total = sum(a.mark for a in asked)
    order = list(range(len(asked)))
    rng.shuffle(order)
    pass_mark = quiz.pass_mark or 0.0

    def outcome(right_count: int) -> tuple[list[bool], float]:
        right = [False] * len(asked)
        for index in order[:right_count]:
            right[index] = True
        points = sum(a.mark * (a.right_fraction if r else a.wrong_fraction) for a, r in zip(asked, right, strict=True))
        return right, points

    n = len(asked)
    if must_pass:
        count = rng.randint(min(n, math.ceil(pass_mark * n)), n)
        right, points = outcome(count)
        while total > EPSILON and points / total + EPSILON < pass_mark and count < n:
            count += 1
            right, points = outcome(count)
    else:
        count = rng.randint(0, max(0, math.ceil(pass_mark * n) - 1))
        right, points = outcome(count)
        while total > EPSILON and points / total + EPSILON >= pass_mark and count > 0:
            count -= 1
            right, points = outcome(count)
    return right, points, total


def seed_attempts(context) -> None:  # noqa: C901  (one branch per attempt outcome of the benchmark data)
    rng = context.rng("quizzes")
    takers, seen = [], set()
    for taker in context.shared.get("activity_takers", []):
        key = (taker.activity_ref, taker.user_id)
        if taker.activity_type == "quiz" and taker.activity_ref.isdigit() and key not in seen:
            seen.add(key)
            takers.append(taker)
    plans = _plans(sorted({int(t.activity_ref) for t in takers}))
    attempts, asked_rows, grades, outcomes = [], [], [], []
    for taker in takers:
        plan = plans.get(int(taker.activity_ref))
        if plan is None:
            continue
        quiz = plan.quiz
        allowed = quiz.attempts_allowed or 3
        if taker.passes:
            failed_first = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
            outcomes_planned = [False] * min(failed_first, allowed - 1) + [True]
        else:
            outcomes_planned = [False] * min(allowed, rng.choices([1, 2], weights=[65, 35])[0])
        limit = quiz.time_limit_seconds or 1800
        scores, finished = [], taker.not_after
        count = len(outcomes_planned)
        for number, must_pass in enumerate(outcomes_planned, start=1):
            asked = plan.draw(rng)
            if not asked:
                break
            submitted = taker.not_after - timedelta(hours=(count - number) * rng.randint(2, 48))
            started = submitted - timedelta(seconds=rng.randint(min(300, limit // 2), limit))
            right, points, total = _answer(rng, asked, quiz, must_pass)
            score = points / total if total > EPSILON else 0.0
            per_page = quiz.questions_per_page or len(asked)
            attempts.append({"quiz_id": quiz.id, "user_id": taker.user_id, "number": number,
                             "state": AttemptState.graded.value, "started_at": started,
                             "deadline": started + timedelta(seconds=quiz.time_limit_seconds)
                             if quiz.time_limit_seconds else None,
                             "submitted_at": submitted, "graded_at": submitted, "submit_reason": "manual",
                             "points": points, "max_points": total, "score": score,
                             "current_page": max(0, -(-len(asked) // per_page) - 1),
                             "page_count": max(1, -(-len(asked) // per_page)), "quiz_version": quiz.version})
            step = (submitted - started) / (len(asked) + 1)
            for position, (item, is_right) in enumerate(zip(asked, right, strict=True), start=1):
                gradable = item.kind.gradable
                response = (item.right if is_right else item.wrong) if gradable else None
                fraction = (item.right_fraction if is_right else item.wrong_fraction) if gradable else None
                asked_rows.append({"key": (quiz.id, taker.user_id, number), "position": position,
                                   "page": (position - 1) // per_page, "question_id": item.question_id,
                                   "question_version": item.version, "mark": item.mark,
                                   "option_order": item.kind.initial_order(item.data, quiz.shuffle_answers, rng),
                                   "response": response, "response_seq": None,
                                   "answered_at": started + step * position if response is not None else None,
                                   "fraction": fraction, "points": fraction * item.mark if gradable else None,
                                   "needs_manual": False, "comment": "", "graded_by": None,
                                   "manually_graded_at": None})
            scores.append(score)
            finished = submitted
        if not scores:
            continue
        grade = quiz_grade(quiz.grading_method, scores)
        passed = passes(quiz, grade)
        grades.append({"quiz_id": quiz.id, "user_id": taker.user_id, "grade": grade, "passed": passed,
                       "graded_attempts": len(scores), "updated_at": finished})
        outcomes.append(ActivityOutcome(user_id=taker.user_id, activity_type="quiz", activity_ref=str(quiz.id),
                                        completed=passed, occurred_at=finished, passed=passed, score=grade))
    insert_batches(Attempt.__table__, attempts)
    ids = {(q, u, n): i for i, q, u, n in db.session.execute(
        select(Attempt.id, Attempt.quiz_id, Attempt.user_id, Attempt.number).where(Attempt.quiz_id.in_(list(plans))))}
    for row in asked_rows:
        row["attempt_id"] = ids[row.pop("key")]
    insert_batches(AttemptQuestion.__table__, asked_rows)
    insert_batches(QuizGrade.__table__, grades)
    context.shared.setdefault("activity_outcomes", []).extend(outcomes)
    if db.session.get_bind().dialect.name == "postgresql":
        for name in ("quizzes_attempts", "quizzes_attempt_questions", "quizzes_grades"):
            db.session.execute(text(f"ANALYZE {name}"))
    click.echo(f"  quizzes: {len(plans)} course quizzes; {len(attempts)} graded attempts ({len(asked_rows)} answers) "
               f"by {len(grades)} officials, {sum(1 for g in grades if g['passed'])} passed")
