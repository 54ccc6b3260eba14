"""Showing questions: texts in their format as safe HTML, and the view of one question in an attempt.

Question texts come from files written elsewhere (Moodle HTML, Markdown, plain text), so every text goes
through the core's one HTML policy (`lms.core.sanitize`) before it reaches a page; plain text is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from lms.core.sanitize import html_to_text, render_source
from lms.quizzes.models import AttemptQuestion, Question
from lms.quizzes.types import QuestionType


def render_text(text: str | None, text_format: str = "plain") -> Markup:
    """A question text (or choice, or feedback) as safe HTML according to its format; no embedded frames."""
    return Markup(render_source(text, text_format).html)


def quiz_number(value) -> str:
    """A mark or a statistic as the reader writes numbers (1,5 in Vietnamese), without noise."""
    from flask_babel import format_decimal
    if value is None:
        return ""
    return format_decimal(round(float(value), 3), format="#,##0.###")


def quiz_percent(value) -> str:
    """A fraction 0..1 as a percentage (85%, 66,7%)."""
    from flask_babel import format_decimal
    if value is None:
        return ""
    return format_decimal(round(float(value) * 100, 1), format="#,##0.#") + "%"


def plain_text(text: str | None, text_format: str = "plain") -> str:
    """A text without markup (spreadsheets, names)."""
    if text_format == "plain":
        return text or ""
    return html_to_text(render_text(text, text_format))


@dataclass
class QuestionView:
    """One question as a page shows it: in an attempt, in a review, or in a preview."""

    number: int
    question: Question
    kind: QuestionType
    field: str
    order: list | None = None
    response: object = None
    mark: float = 1.0
    readonly: bool = False
    show_score: bool = False
    show_right: bool = False
    show_feedback: bool = False
    fraction: float | None = None
    points: float | None = None
    comment: str = ""
    needs_manual: bool = False
    page: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def data(self) -> dict:
        return self.question.data or {}

    @property
    def text_format(self) -> str:
        return self.question.text_format

    def text(self, value: str, fmt: str | None = None) -> Markup:
        return render_text(value, fmt or self.text_format)

    def rows(self, key: str) -> list[dict]:
        rows = list(self.data.get(key) or [])
        if self.order:
            position = {rid: n for n, rid in enumerate(self.order)}
            rows = sorted((r for r in rows if r.get("id") in position), key=lambda r: position[r["id"]]) + \
                [r for r in rows if r.get("id") not in position]
        return rows

    def chosen(self, value) -> bool:
        if isinstance(self.response, list):
            return value in self.response
        if isinstance(self.response, dict):
            return value in self.response.values()
        return self.response == value

    def picked_for(self, key: str):
        return self.response.get(key) if isinstance(self.response, dict) else None

    def position_of(self, item_id: str) -> int | None:
        if isinstance(self.response, list) and item_id in self.response:
            return self.response.index(item_id) + 1
        return None

    @property
    def answered(self) -> bool:
        return self.kind.answered(self.response)

    @property
    def feedback(self) -> list[str]:
        return self.kind.feedback_for(self.data, self.response) if self.show_feedback else []

    @property
    def right_answer(self) -> str:
        return self.kind.right_answer_text(self.data) if self.show_right else ""

    @property
    def state(self) -> str:
        if self.needs_manual:
            return "pending"
        if self.fraction is None:
            return "none"
        if self.fraction >= 0.999999:
            return "right"
        return "partial" if self.fraction > 0 else "wrong"

    def render(self) -> Markup:
        return self.kind.render(self)


def view_of(aq: AttemptQuestion, kind: QuestionType, *, number: int, readonly: bool = False, show_score: bool = False,
            show_right: bool = False, show_feedback: bool = False) -> QuestionView:
    return QuestionView(number=number, question=aq.question, kind=kind, field=f"q{aq.id}", order=aq.option_order,
                        response=aq.response, mark=aq.mark, readonly=readonly, show_score=show_score,
                        show_right=show_right, show_feedback=show_feedback, fraction=aq.fraction, points=aq.points,
                        comment=aq.comment, needs_manual=aq.needs_manual, page=aq.page)
