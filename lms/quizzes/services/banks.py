"""Question banks, their categories and questions; who may manage them.

Lecturers of a bank's school and admins manage a bank and its quizzes (a bank of a course that has no
school is the admins'). Services flush, never commit.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select, true

from lms.core import limits
from lms.core.db import db, utcnow
from lms.core.errors import DomainError, NotAllowed
from lms.core.models import Role
from lms.core.permissions import school_ids
from lms.core.search import contains
from lms.core.text import nfc
from lms.quizzes.formats import join_category_path, split_category_path
from lms.quizzes.models import Category, Question, QuestionBank
from lms.quizzes.types import MAX_TEXT, InvalidQuestion, require_type

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
TEXT_FORMATS = ("plain", "moodle", "html", "markdown")


# -- who may do what -------------------------------------------------------------------------------

def lecturer_school_ids(user) -> set[int]:
    return school_ids(user, Role.lecturer)


def may_manage_quizzes(user) -> bool:
    """Admins and lecturers (of any school) see the question-bank pages."""
    return bool(user and user.is_authenticated and (user.is_admin or user.has_role(Role.lecturer)))


def may_manage_bank(user, bank: QuestionBank) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return bank.school_id is not None and bank.school_id in lecturer_school_ids(user)


def bank_visibility(user):
    """A SQL condition on QuestionBank: the banks this user manages."""
    if user.is_admin:
        return true()
    schools = lecturer_school_ids(user)
    return QuestionBank.school_id.in_(schools) if schools else false()


def require_manager(user, bank: QuestionBank) -> None:
    if not may_manage_bank(user, bank):
        raise NotAllowed(_l("Only the lecturers of this bank's school and administrators may change it."))


# -- banks ---------------------------------------------------------------------------------------------

def normalise_key(key: str) -> str:
    key = (key or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise DomainError(_l("A bank key is 1 to 120 lowercase letters, digits, dots, dashes or underscores, "
                             "starting with a letter or digit."))
    return key


def bank_by_key(key: str) -> QuestionBank | None:
    return db.session.scalar(select(QuestionBank).where(QuestionBank.key == key))


def create_bank(key: str, title: str = "", *, school_id: int | None = None,
                course_id: int | None = None) -> QuestionBank:
    key = normalise_key(key)
    if bank_by_key(key) is not None:
        raise DomainError(_l("A bank with the key \"%(key)s\" already exists."), key=key)
    bank = QuestionBank(key=key, title=nfc(title)[:255] or key, school_id=school_id, course_id=course_id)
    db.session.add(bank)
    db.session.flush()
    return bank


def get_or_create_bank(key: str, title: str = "", *, school_id: int | None = None,
                       course_id: int | None = None) -> QuestionBank:
    """The bank with this key, created when missing (imports name banks by key)."""
    key = normalise_key(key)
    return bank_by_key(key) or create_bank(key, title, school_id=school_id, course_id=course_id)


def update_bank(bank: QuestionBank, *, title: str, school_id: int | None) -> None:
    title = nfc(title)
    if not title:
        raise DomainError(_l("A bank needs a title."))
    bank.title, bank.school_id = title[:255], school_id
    db.session.flush()


# -- categories ----------------------------------------------------------------------------------

def ensure_category(bank: QuestionBank, path: str, *, info: str | None = None,
                    cache: dict[str, Category] | None = None) -> Category:
    """The category at `path` ("A/B/C") in the bank, creating it and its parents when missing."""
    parts = split_category_path(path)
    if not parts:
        parts = [str(_l("Default"))]
    cache = cache if cache is not None else {}
    parent = None
    for depth in range(1, len(parts) + 1):
        current = join_category_path(parts[:depth])
        category = cache.get(current)
        if category is None:
            category = db.session.scalar(select(Category).where(Category.bank_id == bank.id,
                                                                Category.path == current))
        if category is None:
            name = parts[depth - 1][:255]
            if len(current) > 1000:
                raise DomainError(_l("The category path \"%(path)s\" is too long."), path=current[:80] + "...")
            category = Category(bank_id=bank.id, parent_id=parent.id if parent else None, name=name, path=current,
                                info="")
            db.session.add(category)
            db.session.flush()
        cache[current] = category
        parent = category
    if info is not None and info and not parent.info:
        parent.info = info[:MAX_TEXT]
    return parent


def categories(bank_id: int) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.bank_id == bank_id).order_by(Category.path)))


def rename_category(category: Category, name: str) -> None:
    """Rename a category; its subcategories' paths follow."""
    name = nfc(name).replace("/", "-")
    if not name:
        raise DomainError(_l("A category needs a name."))
    old = category.path
    new = join_category_path(split_category_path(old)[:-1] + [name])
    if new != old and db.session.scalar(select(Category.id).where(Category.bank_id == category.bank_id,
                                                                  Category.path == new)):
        raise DomainError(_l("The bank already has a category \"%(path)s\"."), path=new)
    for child in db.session.scalars(select(Category).where(Category.bank_id == category.bank_id,
                                                           Category.path.startswith(old + "/"))):
        child.path = new + child.path[len(old):]
    category.name, category.path = name[:255], new
    db.session.flush()


def subcategory_ids(category: Category) -> list[int]:
    return list(db.session.scalars(select(Category.id).where(
        Category.bank_id == category.bank_id,
        or_(Category.id == category.id, Category.path.startswith(category.path + "/")))))


# -- questions -----------------------------------------------------------------------------------

def check_common(*, name: str, text: str, text_format: str, general_feedback: str, default_mark: float) -> None:
    if not text.strip():
        raise InvalidQuestion(_l("The question has no text."))
    if len(name) > 255:
        raise InvalidQuestion(_l("A question name is at most 255 characters."))
    if len(text) > MAX_TEXT or len(general_feedback) > MAX_TEXT:
        raise InvalidQuestion(_l("The question text or its feedback is longer than %(limit)s characters."),
                              limit=MAX_TEXT)
    if text_format not in TEXT_FORMATS:
        raise InvalidQuestion(_l("The text format \"%(format)s\" is not known."), format=text_format)
    if text_format != "plain":  # rendered on every page that shows the question: its nesting is bounded
        for source in (text, general_feedback):
            limits.check_markup(source, "markdown" if text_format == "markdown" else "html")
    if default_mark is None or not 0 <= default_mark <= 1000 or default_mark != default_mark:
        raise InvalidQuestion(_l("A question's mark must be between 0 and 1000."))


def save_question(bank: QuestionBank, question: Question | None, *, qtype: str, name: str, category: Category,
                  text: str, text_format: str = "plain", general_feedback: str = "", data: dict,
                  default_mark: float | None = None, tags=(), idnumber: str = "", hidden: bool = False,
                  user_id: int | None = None) -> Question:
    """Create a question or correct one in place (its version goes up; attempts keep their responses)."""
    kind = require_type(qtype)
    if category.bank_id != bank.id:
        raise DomainError(_l("The category belongs to another bank."))
    text, name, general_feedback = nfc(text), " ".join(nfc(name).split()), nfc(general_feedback)
    if not name:
        from lms.quizzes.formats import default_name
        name = default_name(text, text_format)
    mark = kind.default_mark if default_mark is None else float(default_mark)
    check_common(name=name, text=text, text_format=text_format, general_feedback=general_feedback,
                 default_mark=mark)
    clean = kind.validate(data)
    if question is None:
        question = Question(bank_id=bank.id, qtype=qtype, version=1, created_by=user_id)
        db.session.add(question)
    else:
        if question.qtype != qtype:
            raise DomainError(_l("A question's type cannot change; create a new question instead."))
        clean = kind.carry_ids(question.data or {}, clean)
        if _differs(question, name=name, text=text, text_format=text_format, general_feedback=general_feedback,
                    data=clean, default_mark=mark, category_id=category.id, idnumber=idnumber, hidden=hidden):
            question.version += 1
    question.name, question.text, question.text_format = name, text, text_format
    question.general_feedback, question.data, question.default_mark = general_feedback, clean, mark
    question.category_id, question.category, question.idnumber = category.id, category, (idnumber or "")[:100]
    question.hidden, question.updated_at = hidden, utcnow()
    question.set_tags(tags)
    db.session.flush()
    return question


def _differs(question: Question, **values) -> bool:
    return any(getattr(question, key) != value for key, value in values.items())


def questions_in(bank_id: int, *, category_ids: list[int] | None = None, tag: str | None = None,
                 search: str | None = None, include_hidden: bool = False):
    """A select() of a bank's questions, filtered; the page runs it once."""
    from sqlalchemy.orm import selectinload
    statement = select(Question).options(selectinload(Question.tag_rows)).where(Question.bank_id == bank_id)
    if category_ids:
        statement = statement.where(Question.category_id.in_(category_ids))
    if tag:
        from lms.quizzes.models import QuestionTag
        statement = statement.where(Question.id.in_(select(QuestionTag.question_id).where(QuestionTag.tag == tag)))
    if search:
        statement = statement.where(or_(contains(Question.name, search, ignore_case=True),
                                        contains(Question.text, search, ignore_case=True)))
    if not include_hidden:
        statement = statement.where(Question.hidden.is_(False))
    return statement.order_by(Question.category_id, Question.id)


def bank_tags(bank_id: int) -> list[str]:
    from lms.quizzes.models import QuestionTag
    return list(db.session.scalars(select(QuestionTag.tag).join(Question, Question.id == QuestionTag.question_id)
                                   .where(Question.bank_id == bank_id).group_by(QuestionTag.tag)
                                   .order_by(QuestionTag.tag)))


def question_counts(bank_ids: list[int]) -> dict[int, int]:
    if not bank_ids:
        return {}
    rows = db.session.execute(select(Question.bank_id, func.count()).where(Question.bank_id.in_(bank_ids),
                                                                          Question.hidden.is_(False))
                              .group_by(Question.bank_id))
    return dict(rows.all())


def set_hidden(question: Question, hidden: bool) -> None:
    """Retire a question (kept for the attempts that asked it) or bring it back."""
    question.hidden = hidden
    question.updated_at = utcnow()
    db.session.flush()
