"""Activation letters as printed: a PDF with one half A4 page per official, and the same list as XLSX.

Written in Vietnamese whoever downloads them: they are handed to officials. fpdf2 and segno, as the
transcripts use them, with the platform's DejaVu Sans (lms/core/fonts).
"""
from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms.core import fonts
from lms.core.i18n import format_day
from lms.core.notifications.rendering import absolute_url
from lms.core.password_policy.common import MIN_LENGTH
from lms.core.services.activation import ACTIVATION_PATH, Letter
from lms.core.xlsx import table_xlsx

HALF = 148.5  # mm: an A4 page cut across the middle
MARGIN = 15
QR_SIZE = 42


def activation_url() -> str:
    return absolute_url(ACTIVATION_PATH)


def filled_in_url(letter: Letter) -> str:
    """The QR code's target: the activation page with the code and the employee code already typed."""
    return activation_url() + "?" + urlencode({"code": letter.code, "employee_code": letter.employee_code})


def letters_pdf(letters: list[Letter]) -> bytes:
    with force_locale("vi"):
        pdf = FPDF(format="A4")
        pdf.add_font("DejaVu", "", str(fonts.SANS))
        pdf.add_font("DejaVu", "B", str(fonts.SANS_BOLD))
        pdf.set_title(_("Account activation letters"))
        pdf.set_creator(current_app.config["SITE_NAME"])
        pdf.set_auto_page_break(False)
        for index, letter in enumerate(letters):
            if index % 2 == 0:
                pdf.add_page()
            _half(pdf, letter, top=HALF * (index % 2))
            if index % 2 == 0:
                _cut_line(pdf)
        if not letters:
            pdf.add_page()
        return bytes(pdf.output())


def _cut_line(pdf: FPDF) -> None:
    pdf.set_draw_color(150, 150, 150)
    with pdf.local_context(dash_pattern={"dash": 2, "gap": 2}):
        pdf.line(5, HALF, pdf.w - 5, HALF)


def _half(pdf: FPDF, letter: Letter, *, top: float) -> None:
    width = pdf.w - 2 * MARGIN - QR_SIZE - 6
    pdf.set_xy(MARGIN, top + MARGIN)
    pdf.set_text_color(80, 80, 80)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, current_app.config["SITE_NAME"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(width, 9, _("ACCOUNT ACTIVATION LETTER"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10.5)
    for label, value in ((_("Full name"), letter.full_name), (_("Employee code"), letter.employee_code),
                         (_("Unit"), letter.unit_name)):
        pdf.multi_cell(width, 6, f"{label}: {value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.cell(width, 6, _("Activation code") + ":", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(width, 12, letter.code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.cell(width, 5, _("Valid until %(day)s, for one use.", day=format_day(letter.expires_at)),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    steps = [
        _("1. Scan the QR code with your phone, or open %(url)s", url=activation_url()),
        _("2. Type the activation code and your employee code (the QR code fills them in)."),
        _("3. Choose your password (at least %(n)s characters) and type it twice.", n=MIN_LENGTH),
        _("From then on, log in with your employee code and that password. Keep this letter to yourself."),
    ]
    pdf.multi_cell(pdf.w - 2 * MARGIN, 5, "\n".join(steps), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    qr = io.BytesIO()
    segno.make(filled_in_url(letter), error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=pdf.w - MARGIN - QR_SIZE, y=top + MARGIN, w=QR_SIZE, h=QR_SIZE,
              alt_text=_("QR code to the activation page"))


def letters_xlsx(letters: list[Letter], unit_name: str) -> bytes:
    with force_locale("vi"):
        header = (_("Full name"), _("Employee code"), _("Unit"), _("Activation code"), _("Valid until"),
                  _("Activation page"))
        rows = ((letter.full_name, letter.employee_code, letter.unit_name, letter.code, letter.expires_at,
                 filled_in_url(letter)) for letter in letters)
        return table_xlsx(_("Activation codes"), header, rows,
                          title=(_("Activation codes: %(unit)s", unit=unit_name),))
