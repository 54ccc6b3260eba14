"""Accounts as the HR import leaves them (no password yet), and reading codes back from the letters."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from lms.core.db import db
from lms.core.models import User

NEW_PASSWORD = "Sông Hồng chảy mãi"
CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}\b")


def waiting_account(official, *, email: str | None = None) -> User:
    """An account as the import creates it: no usable password, never activated."""
    user = User(display_name=official.full_name, official_id=official.id, login_code=official.employee_code,
                email=email)
    db.session.add(user)
    db.session.flush()
    return user


def xlsx_codes(data: bytes) -> dict[str, str]:
    """employee code -> activation code, from the letters' spreadsheet."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Họ và tên")
    return {row[1]: row[3] for row in rows[header_at + 1:] if row and row[1]}


def texts_by_half(pdf: bytes) -> list[tuple[str, str]]:
    """(top half, bottom half) text of each page, split on where each piece of text is drawn."""
    halves = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        top, bottom = [], []

        def visit(text, _cm, tm, _font, _size, top=top, bottom=bottom, height=height):
            (top if tm[5] > height / 2 else bottom).append(text)
        page.extract_text(visitor_text=visit)
        halves.append(("\n".join(top), "\n".join(bottom)))
    return halves
