"""Models of the quizzes plugin; tables are prefixed `quizzes_`.

A bank holds categories and questions; a quiz draws its questions from one bank through slots (a fixed
question, or N random questions of a category). An attempt copies, when it starts, which questions it
asks, in which order and on which page, and keeps one row per question with the official's response:
what the quiz or the bank later becomes never changes what an attempt asked or what was answered.

Questions are edited in place and carry a `version` that counts edits; an attempt question remembers
the version it was graded against, so the results page can offer to regrade after a correction.
Course ids are plain integers (the core's catalogue names them); users and schools are core tables.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import UTCDateTime, db, utcnow


class GradingMethod(str, enum.Enum):
    highest = "highest"
    average = "average"
    first = "first"
    last = "last"


class AttemptState(str, enum.Enum):
    in_progress = "in_progress"
    needs_grading = "needs_grading"  # submitted; an essay waits for a lecturer
    graded = "graded"


class QuestionBank(db.Model):
    """A question bank, for a school (school_id) or for one course (course_id, a plain id)."""

    __tablename__ = "quizzes_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("core_schools.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<QuestionBank {self.key}>"


class Category(db.Model):
    """A category of a bank; `path` is the full name ("Luật/Chương 1") and unique in the bank."""

    __tablename__ = "quizzes_categories"
    __table_args__ = (UniqueConstraint("bank_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("quizzes_banks.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes_categories.id"))
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1000))
    info: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[Category | None] = relationship(remote_side=[id])

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Question(db.Model):
    """A question of a bank. `qtype` names a registered question type; `data` is that type's definition."""

    __tablename__ = "quizzes_questions"
    __table_args__ = (Index("ix_quizzes_questions_bank_category", "bank_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("quizzes_banks.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("quizzes_categories.id"), index=True)
    qtype: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    idnumber: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    text_format: Mapped[str] = mapped_column(String(20), default="plain")  # plain | moodle | html | markdown
    general_feedback: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    default_mark: Mapped[float] = mapped_column(Float, default=1.0)
    version: Mapped[int] = mapped_column(default=1)
    hidden: Mapped[bool] = mapped_column(default=False)  # retired: kept for attempts, not offered to new quizzes
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[Category] = relationship(lazy="joined")
    # Loaded where tags are shown (lists say selectinload); attempts never need them.
    tag_rows: Mapped[list[QuestionTag]] = relationship(cascade="all, delete-orphan", order_by="QuestionTag.tag")

    @property
    def tags(self) -> list[str]:
        return [t.tag for t in self.tag_rows]

    def set_tags(self, tags) -> None:
        wanted = []
        for tag in tags:
            tag = " ".join(str(tag).split())[:100]
            if tag and tag.lower() not in {t.lower() for t in wanted}:
                wanted.append(tag)
        keep = [row for row in self.tag_rows if row.tag in wanted]
        have = {row.tag for row in keep}
        self.tag_rows = keep + [QuestionTag(tag=tag) for tag in wanted if tag not in have]

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.qtype} {self.name!r}>"


class QuestionTag(db.Model):
    __tablename__ = "quizzes_question_tags"

    question_id: Mapped[int] = mapped_column(ForeignKey("quizzes_questions.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Quiz(db.Model):
    """A quiz: its settings and, through slots, its questions. `course_id`/`activity_key` are plain refs."""

    __tablename__ = "quizzes_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("quizzes_banks.id"), index=True)
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    course_id: Mapped[int | None] = mapped_column(Integer, index=True)
    activity_key: Mapped[str | None] = mapped_column(String(120))
    source_name: Mapped[str | None] = mapped_column(String(255))  # the GIFT file of a course folder
    source_category_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes_categories.id"))
    open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int | None]
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0: unlimited
    attempt_delay_seconds: Mapped[int] = mapped_column(default=0)
    grading_method: Mapped[GradingMethod] = mapped_column(Enum(GradingMethod, native_enum=False, length=20),
                                                          default=GradingMethod.highest)
    pass_mark: Mapped[float] = mapped_column(Float, default=0.5)  # fraction 0..1; 0: any graded attempt passes
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_answers: Mapped[bool] = mapped_column(default=True)
    questions_per_page: Mapped[int] = mapped_column(default=5)  # 0: all on one page
    # What an official may see when reviewing: right after the attempt, and after the quiz closes.
    review_score_after: Mapped[bool] = mapped_column(default=True)
    review_answers_after: Mapped[bool] = mapped_column(default=False)
    review_feedback_after: Mapped[bool] = mapped_column(default=True)
    review_score_closed: Mapped[bool] = mapped_column(default=True)
    review_answers_closed: Mapped[bool] = mapped_column(default=True)
    review_feedback_closed: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bank: Mapped[QuestionBank] = relationship(lazy="joined")
    slots: Mapped[list[QuizSlot]] = relationship(cascade="all, delete-orphan", order_by="QuizSlot.position",
                                                 back_populates="quiz")

    def title(self, locale: str = "vi") -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_vi

    def __repr__(self) -> str:
        return f"<Quiz {self.id} {self.title_vi!r}>"


class QuizSlot(db.Model):
    """One place in a quiz: a fixed question, or `random_count` questions drawn from a category."""

    __tablename__ = "quizzes_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes_quizzes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes_questions.id"), index=True)
    random_category_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes_categories.id"))
    random_count: Mapped[int] = mapped_column(default=1)
    random_subcategories: Mapped[bool] = mapped_column(default=True)
    random_tag: Mapped[str | None] = mapped_column(String(100))
    mark: Mapped[float | None] = mapped_column(Float)  # None: the question's default mark

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    question: Mapped[Question | None] = relationship()
    random_category: Mapped[Category | None] = relationship()

    @property
    def is_random(self) -> bool:
        return self.question_id is None


class Attempt(db.Model):
    """An official's attempt at a quiz. The server's `deadline` is the only clock that counts."""

    __tablename__ = "quizzes_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # At most one open attempt per person and quiz, even when two tabs press "Start" at once.
        Index("uq_quizzes_attempts_one_open", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        Index("ix_quizzes_attempts_state_deadline", "state", "deadline"),
        Index("ix_quizzes_attempts_user", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes_quizzes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id"))
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[AttemptState] = mapped_column(Enum(AttemptState, native_enum=False, length=20),
                                                default=AttemptState.in_progress)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submit_reason: Mapped[str] = mapped_column(String(20), default="")  # manual | deadline
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float | None] = mapped_column(Float)  # fraction 0..1
    current_page: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int] = mapped_column(default=1)
    quiz_version: Mapped[int] = mapped_column(default=1)

    quiz: Mapped[Quiz] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(cascade="all, delete-orphan",
                                                            order_by="AttemptQuestion.position",
                                                            back_populates="attempt")

    @property
    def finished(self) -> bool:
        return self.state is not AttemptState.in_progress

    def __repr__(self) -> str:
        return f"<Attempt {self.id} quiz={self.quiz_id} user={self.user_id} {self.state.value}>"


class AttemptQuestion(db.Model):
    """One question as asked in one attempt, with the response saved as it was given."""

    __tablename__ = "quizzes_attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quizzes_attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    page: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int] = mapped_column(ForeignKey("quizzes_questions.id"), index=True)
    question_version: Mapped[int] = mapped_column(default=1)  # the version last graded (or shown)
    mark: Mapped[float] = mapped_column(Float, default=1.0)
    option_order: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    response: Mapped[object | None] = mapped_column(JSON(none_as_null=True))
    # The client's counter for this question: an older answer retried late never overwrites a newer one.
    response_seq: Mapped[int | None] = mapped_column(BigInteger)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fraction: Mapped[float | None] = mapped_column(Float)
    points: Mapped[float | None] = mapped_column(Float)
    needs_manual: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by: Mapped[int | None] = mapped_column(ForeignKey("core_users.id"))
    manually_graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    question: Mapped[Question] = relationship()


class QuizGrade(db.Model):
    """An official's grade on a quiz under its grading method, kept current after every grading."""

    __tablename__ = "quizzes_grades"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes_quizzes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id"), index=True)
    grade: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(default=False)
    graded_attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
