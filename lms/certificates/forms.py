"""Forms of the certificates plugin (Flask-WTF: CSRF on every post)."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.certificates.vocabulary import EXPIRY_BASE_LABELS, GROUND_LABELS, KIND_LABELS, ORIENTATION_LABELS
from lms.core.vocab import CONTENT_AREAS


def new_request_key() -> str:
    return secrets.token_hex(16)


def area_choices(blank_label) -> list[tuple[str, str]]:
    from lms.certificates.vocabulary import area_name
    return [("", blank_label)] + [(code, area_name(code)) for code in CONTENT_AREAS]


class RevokeForm(FlaskForm):
    ground = SelectField(_l("Legal ground"), choices=[], validators=[DataRequired()])
    note = TextAreaField(_l("Note (why, and on what evidence)"), validators=[DataRequired(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ground.choices = [(k, v) for k, v in GROUND_LABELS.items() if k != "superseded"]


class CopyForm(FlaskForm):
    reason = TextAreaField(_l("Why a copy is needed (lost, damaged ...)"), validators=[DataRequired(),
                                                                                       Length(max=2000)])
    request_key = HiddenField(default=new_request_key)


class CorrectForm(FlaskForm):
    holder_name = StringField(_l("Holder's full name"), validators=[DataRequired(), Length(max=200)])
    holder_birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    course_title_vi = StringField(_l("Course title (Vietnamese)"), validators=[DataRequired(), Length(max=300)])
    course_title_en = StringField(_l("Course title (English)"), validators=[Optional(), Length(max=300)])
    periods = DecimalField(_l("Periods"), places=1, validators=[DataRequired(), NumberRange(min=0.5, max=5000)])
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    content_area = SelectField(_l("Content area"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("What was wrong (kept in the register)"), validators=[DataRequired(), Length(max=2000)])
    request_key = HiddenField(default=new_request_key)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_area.choices = area_choices(_l("(unchanged)"))


class TemplateForm(FlaskForm):
    name = StringField(_l("Name (for the school's staff)"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
    orientation = SelectField(_l("Page"), choices=[])
    national_heading = StringField(_l("National heading"), validators=[DataRequired(), Length(max=120)])
    national_motto = StringField(_l("Motto"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    subtitle = StringField(_l("Subtitle"), validators=[Optional(), Length(max=160)])
    body = StringField(_l("Line before the course's name"), validators=[Optional(), Length(max=200)])
    signer_title = StringField(_l("Signer's title (empty: the school's)"), validators=[Optional(), Length(max=200)])
    signer_name = StringField(_l("Signer's name (empty: the school's)"), validators=[Optional(), Length(max=200)])
    serial_format = StringField(_l("Serial format"), validators=[DataRequired(), Length(max=100)])
    signature = FileField(_l("Signature image (PNG or JPEG)"))
    seal = FileField(_l("Seal image (PNG with transparency)"))
    background = FileField(_l("Background image (optional, whole page)"))
    remove_signature = BooleanField(_l("Remove the signature image"))
    remove_seal = BooleanField(_l("Remove the seal image"))
    remove_background = BooleanField(_l("Remove the background image"))
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(KIND_LABELS.items())
        self.orientation.choices = list(ORIENTATION_LABELS.items())


class RuleForm(FlaskForm):
    course_key = SelectField(_l("Course"), choices=[], validators=[DataRequired()])
    class_id = SelectField(_l("Only for this class"), choices=[], coerce=int, validate_choice=False)
    template_id = SelectField(_l("Template"), choices=[], coerce=int)
    min_final_score = IntegerField(_l("Minimum final score (%)"), validators=[Optional(), NumberRange(0, 100)])
    min_attendance = IntegerField(_l("Minimum attendance (%)"), validators=[Optional(), NumberRange(0, 100)])
    validity_months = IntegerField(_l("Valid for (months; empty: no expiry)"),
                                   validators=[Optional(), NumberRange(1, 240)])
    renewal_window_days = IntegerField(_l("Renewal window opens (days before expiry)"), default=60,
                                       validators=[Optional(), NumberRange(0, 730)])
    expiry_base = SelectField(_l("A renewed certificate is valid from"), choices=[])
    periods = DecimalField(_l("Periods credited (empty: the course's)"), places=1,
                           validators=[Optional(), NumberRange(min=0.5, max=5000)])
    content_area = SelectField(_l("Content area (empty: the course's)"), choices=[], validate_choice=False)
    auto_issue = BooleanField(_l("Issue automatically when the course is completed"), default=True)
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expiry_base.choices = list(EXPIRY_BASE_LABELS.items())
        self.content_area.choices = area_choices(_l("(the course's)"))


class IssueForm(FlaskForm):
    """Confirms issuing a class (the page lists who is eligible and why not)."""
