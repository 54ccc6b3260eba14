"""Forms of the SCORM plugin."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    school_id = SelectField(_l("School"), coerce=int, choices=[])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=255)])
    package = FileField(_l("SCORM package (.zip)"), validators=[FileRequired(_l("Choose the package's zip file."))],
                        render_kw={"accept": ".zip,application/zip"})


class ReplaceForm(FlaskForm):
    package = FileField(_l("New version (.zip)"), validators=[FileRequired(_l("Choose the package's zip file."))],
                        render_kw={"accept": ".zip,application/zip"})


class ResetForm(FlaskForm):
    attempt = HiddenField(validators=[DataRequired()])
