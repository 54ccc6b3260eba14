"""Forms of the activation pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from lms.core.forms import options


class ActivateByLinkForm(FlaskForm):
    new = PasswordField(_l("New password"), validators=[DataRequired()], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()],
                            render_kw={"autocomplete": "new-password"})


class ActivateByLetterForm(ActivateByLinkForm):
    code = StringField(_l("Activation code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                  "spellcheck": "false"})
    employee_code = StringField(_l("Employee code"), validators=[DataRequired(), Length(max=40)],
                                render_kw={"autocomplete": "username", "autocapitalize": "none"})


FILE_FORMATS = (("pdf", _l("PDF: one half-page letter per official, to print")),
                ("xlsx", _l("XLSX: the same list as a spreadsheet")),
                ("zip", _l("Both, in one ZIP file")))


class LettersForm(FlaskForm):
    file_format = SelectField(_l("Download as"), choices=[], default="pdf")
    with_email = BooleanField(_l("Also officials who have an e-mail address (their e-mailed link stops working)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_format.choices = options(FILE_FORMATS)  # labels in the reader's language


class SendMailsForm(FlaskForm):
    """Only the CSRF token: the unit is in the URL."""
