"""Training done elsewhere (another school, the national digital-skills platform), recorded by a school.

Each record needs an evidence file (kept by the storage service, which refuses a file whose bytes are
not a document or an image). A record is keyed by what it states (official, date, title, provider,
periods), so entering it twice, by a double click or a re-uploaded file, adds it once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import audit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official
from lms.core.services.org_import import ImportReport, parse_date
from lms.core.services.tabular import Problem, read_rows
from lms.core.text import fold, nfc
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.records.dates import local_today
from lms.records.ledger import CreditFacts, add_credit, withdraw_credit
from lms.records.models import CreditSource, TrainingCredit

EARLIEST = date(1990, 1, 1)

COLUMNS = {
    "employee_code": ("mã cán bộ", "ma can bo", "employee code", "code"),
    "title_vi": ("tên khóa học", "tên khóa/lớp", "ten khoa hoc", "title", "course"),
    "title_en": ("tên tiếng anh", "english title", "title (english)"),
    "content_area": ("nội dung bồi dưỡng", "noi dung", "content area", "area"),
    "topics": ("chủ đề", "chu de", "topics"),
    "periods": ("số tiết", "so tiet", "periods"),
    "earned_on": ("ngày hoàn thành", "ngay hoan thanh", "ngày", "date", "completed on"),
    "provider": ("cơ sở đào tạo", "đơn vị tổ chức", "nơi học", "provider", "organised by"),
    "note": ("ghi chú", "ghi chu", "note"),
}
REQUIRED = ("employee_code", "title_vi", "content_area", "periods", "earned_on", "provider")


class DuplicateRecord(DomainError):
    """The same outside training is already on the official's record."""


class InvalidRecord(DomainError):
    """An outside record that makes no sense; `field` names the column to fix."""

    def __init__(self, field_name: str, message, **params) -> None:
        super().__init__(message, **params)
        self.field = field_name


@dataclass
class OutsideRecord:
    official_id: int
    title_vi: str
    content_area: str
    periods: float
    earned_on: date
    provider: str
    title_en: str = ""
    topics: tuple[str, ...] = ()
    note: str = ""


@dataclass
class OutsideImportReport(ImportReport):
    credit_ids: list[int] = field(default_factory=list)


def natural_key(record: OutsideRecord) -> str:
    text = "|".join([str(record.official_id), record.earned_on.isoformat(), fold(record.title_vi),
                     fold(record.provider), f"{round(float(record.periods), 2):.2f}"])
    return "o:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def check_periods(periods) -> float:
    """Periods must be a positive number no larger than the plausible maximum for one course."""
    limit = current_app.config["RECORDS_MAX_PERIODS_PER_CREDIT"]
    try:
        value = float(str(periods).replace(",", "."))
    except (TypeError, ValueError):
        raise InvalidRecord("periods", _l("The number of periods must be a number.")) from None
    if value != value or value <= 0 or value > limit:  # value != value: NaN
        raise InvalidRecord("periods", _l("The number of periods must be more than 0 and at most %(limit)s "
                                          "(one course)."), limit=limit)
    if round(value, 2) != value:
        raise InvalidRecord("periods", _l("The number of periods can have at most two decimals."))
    return value


def check(record: OutsideRecord) -> OutsideRecord:
    """Refuse what makes no sense, with a message the school can act on; returns the cleaned record."""
    title = nfc(record.title_vi)
    if not title:
        raise InvalidRecord("title_vi", _l("Give the title of the training."))
    if len(title) > 300:
        raise InvalidRecord("title_vi", _l("The title is longer than 300 characters."))
    provider = nfc(record.provider)
    if not provider:
        raise InvalidRecord("provider", _l("Say who ran the training (another school, the national digital-skills "
                                           "platform...)."))
    if record.content_area not in CONTENT_AREAS:
        raise InvalidRecord("content_area", _l("Unknown content area: %(area)s."), area=record.content_area)
    unknown = [t for t in record.topics if t not in TOPICS]
    if unknown:
        raise InvalidRecord("topics", _l("Unknown topic: %(topic)s."), topic=", ".join(unknown))
    periods = check_periods(record.periods)
    if record.earned_on > local_today():
        raise InvalidRecord("earned_on", _l("The date of the training cannot be in the future."))
    if record.earned_on < EARLIEST:
        raise InvalidRecord("earned_on", _l("The date of the training is too far in the past."))
    return OutsideRecord(official_id=record.official_id, title_vi=title, title_en=nfc(record.title_en),
                         content_area=record.content_area, periods=periods, earned_on=record.earned_on,
                         provider=provider[:255], topics=tuple(dict.fromkeys(record.topics)), note=nfc(record.note))


def record_outside(record: OutsideRecord, *, evidence_file_id: int, recorded_by: int | None,
                   school_id: int | None) -> int:
    """Add an outside record to the official's ledger; returns the credit id. Raises DuplicateRecord."""
    if db.session.get(Official, record.official_id) is None:
        raise DomainError(_l("There is no official with that employee code."))
    record = check(record)
    credit_id = _add(record, evidence_file_id, recorded_by, school_id)
    if credit_id is None:
        raise DuplicateRecord(_l("This training is already on the official's record; nothing was added."))
    return credit_id


def _add(record: OutsideRecord, evidence_file_id: int, recorded_by: int | None, school_id: int | None) -> int | None:
    return add_credit(CreditFacts(
        official_id=record.official_id, source=CreditSource.outside, source_id=natural_key(record),
        title_vi=record.title_vi, title_en=record.title_en, content_area=record.content_area,
        topics=record.topics, periods=record.periods, earned_on=record.earned_on, provider=record.provider,
        evidence_file_id=evidence_file_id, recorded_by=recorded_by, recorded_by_school_id=school_id,
        note=record.note))


def withdraw_outside(credit: TrainingCredit, reason: str, *, actor_id: int | None) -> None:
    """Take back an outside record entered by mistake (it stays in the ledger, marked withdrawn)."""
    if credit.source is not CreditSource.outside:
        raise DomainError(_l("Only training recorded from outside can be withdrawn here."))
    if not nfc(reason):
        raise DomainError(_l("Say why the record is withdrawn."))
    withdraw_credit(CreditSource.outside, credit.source_id, reason=nfc(reason), actor_id=actor_id)


# --- in bulk ----------------------------------------------------------------------------------------

def _lookup(options: dict[str, tuple[str, str]]) -> dict[str, str]:
    table = {}
    for code, (vi, en) in options.items():
        for name in (code, vi, en):
            table[fold(name)] = code
    return table


def import_outside(stream: BinaryIO, filename: str, *, evidence_file_id: int, recorded_by: int | None,  # noqa: C901  (parse, check each row, all-or-nothing insert and report; to split next)
                   school_id: int | None, valid_only: bool = False) -> OutsideImportReport:
    """Record many outside trainings from CSV/XLSX: all or nothing (or the valid rows when asked).

    A row already on the record counts as unchanged, so a file uploaded twice adds nothing.
    """
    report = OutsideImportReport()
    found, rows = read_rows(stream, filename, COLUMNS)
    missing = [c for c in REQUIRED if c not in found]
    for column in missing:
        report.problems.append(Problem(1, column, str(_l("The column %(column)s is missing.") % {"column": column})))
    if missing:
        return report
    areas, topics = _lookup(CONTENT_AREAS), _lookup(TOPICS)
    officials = {}
    parsed: list[tuple[int, OutsideRecord]] = []
    seen: dict[str, int] = {}
    raw_rows = list(rows)
    codes = {r.values.get("employee_code", "").strip() for r in raw_rows}
    for code, official_id in db.session.execute(select(Official.employee_code, Official.id)
                                                .where(Official.employee_code.in_(codes))):
        officials[code] = official_id
    for row in raw_rows:
        report.total += 1
        problems = [Problem(row.line, name, str(_l("Formulas are not accepted; type the value itself.")))
                    for name in row.formula_fields]
        v = row.values
        official_id = officials.get(v.get("employee_code", "").strip())
        if official_id is None:
            problems.append(Problem(row.line, "employee_code", str(_l("There is no official with the employee code "
                                                                      "%(code)s.") % {"code": v.get("employee_code")})))
        area = areas.get(fold(v.get("content_area", "")))
        if area is None:
            problems.append(Problem(row.line, "content_area",
                                    str(_l("Unknown content area: %(area)s.") % {"area": v.get("content_area")})))
        row_topics = []
        for name in [t for t in (v.get("topics") or "").replace(";", ",").split(",") if t.strip()]:
            if fold(name) in topics:
                row_topics.append(topics[fold(name)])
            else:
                problems.append(Problem(row.line, "topics", str(_l("Unknown topic: %(topic)s.") % {"topic": name})))
        try:
            earned_on = parse_date(v.get("earned_on", ""))
            if earned_on is None:
                raise ValueError
        except ValueError:
            earned_on = None
            problems.append(Problem(row.line, "earned_on", str(_l("This is not a date (dd/mm/yyyy)."))))
        if not problems:
            record = OutsideRecord(official_id=official_id, title_vi=v.get("title_vi", ""),
                                   title_en=v.get("title_en", ""), content_area=area, periods=v.get("periods", ""),
                                   earned_on=earned_on, provider=v.get("provider", ""), topics=tuple(row_topics),
                                   note=v.get("note", ""))
            try:
                record = check(record)
            except InvalidRecord as problem:
                problems.append(Problem(row.line, problem.field, str(problem)))
            else:
                key = natural_key(record)
                if key in seen:
                    problems.append(Problem(row.line, "", str(_l("The same training is also on line %(other)s.")
                                                              % {"other": seen[key]})))
                else:
                    seen[key] = row.line
                    parsed.append((row.line, record))
        if problems:
            report.problems.extend(problems)
            report.skipped += 1
    if report.problems and not valid_only:
        return report
    already = set(db.session.scalars(select(TrainingCredit.source_id).where(
        TrainingCredit.source == CreditSource.outside,
        TrainingCredit.source_id.in_([natural_key(r) for _, r in parsed]))))
    for _line, record in parsed:
        if natural_key(record) in already:
            report.unchanged += 1
            continue
        credit_id = _add(record, evidence_file_id, recorded_by, school_id)
        if credit_id is None:
            report.unchanged += 1
        else:
            report.created += 1
            report.credit_ids.append(credit_id)
    report.applied = True
    audit.record("outside.imported", "file", filename, actor_id=recorded_by,
                 data={"created": report.created, "unchanged": report.unchanged, "skipped": report.skipped,
                       "evidence_file_id": evidence_file_id})
    db.session.flush()
    return report
