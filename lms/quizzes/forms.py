"""Forms of the quizzes pages (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    SelectChoice = None


def options(pairs) -> list:
    """Select choices in the form the installed WTForms wants (3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


FORMAT_CHOICES = options([("gift", "GIFT"), ("aiken", "Aiken"), ("moodle-xml", "Moodle XML"),
                          ("xlsx", "XLSX (Excel)")])


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))


def to_utc(local: datetime | None) -> datetime | None:
    """A time typed in the platform's time zone, as UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=zone()).astimezone(timezone.utc)


def to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(zone()).replace(tzinfo=None)


class BankForm(FlaskForm):
    key = StringField(_l("Key (letters, digits, dashes)"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=255)])
    school_id = SelectField(_l("School"), coerce=int, choices=[], validate_choice=False)


class CategoryForm(FlaskForm):
    path = StringField(_l("New category (use / for a subcategory)"), validators=[DataRequired(), Length(max=500)])


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])


class ImportForm(FlaskForm):
    file = FileField(_l("Question file"), validators=[FileRequired()])
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES)
    category = StringField(_l("Category for questions the file puts in none"), validators=[Optional(), Length(max=500)])


class QuestionForm(FlaskForm):
    """The parts every question has; the type's rows and switches are read from the same request."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=255)])
    category_id = SelectField(_l("Category"), coerce=int, choices=[], validate_choice=False)
    text = TextAreaField(_l("Question text"), validators=[DataRequired(), Length(max=20000)])
    text_format = SelectField(_l("Text format"), choices=options([
        ("plain", _l("Plain text")), ("html", "HTML"), ("markdown", "Markdown"), ("moodle", _l("Moodle auto-format"))]))
    default_mark = DecimalField(_l("Mark"), places=None, validators=[Optional(), NumberRange(min=0, max=1000)])
    general_feedback = TextAreaField(_l("General feedback (shown after the attempt)"),
                                     validators=[Optional(), Length(max=20000)])
    tags = StringField(_l("Tags (separated by commas)"), validators=[Optional(), Length(max=1000)])


class QuizForm(FlaskForm):
    title_vi = StringField(_l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=255)])
    intro = TextAreaField(_l("Instructions shown before the attempt"), validators=[Optional(), Length(max=20000)])
    open_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    close_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    time_limit_minutes = IntegerField(_l("Time limit in minutes (0: none)"), default=0,
                                      validators=[Optional(), NumberRange(min=0, max=1440)])
    attempts_allowed = IntegerField(_l("Attempts allowed (0: unlimited)"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=100)])
    attempt_delay_minutes = IntegerField(_l("Minutes to wait between attempts"), default=0,
                                         validators=[Optional(), NumberRange(min=0, max=527040)])
    grading_method = SelectField(_l("Grade from the attempts"), choices=options([
        ("highest", _l("Highest attempt")), ("average", _l("Average of attempts")), ("first", _l("First attempt")),
        ("last", _l("Last attempt"))]))
    pass_mark_percent = DecimalField(_l("Pass mark (%)"), places=None, default=50,
                                     validators=[Optional(), NumberRange(min=0, max=100)])
    questions_per_page = IntegerField(_l("Questions per page (0: all on one page)"), default=5,
                                      validators=[Optional(), NumberRange(min=0, max=200)])
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_answers = BooleanField(_l("Shuffle the answers within questions"), default=True)
    review_score_after = BooleanField(_l("Score"), default=True)
    review_answers_after = BooleanField(_l("Right answers"))
    review_feedback_after = BooleanField(_l("Feedback"), default=True)
    review_score_closed = BooleanField(_l("Score"), default=True)
    review_answers_closed = BooleanField(_l("Right answers"), default=True)
    review_feedback_closed = BooleanField(_l("Feedback"), default=True)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.open_at.data and self.close_at.data and self.close_at.data <= self.open_at.data:
            self.close_at.errors.append(_l("The quiz must close after it opens."))
            return False
        return ok

    def settings(self) -> dict:
        values = {key: getattr(self, key).data for key in (
            "shuffle_questions", "shuffle_answers", "review_score_after", "review_answers_after",
            "review_feedback_after", "review_score_closed", "review_answers_closed", "review_feedback_closed",
            "grading_method")}
        for key in ("time_limit_minutes", "attempts_allowed", "attempt_delay_minutes", "questions_per_page"):
            values[key] = getattr(self, key).data or 0
        values["pass_mark"] = float(self.pass_mark_percent.data or 0) / 100
        values["open_at"], values["close_at"] = to_utc(self.open_at.data), to_utc(self.close_at.data)
        return values

    def fill(self, quiz) -> None:
        for key in ("title_vi", "title_en", "intro", "shuffle_questions", "shuffle_answers", "review_score_after",
                    "review_answers_after", "review_feedback_after", "review_score_closed", "review_answers_closed",
                    "review_feedback_closed", "attempts_allowed", "questions_per_page"):
            getattr(self, key).data = getattr(quiz, key)
        self.grading_method.data = quiz.grading_method.value
        self.time_limit_minutes.data = (quiz.time_limit_seconds or 0) // 60
        self.attempt_delay_minutes.data = (quiz.attempt_delay_seconds or 0) // 60
        self.pass_mark_percent.data = round(quiz.pass_mark * 100, 2)
        self.open_at.data, self.close_at.data = to_local(quiz.open_at), to_local(quiz.close_at)


class RandomSlotForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int, choices=[], validate_choice=False)
    count = IntegerField(_l("Number of questions"), default=1, validators=[DataRequired(), NumberRange(min=1, max=200)])
    subcategories = BooleanField(_l("Include subcategories"), default=True)
    tag = StringField(_l("Only questions with the tag (optional)"), validators=[Optional(), Length(max=100)])


class GradeForm(FlaskForm):
    points = DecimalField(_l("Points"), places=None, validators=[InputRequired(message=_l("Give the points.")),
                                                                 NumberRange(min=0, max=1000)])
    comment = TextAreaField(_l("Comment for the official"), validators=[Optional(), Length(max=10000)])
