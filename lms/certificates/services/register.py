"""A school's certificate register: search and filters (one statement), and its XLSX export.

A school answers for the certificates of the schools merged into it, so its register shows them too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from lms.certificates import numbering
from lms.certificates.models import Certificate, Status
from lms.certificates.vocabulary import GROUND_LABELS, KIND_LABELS, STATE_LABELS, VARIANT_LABELS
from lms.core.db import db
from lms.core.search import bounded, contains
from lms.core.text import fold
from lms.core.xlsx import Book


@dataclass
class RegisterFilter:
    school_ids: list[int]
    year: int | None = None
    class_id: int | None = None
    state: str = ""
    q: str = ""


def register_statement(f: RegisterFilter, today: date):
    statement = select(Certificate).where(Certificate.school_id.in_(f.school_ids or [0]))
    if f.year:
        statement = statement.where(Certificate.register_year == f.year)
    if f.class_id:
        statement = statement.where(Certificate.class_id == f.class_id)
    lapsed = and_(Certificate.expires_on.is_not(None), Certificate.expires_on <= today)
    if f.state == Status.valid.value:
        statement = statement.where(Certificate.status == Status.valid, ~lapsed)
    elif f.state == Status.expired.value:
        statement = statement.where(or_(Certificate.status == Status.expired,
                                        and_(Certificate.status == Status.valid, lapsed)))
    elif f.state in (Status.revoked.value, Status.superseded.value):
        statement = statement.where(Certificate.status == Status(f.state))
    text = bounded(f.q)
    if text:
        folded = fold(text)
        code = numbering.normalise_code(text)
        statement = statement.where(or_(
            contains(Certificate.holder_name_folded, folded),
            Certificate.register_number == text, Certificate.serial == text,
            Certificate.holder_employee_code == text, Certificate.verification_code == code))
    return statement.order_by(Certificate.register_year.desc(), Certificate.register_seq.desc())


def state_of_row(cert: Certificate, today: date) -> str:
    if cert.status is Status.valid and cert.expires_on is not None and cert.expires_on <= today:
        return Status.expired.value
    return cert.status.value


HEADERS = ("Số vào sổ / Register number", "Số hiệu / Serial", "Họ và tên / Holder", "Ngày sinh / Date of birth",
           "Mã cán bộ / Employee code", "Đơn vị / Unit", "Khóa bồi dưỡng / Course", "Lớp / Class",
           "Số tiết / Periods", "Loại / Kind", "Bản / Variant", "Ngày cấp / Issued on", "Hết hạn / Expires on",
           "Trạng thái / Status", "Ngày thu hồi / Revoked on", "Lý do / Ground", "Bản gốc / Original",
           "Mã xác minh / Verification code")


def xlsx(statement, today: date, *, batch: int = 1000) -> bytes:
    """The register as a workbook (rows stream from the database into the file, not into memory)."""
    original = aliased(Certificate)
    book = Book()
    sheet = book.sheet("Sổ đăng ký")
    sheet.header(*HEADERS)
    rows = db.session.execute(statement.add_columns(original.register_number)
                              .outerjoin(original, Certificate.original_id == original.id)
                              .execution_options(yield_per=batch))
    for cert, original_number in rows:
        state = state_of_row(cert, today)
        sheet.row(
            cert.register_number, cert.serial, cert.holder_name, cert.holder_birth_date, cert.holder_employee_code,
            cert.holder_unit_name, cert.course_title_vi, cert.class_code, cert.periods,
            str(KIND_LABELS.get(cert.kind.value, cert.kind.value)),
            str(VARIANT_LABELS.get(cert.variant.value, cert.variant.value)), cert.issued_on, cert.expires_on,
            str(STATE_LABELS[state]), cert.revoked_at,
            str(GROUND_LABELS.get(cert.revocation_ground, cert.revocation_ground)) if cert.revocation_ground else "",
            original_number or "", numbering.display_code(cert.verification_code))
    return book.to_bytes()
