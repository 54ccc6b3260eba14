"""Core forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from lms.core.forms import options


class LoginForm(FlaskForm):
    identifier = StringField(_l("Employee code or e-mail"), validators=[DataRequired(), Length(max=254)],
                             render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()],
                            render_kw={"autocomplete": "new-password"})


class UserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    login_code = StringField(_l("Employee code (log-in)"), validators=[Optional(), Length(max=40)])
    locale = SelectField(_l("Language"), choices=options([("vi", "Tiếng Việt"), ("en", "English")]))
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional()],
                             render_kw={"autocomplete": "new-password"})
    must_change_password = BooleanField(_l("Must choose a new password at next log-in"))


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[])
    school_id = SelectField(_l("School"), choices=[], coerce=int, validate_choice=False)
    unit_id = SelectField(_l("Unit"), choices=[], coerce=int, validate_choice=False)


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=255)])
    level = SelectField(_l("Level"), choices=[])
    kind = StringField(_l("Kind (department, agency, ward...)"), validators=[Optional(), Length(max=40)])
    parent_id = SelectField(_l("Parent unit"), choices=[], coerce=int, validate_choice=False)
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()])


class MergeForm(FlaskForm):
    successor_id = SelectField(_l("Merge into"), choices=[], coerce=int, validate_choice=False)
    effective_on = DateField(_l("Effective on"), validators=[DataRequired()])


class SchoolForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name_vi = StringField(_l("Name (Vietnamese)"), validators=[DataRequired(), Length(max=255)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=255)])
    unit_id = SelectField(_l("Unit"), choices=[], coerce=int, validate_choice=False)
    governing_body = StringField(_l("Governing body (printed above the name)"), validators=[Optional()])
    place = StringField(_l("Place of issue"), validators=[Optional(), Length(max=120)])
    signer_title = StringField(_l("Signer's title"), validators=[Optional(), Length(max=200)])
    signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[FileRequired()])


class OfficialImportForm(ImportForm):
    full = BooleanField(_l("Full list: officials of these units missing from the file have left (made inactive, "
                           "never deleted)"))
    mail_activation = BooleanField(_l("E-mail an activation link to the file's officials who have an e-mail "
                                      "address and no password yet"))


class OfficialForm(FlaskForm):
    employee_code = StringField(_l("Employee code"), validators=[DataRequired(), Length(max=40)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=options([("", "—"), ("Nam", "Nam"), ("Nữ", "Nữ")]),
                         validators=[Optional()])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    unit_id = SelectField(_l("Unit"), choices=[], coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind of official"), choices=[])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    rank = StringField(_l("Rank or title"), validators=[Optional(), Length(max=200)])
    political_theory_level = SelectField(_l("Political-theory qualification"), choices=options([
        ("", "—"), ("elementary", _l("Elementary")), ("intermediate", _l("Intermediate")),
        ("advanced", _l("Advanced"))]), validators=[Optional()])
    political_theory_school = StringField(_l("Awarded by (school)"), validators=[Optional(), Length(max=255)])
    political_theory_year = IntegerField(_l("Year awarded"), validators=[Optional(), NumberRange(1950, 2100)])
