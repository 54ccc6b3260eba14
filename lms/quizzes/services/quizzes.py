"""Quizzes: settings, slots (fixed questions and random draws), and what an edit means for open attempts.

An attempt copies its questions, order, pages and deadline when it starts, so editing a quiz while
attempts are open never changes them: the edit applies to attempts started afterwards, and the service
says how many attempts are open so the lecturer is told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.text import nfc
from lms.quizzes.models import Attempt, AttemptState, Category, GradingMethod, Question, QuestionBank, Quiz, QuizSlot

REVIEW_FIELDS = ("review_score_after", "review_answers_after", "review_feedback_after",
                 "review_score_closed", "review_answers_closed", "review_feedback_closed")
#: settings a course folder may give (COURSE_FORMAT.md) and their limits
LIMITS = {"time_limit_minutes": (0, 24 * 60), "attempts_allowed": (0, 100), "questions_per_page": (0, 200),
          "attempt_delay_minutes": (0, 366 * 24 * 60)}


@dataclass
class EditOutcome:
    open_attempts: int = 0


def _number(value, key: str, *, integer: bool = True):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DomainError(_l("The setting %(key)s must be a number."), key=key)
    try:
        number = int(value) if integer and float(value) == int(float(value)) else float(value)
    except (TypeError, ValueError, OverflowError):
        raise DomainError(_l("The setting %(key)s must be a number."), key=key) from None
    if integer and not isinstance(number, int):
        raise DomainError(_l("The setting %(key)s must be a whole number."), key=key)
    return number


def _flag(value, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise DomainError(_l("The setting %(key)s must be true or false."), key=key)


def apply_settings(quiz: Quiz, settings: dict) -> None:  # noqa: C901  (one branch per quiz setting)
    """Apply settings given as a mapping (a course folder's `settings`, or a form); unknown keys are ignored.

    pass_mark 0..1, time_limit_minutes (0: none), attempts_allowed (0: unlimited), attempt_delay_minutes,
    questions_per_page (0: all on one page), shuffle_questions, shuffle_answers, grading_method
    (highest | average | first | last), open_at / close_at (aware datetimes), review_* switches.
    """
    for key, (low, high) in LIMITS.items():
        if key in settings:
            value = _number(settings[key], key)
            value = 0 if value is None else value
            if not low <= value <= high:
                raise DomainError(_l("The setting %(key)s must be between %(low)s and %(high)s."), key=key, low=low,
                                  high=high)
            if key == "time_limit_minutes":
                quiz.time_limit_seconds = value * 60 or None
            elif key == "attempt_delay_minutes":
                quiz.attempt_delay_seconds = value * 60
            else:
                setattr(quiz, key, value)
    if "pass_mark" in settings:
        value = _number(settings["pass_mark"], "pass_mark", integer=False)
        value = 0.0 if value is None else float(value)
        if not 0 <= value <= 1:
            raise DomainError(_l("The pass mark is a fraction between 0 and 1 (0.5 is 50%)."))
        quiz.pass_mark = value
    if "grading_method" in settings:
        try:
            quiz.grading_method = GradingMethod(str(settings["grading_method"]).strip().lower())
        except ValueError:
            raise DomainError(_l("The grading method must be highest, average, first or last.")) from None
    for key in ("shuffle_questions", "shuffle_answers", *REVIEW_FIELDS):
        if key in settings:
            setattr(quiz, key, _flag(settings[key], key))
    for key in ("open_at", "close_at"):
        if key in settings:
            value = settings[key]
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise DomainError(_l("The setting %(key)s must be a date and time."), key=key)
            setattr(quiz, key, value)
    if quiz.open_at and quiz.close_at and quiz.close_at <= quiz.open_at:
        raise DomainError(_l("The quiz must close after it opens."))


def settings_of(quiz: Quiz) -> dict:
    """The course-folder settings of a quiz (COURSE_FORMAT.md keys)."""
    return {"pass_mark": quiz.pass_mark, "time_limit_minutes": (quiz.time_limit_seconds or 0) // 60,
            "attempts_allowed": quiz.attempts_allowed, "questions_per_page": quiz.questions_per_page,
            "shuffle_questions": quiz.shuffle_questions, "shuffle_answers": quiz.shuffle_answers,
            "grading_method": quiz.grading_method.value}


def open_attempts(quiz_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.quiz_id == quiz_id, Attempt.state == AttemptState.in_progress)) or 0


def create_quiz(bank: QuestionBank, *, title_vi: str, title_en: str = "", intro: str = "", settings: dict | None = None,
                course_id: int | None = None, activity_key: str | None = None) -> Quiz:
    title_vi = nfc(title_vi)
    if not title_vi:
        raise DomainError(_l("A quiz needs a title."))
    quiz = Quiz(bank_id=bank.id, bank=bank, title_vi=title_vi[:255], title_en=nfc(title_en)[:255], intro=nfc(intro),
                course_id=course_id, activity_key=activity_key)
    apply_settings(quiz, settings or {})
    db.session.add(quiz)
    db.session.flush()
    return quiz


def update_quiz(quiz: Quiz, *, title_vi: str, title_en: str = "", intro: str = "", settings: dict) -> EditOutcome:
    """Change a quiz's settings; open attempts keep their questions and deadline (the outcome counts them)."""
    title_vi = nfc(title_vi)
    if not title_vi:
        raise DomainError(_l("A quiz needs a title."))
    quiz.title_vi, quiz.title_en, quiz.intro = title_vi[:255], nfc(title_en)[:255], nfc(intro)
    apply_settings(quiz, settings)
    return _edited(quiz)


def _edited(quiz: Quiz) -> EditOutcome:
    quiz.version += 1
    quiz.updated_at = utcnow()
    db.session.flush()
    return EditOutcome(open_attempts=open_attempts(quiz.id))


# -- slots -----------------------------------------------------------------------------------------

def add_questions(quiz: Quiz, questions: list[Question]) -> EditOutcome:
    present = {s.question_id for s in quiz.slots if s.question_id}
    position = max((s.position for s in quiz.slots), default=0)
    for question in questions:
        if question.bank_id != quiz.bank_id:
            raise DomainError(_l("A question from another bank cannot be added."))
        if question.id in present:
            continue
        position += 1
        quiz.slots.append(QuizSlot(position=position, question_id=question.id, question=question))
        present.add(question.id)
    return _edited(quiz)


def add_random(quiz: Quiz, category: Category, count: int, *, subcategories: bool = True,
               tag: str | None = None) -> EditOutcome:
    if category.bank_id != quiz.bank_id:
        raise DomainError(_l("The category belongs to another bank."))
    if not 1 <= count <= 200:
        raise DomainError(_l("Draw between 1 and 200 random questions."))
    position = max((s.position for s in quiz.slots), default=0) + 1
    quiz.slots.append(QuizSlot(position=position, random_category_id=category.id, random_category=category,
                               random_count=count, random_subcategories=subcategories, random_tag=tag or None))
    return _edited(quiz)


def remove_slot(quiz: Quiz, slot_id: int) -> EditOutcome:
    slot = _slot(quiz, slot_id)
    quiz.slots.remove(slot)
    _renumber(quiz)
    return _edited(quiz)


def move_slot(quiz: Quiz, slot_id: int, step: int) -> EditOutcome:
    slot = _slot(quiz, slot_id)
    slots = sorted(quiz.slots, key=lambda s: (s.position, s.id))
    index = slots.index(slot)
    target = index + step
    if 0 <= target < len(slots):
        slots[index], slots[target] = slots[target], slots[index]
    for position, item in enumerate(slots, start=1):
        item.position = position
    return _edited(quiz)


def set_slot_mark(quiz: Quiz, slot_id: int, mark: float | None) -> EditOutcome:
    slot = _slot(quiz, slot_id)
    if mark is not None and (mark != mark or not 0 <= mark <= 1000):
        raise DomainError(_l("A mark must be between 0 and 1000."))
    slot.mark = mark
    return _edited(quiz)


def replace_fixed_slots(quiz: Quiz, questions: list[Question]) -> EditOutcome:
    """Make the quiz ask exactly these questions in this order (random slots stay, after them)."""
    random_slots = [s for s in quiz.slots if s.is_random]
    quiz.slots = [QuizSlot(position=n, question_id=q.id, question=q) for n, q in enumerate(questions, start=1)]
    for n, slot in enumerate(random_slots, start=len(questions) + 1):
        slot.position = n
        quiz.slots.append(slot)
    return _edited(quiz)


def _slot(quiz: Quiz, slot_id: int) -> QuizSlot:
    for slot in quiz.slots:
        if slot.id == slot_id:
            return slot
    raise DomainError(_l("That question is no longer in the quiz."))


def _renumber(quiz: Quiz) -> None:
    for position, slot in enumerate(sorted(quiz.slots, key=lambda s: (s.position, s.id)), start=1):
        slot.position = position


# -- availability ----------------------------------------------------------------------------------

def is_open(quiz: Quiz, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (quiz.open_at is None or quiz.open_at <= now) and (quiz.close_at is None or now < quiz.close_at)


def is_closed(quiz: Quiz, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return quiz.close_at is not None and now >= quiz.close_at


def next_start_allowed(quiz: Quiz, last_submitted: datetime | None) -> datetime | None:
    if not quiz.attempt_delay_seconds or last_submitted is None:
        return None
    return last_submitted + timedelta(seconds=quiz.attempt_delay_seconds)


def quiz_choices(course_id: int | None, school_id: int | None) -> list[Quiz]:
    """Quizzes a lecturer can attach to a course: the course's own and its school's banks' quizzes."""
    conditions = []
    if course_id is not None:
        conditions.append(Quiz.course_id == course_id)
        conditions.append(QuestionBank.course_id == course_id)
    if school_id is not None:
        conditions.append(QuestionBank.school_id == school_id)
    if not conditions:
        return []
    from sqlalchemy import or_
    return list(db.session.scalars(select(Quiz).join(QuestionBank, QuestionBank.id == Quiz.bank_id)
                                   .where(or_(*conditions)).order_by(Quiz.title_vi)))
