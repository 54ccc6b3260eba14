"""XLSX files: an official's record, the list of who is behind, the provincial report.

Written with openpyxl's write-only mode (streams rows, so a province-wide list stays small in memory).
Text that a spreadsheet would take for a formula is written as text.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Iterable

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lms.core.i18n import locale_code
from lms.records.labels import SOURCE_LABELS
from lms.records.record import YearRecord, issuer_name
from lms.records.requirements import STATE_LABELS
from lms.core.vocab import CONTENT_AREAS, area_label, topic_label

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@")


def safe(value):
    """A cell value that no spreadsheet will evaluate."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Sheet:
    def __init__(self, book: Workbook, title: str, widths: Iterable[int] = ()):
        self.sheet = book.create_sheet(title=title[:31])
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width

    def heading(self, *values) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=safe(value))
            cell.font = Font(bold=True)
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, *values) -> None:
        cells = []
        for value in values:
            if isinstance(value, date):
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(safe(value))
        self.sheet.append(cells)


def new_book() -> Workbook:
    return Workbook(write_only=True)


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_xlsx(record: YearRecord) -> bytes:
    locale = locale_code()
    book = new_book()
    person = record.official
    sheet = Sheet(book, _("Training record"), widths=(12, 50, 38, 30, 10, 36, 30, 22, 18))
    sheet.heading(_("Training record"), person.full_name)
    sheet.row(_("Employee code"), person.employee_code)
    sheet.row(_("Unit"), person.unit.name(locale) if person.unit else "")
    sheet.row(_("Year"), record.year if record.year is not None else _("All years"))
    sheet.row()
    sheet.heading(_("Date"), _("Title"), _("Content area"), _("Topics"), _("Periods"), _("Issued by"),
                  _("Unit at the time"), _("Source"), _("Certificate"))
    for credit in record.credits:
        title = credit.title_en if locale == "en" and credit.title_en else credit.title_vi
        sheet.row(credit.earned_on, title, area_label(credit.content_area, locale),
                  ", ".join(topic_label(t, locale) for t in credit.topics or []), float(credit.periods),
                  issuer_name(credit, locale), record.units[credit.unit_id].name(locale),
                  str(SOURCE_LABELS[credit.source]), credit.verification_code or "")
    sheet.row()
    sheet.heading(_("Content area"), _("Periods"))
    for area in CONTENT_AREAS:
        sheet.row(area_label(area, locale), record.areas.get(area, 0))
    sheet.heading(_("Total"), record.total)
    if record.statuses:
        status_sheet = Sheet(book, _("Requirements"), widths=(50, 16, 14, 14, 14))
        status_sheet.heading(_("Requirement"), _("Status"), _("Done"), _("Required"), _("Missing"))
        for status in record.statuses:
            for part in status.parts:
                what = status.requirement.name(locale)
                if part.area:
                    what += " · " + area_label(part.area, locale)
                status_sheet.row(what, str(STATE_LABELS[status.state]), part.done, part.required, part.missing)
    return to_bytes(book)


def behind_xlsx(unit, year: int, requirement, rows) -> bytes:
    """The list of officials behind on a requirement, for the unit manager to file or follow up."""
    locale = locale_code()
    book = new_book()
    sheet = Sheet(book, _("Behind"), widths=(14, 32, 36, 28, 28, 12, 12, 16))
    sheet.heading(_("Behind on %(requirement)s", requirement=requirement.name(locale)))
    sheet.row(_("Unit"), unit.name(locale))
    sheet.row(_("Year"), year)
    sheet.row()
    sheet.heading(_("Employee code"), _("Full name"), _("Unit"), _("Position"), _("E-mail"), _("Periods"),
                  _("Missing"), _("Status"))
    for row in rows:
        person = row.official
        sheet.row(person.employee_code, person.full_name, row.unit.name(locale), person.position, person.email or "",
                  row.total, row.missing, str(STATE_LABELS[row.states[0]]))
    return to_bytes(book)


def report_xlsx(report, level_labels: dict) -> bytes:
    """The provincial report as a province files it: by level and unit with totals, by area, and the detail."""
    locale = locale_code()
    na = _("n/a")
    book = new_book()
    columns = (_("Classes planned"), _("Classes opened"), _("Percent of plan (classes)"), _("Officials to train"),
               _("Enrolled"), _("Completed"), _("Percent of plan (trainees)"), _("Certificates"), _("Credits"),
               _("Periods"))

    def figures(f):
        def maybe(value):
            return na if value is None else value

        def pct(value):
            return "" if value is None else round(value, 1)
        return (f.classes_planned, maybe(f.classes_opened), pct(f.classes_percent), f.trainees_planned,
                maybe(f.enrolled), maybe(f.completed), pct(f.trainees_percent), f.certificates, f.credits, f.periods)

    sheet = Sheet(book, _("By unit"), widths=(16, 44, 40) + (14,) * len(columns))
    sheet.heading(_("Training report %(year)s: %(unit)s", year=report.year, unit=report.root.name(locale)))
    if not report.catalog_available:
        sheet.row(_("Classes, enrolment and completion are not available: the courses plugin is off."))
    sheet.row()
    sheet.heading(_("Level"), _("Unit"), _("Note"), *columns)
    for group in report.groups:
        for row in group.rows:
            sheet.row(str(level_labels.get(group.level, group.level)), row.unit.name(locale), row.unit.code,
                      *figures(row.figures))
            for before in row.predecessors:
                note = _("merged into %(unit)s on %(day)s", unit=row.unit.name(locale),
                         day=before.merged_on.strftime("%d/%m/%Y")) if before.merged_on else ""
                sheet.row("", "  " + _("of which: %(unit)s", unit=before.unit.name(locale)), note,
                          *figures(before.figures))
        sheet.heading(_("Total %(level)s", level=str(level_labels.get(group.level, group.level)).lower()), "", "",
                      *figures(group.total))
    sheet.heading(_("Grand total"), "", "", *figures(report.total))

    areas = Sheet(book, _("By content area"), widths=(50,) + (14,) * len(columns))
    areas.heading(_("Content area"), *columns)
    for area, f in report.areas.items():
        areas.row(area_label(area, locale), *figures(f))
    areas.heading(_("Grand total"), *figures(report.total))

    detail = Sheet(book, _("Detail"), widths=(14, 40, 14, 14, 40) + (14,) * len(columns))
    detail.heading(_("Unit code"), _("Unit (as it was then)"), _("Level"), _("Now part of"), _("Content area"),
                   *columns)
    units = {}
    for group in report.groups:
        for row in group.rows:
            units[row.unit.id] = (row.unit, row.unit)
            for before in row.predecessors:
                units[before.unit.id] = (before.unit, row.unit)
    for (unit_id, area), f in sorted(report.detail.items(), key=lambda item: (item[0][0], item[0][1])):
        if unit_id not in units or f.empty:
            continue
        unit, now = units[unit_id]
        detail.row(unit.code, unit.name(locale), str(level_labels.get(unit.level.value, unit.level.value)),
                   now.code if now.id != unit.id else "", area_label(area, locale), *figures(f))
    return to_bytes(book)
