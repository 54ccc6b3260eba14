"""Forms of the courses plugin (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from lms.core.forms import options


class CourseForm(FlaskForm):
    key = StringField(_l("Key (lowercase, digits, hyphens; made from the title if empty)"),
                      validators=[Optional(), Length(max=80)])
    title_vi = StringField(_l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=255)])
    summary_vi = TextAreaField(_l("Summary (Vietnamese)"), validators=[Optional(), Length(max=4000)])
    summary_en = TextAreaField(_l("Summary (English)"), validators=[Optional(), Length(max=4000)])
    content_area = SelectField(_l("Content area"), choices=[])
    topics = SelectMultipleField(_l("Topics"), choices=[], validate_choice=True)
    periods = DecimalField(_l("Periods credited (1 period = 45 minutes)"), places=1,
                           validators=[DataRequired(), NumberRange(min=0.5, max=10000)])
    level = SelectField(_l("Level"), choices=[])
    school_id = SelectField(_l("Owning school"), coerce=int, choices=[], validate_choice=False)
    self_enrol = BooleanField(_l("Officials may enrol themselves"))
    prerequisites = StringField(_l("Prerequisite course keys (comma-separated)"), validators=[Optional()])
    min_attendance = IntegerField(_l("Minimum attendance in in-person classes (%)"),
                                  validators=[Optional(), NumberRange(min=0, max=100)])
    sources = TextAreaField(_l("Sources (one per line)"), validators=[Optional()])


class SectionForm(FlaskForm):
    # Own ids: this form shares the course editor's page with NewActivityForm and CourseForm, whose fields
    # have the same names; with the default ids every "Title" label pointed at the first form's input.
    title_vi = StringField(_l("Section title (Vietnamese)"), validators=[DataRequired(), Length(max=255)],
                           id="section-title_vi")
    title_en = StringField(_l("Section title (English)"), validators=[Optional(), Length(max=255)],
                           id="section-title_en")


class NewActivityForm(FlaskForm):
    section_id = SelectField(_l("Section"), coerce=int, choices=[], validate_choice=False)
    type = SelectField(_l("Type"), choices=[])
    title_vi = StringField(_l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=255)],
                           id="activity-title_vi")
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=255)],
                           id="activity-title_en")
    required = BooleanField(_l("Required for completion"), default=True)


class ActivityForm(FlaskForm):
    title_vi = StringField(_l("Title (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=255)])
    required = BooleanField(_l("Required for completion"))
    format = RadioField(_l("Written in"), choices=options([("markdown", "Markdown"), ("html", "HTML")]),
                        default="markdown")
    body_vi = TextAreaField(_l("Lesson (Vietnamese)"), validators=[Optional()], render_kw={"rows": 18})
    body_en = TextAreaField(_l("Lesson (English, optional)"), validators=[Optional()], render_kw={"rows": 10})
    manual = BooleanField(_l("Learners mark it done themselves (instead of on opening)"))
    asset_path = SelectField(_l("Course file"), choices=[], validate_choice=False)
    url = StringField(_l("Address (https://...)"), validators=[Optional(), Length(max=1000)])
    percent = IntegerField(_l("Share of the video to watch (%)"), default=80,
                           validators=[Optional(), NumberRange(min=1, max=100)])
    ref = SelectField(_l("Item"), choices=[], validate_choice=False)


class UploadForm(FlaskForm):
    file = FileField(_l("File (PDF, Office document, image, video)"), validators=[FileRequired()])


class ImportForm(FlaskForm):
    file = FileField(_l("Course folder as a .zip"), validators=[FileRequired()])


class LecturerForm(FlaskForm):
    email = StringField(_l("Lecturer's e-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ClassForm(FlaskForm):
    course_id = SelectField(_l("Course"), coerce=int, choices=[], validate_choice=False)
    code = StringField(_l("Class code"), validators=[DataRequired(), Length(max=40)])
    title_vi = StringField(_l("Class name (Vietnamese)"), validators=[Optional(), Length(max=255)])
    title_en = StringField(_l("Class name (English)"), validators=[Optional(), Length(max=255)])
    school_id = SelectField(_l("School"), coerce=int, choices=[], validate_choice=False)
    unit_id = SelectField(_l("Run for the unit"), coerce=int, choices=[], validate_choice=False)
    mode = SelectField(_l("Mode"), choices=[])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on (the learners' due date)"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=100000)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    min_attendance = IntegerField(_l("Minimum attendance (%), if not the course's"),
                                  validators=[Optional(), NumberRange(min=0, max=100)])
    credit_on_attendance = BooleanField(_l("Attendance alone earns the class's credit"))
    lecturer_ids = SelectMultipleField(_l("Lecturers"), coerce=int, choices=[], validate_choice=False)


class EnrolUnitForm(FlaskForm):
    unit_id = SelectField(_l("Unit (with all its sub-units)"), coerce=int, choices=[], validate_choice=False)


class EnrolFileForm(FlaskForm):
    file = FileField(_l("List of employee codes (CSV or XLSX)"), validators=[FileRequired()])


class EnrolOneForm(FlaskForm):
    employee_code = StringField(_l("Employee code"), validators=[DataRequired(), Length(max=40)])


class SessionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Starts at"), validators=[DataRequired()])
    end = TimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=255)])
