"""Forms of the training record's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.core.vocab import CONTENT_AREAS


class PlanForm(FlaskForm):
    """A plan: the unit, the year, and per content area the classes to open and officials to train."""

    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def area_fields(self):
        return [(area, self[f"classes_{area}"], self[f"trainees_{area}"]) for area in CONTENT_AREAS]


for _area in CONTENT_AREAS:
    setattr(PlanForm, f"classes_{_area}", IntegerField(_l("Classes to open"), default=0,
                                                      validators=[Optional(), NumberRange(0, 10_000)]))
    setattr(PlanForm, f"trainees_{_area}", IntegerField(_l("Officials to train"), default=0,
                                                       validators=[Optional(), NumberRange(0, 1_000_000)]))


class RequirementForm(FlaskForm):
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=255)])
    year_from = IntegerField(_l("First year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    year_to = IntegerField(_l("Last year (empty: every year from the first)"),
                           validators=[Optional(), NumberRange(2000, 2100)])
    unit_id = SelectField(_l("Unit (empty: every unit)"), coerce=int, validate_choice=False)
    include_subunits = BooleanField(_l("Also the units below it"), default=True)
    unit_level = SelectField(_l("Level of the official's unit"), validate_choice=False)
    official_kind = SelectField(_l("Kind of official"), validate_choice=False)
    position = SelectField(_l("Position"), validate_choice=False)
    min_periods = DecimalField(_l("Minimum periods in total"), places=2,
                               validators=[Optional(), NumberRange(0, 2000)])
    active = BooleanField(_l("In force (switched on)"))
    note = TextAreaField(_l("Note (the decision it comes from)"), validators=[Optional(), Length(max=2000)])

    def area_fields(self):
        return [(area, self[f"min_{area}"]) for area in CONTENT_AREAS]


for _area in CONTENT_AREAS:
    setattr(RequirementForm, f"min_{_area}", DecimalField(_l("Minimum periods"), places=2,
                                                          validators=[Optional(), NumberRange(0, 2000)]))


class OutsideRecordForm(FlaskForm):
    """One training done elsewhere, with its evidence."""

    employee_code = StringField(_l("Employee code of the official"), validators=[DataRequired(), Length(max=40)])
    title_vi = StringField(_l("Title of the training"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English (optional)"), validators=[Optional(), Length(max=300)])
    content_area = SelectField(_l("Content area"))
    topics = SelectMultipleField(_l("Topics"), validate_choice=False, option_widget=CheckboxInput(),
                                 widget=ListWidget(prefix_label=False))
    periods = StringField(_l("Periods (of 45 minutes)"), validators=[DataRequired(), Length(max=12)],
                          render_kw={"inputmode": "decimal"})
    earned_on = DateField(_l("Completed on"), validators=[InputRequired()])
    provider = StringField(_l("Run by (school, platform)"), validators=[DataRequired(), Length(max=255)],
                           render_kw={"list": "providers"})
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    school_id = SelectField(_l("Recorded by the school"), coerce=int, validate_choice=False)
    evidence = FileField(_l("Evidence (PDF, scan or photo of the certificate)"), validators=[FileRequired()])


class OutsideImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()])
    evidence = FileField(_l("Evidence for the whole file (PDF, scan or photo)"), validators=[FileRequired()])
    school_id = SelectField(_l("Recorded by the school"), coerce=int, validate_choice=False)
    valid_only = BooleanField(_l("Import the valid rows even if some rows have problems"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)])


class TokenForm(FlaskForm):
    name = StringField(_l("Name (the system that will use it)"), validators=[DataRequired(), Length(max=120)])
    unit_id = SelectField(_l("Unit it may see (with the units below it)"), coerce=int, validate_choice=False)
