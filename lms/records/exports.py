"""XLSX files: an official's record, the list of who is behind, the provincial report.

Written by the core's one XLSX writer (lms.core.xlsx: styled header, filters, dates, the formula guard).
"""
from __future__ import annotations

from flask_babel import gettext as _

from lms.core.i18n import locale_code
from lms.core.vocab import CONTENT_AREAS, area_label, topic_label
from lms.core.xlsx import XLSX_MIMETYPE, Book  # noqa: F401 (the views send XLSX_MIMETYPE from here)
from lms.records.labels import SOURCE_LABELS
from lms.records.record import YearRecord, issuer_name
from lms.records.requirements import STATE_LABELS


def record_xlsx(record: YearRecord) -> bytes:
    locale = locale_code()
    book = Book()
    person = record.official
    sheet = book.sheet(_("Training record"))
    sheet.title(_("Training record"), person.full_name)
    sheet.line(_("Employee code"), person.employee_code)
    sheet.line(_("Unit"), person.unit.name(locale) if person.unit else "")
    sheet.line(_("Year"), record.year if record.year is not None else _("All years"))
    sheet.line()
    sheet.header(_("Date"), _("Title"), _("Content area"), _("Topics"), _("Periods"), _("Issued by"),
                 _("Unit at the time"), _("Source"), _("Certificate"))
    for credit in record.credits:
        title = credit.title_en if locale == "en" and credit.title_en else credit.title_vi
        sheet.row(credit.earned_on, title, area_label(credit.content_area, locale),
                  ", ".join(topic_label(t, locale) for t in credit.topics or []), float(credit.periods),
                  issuer_name(credit, locale), record.units[credit.unit_id].name(locale),
                  str(SOURCE_LABELS[credit.source]), credit.verification_code or "")
    areas = book.sheet(_("By content area"))
    areas.header(_("Content area"), _("Periods"))
    for area in CONTENT_AREAS:
        areas.row(area_label(area, locale), record.areas.get(area, 0))
    areas.row(_("Total"), record.total, total=True)
    if record.statuses:
        status_sheet = book.sheet(_("Requirements"))
        status_sheet.header(_("Requirement"), _("Status"), _("Done"), _("Required"), _("Missing"))
        for status in record.statuses:
            for part in status.parts:
                what = status.requirement.name(locale)
                if part.area:
                    what += " · " + area_label(part.area, locale)
                status_sheet.row(what, str(STATE_LABELS[status.state]), part.done, part.required, part.missing)
    return book.to_bytes()


def behind_xlsx(unit, year: int, requirement, rows) -> bytes:
    """The list of officials behind on a requirement, for the unit manager to file or follow up."""
    locale = locale_code()
    book = Book()
    sheet = book.sheet(_("Behind"))
    sheet.title(_("Behind on %(requirement)s", requirement=requirement.name(locale)))
    sheet.line(_("Unit"), unit.name(locale))
    sheet.line(_("Year"), year)
    sheet.line()
    sheet.header(_("Employee code"), _("Full name"), _("Unit"), _("Position"), _("E-mail"), _("Periods"),
                 _("Missing"), _("Status"))
    for row in rows:
        person = row.official
        sheet.row(person.employee_code, person.full_name, row.unit.name(locale), person.position, person.email or "",
                  row.total, row.missing, str(STATE_LABELS[row.states[0]]))
    return book.to_bytes()


def report_xlsx(report, level_labels: dict) -> bytes:  # noqa: C901  (one sheet after another, as the province files them)
    """The provincial report as a province files it: by level and unit with totals, by area, and the detail."""
    locale = locale_code()
    na = _("n/a")
    book = Book()
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

    sheet = book.sheet(_("By unit"))
    sheet.title(_("Training report %(year)s: %(unit)s", year=report.year, unit=report.root.name(locale)))
    if not report.catalog_available:
        sheet.line(_("Classes, enrolment and completion are not available: no plugin provides the course catalogue."))
    sheet.line()
    sheet.header(_("Level"), _("Unit"), _("Note"), *columns)
    for group in report.groups:
        for row in group.rows:
            sheet.row(str(level_labels.get(group.level, group.level)), row.unit.name(locale), row.unit.code,
                      *figures(row.figures))
            for before in row.predecessors:
                note = _("merged into %(unit)s on %(day)s", unit=row.unit.name(locale),
                         day=before.merged_on.strftime("%d/%m/%Y")) if before.merged_on else ""
                sheet.row("", "  " + _("of which: %(unit)s", unit=before.unit.name(locale)), note,
                          *figures(before.figures))
        sheet.row(_("Total %(level)s", level=str(level_labels.get(group.level, group.level)).lower()), "", "",
                  *figures(group.total), total=True)
    sheet.row(_("Grand total"), "", "", *figures(report.total), total=True)

    areas = book.sheet(_("By content area"))
    areas.header(_("Content area"), *columns)
    for area, f in report.areas.items():
        areas.row(area_label(area, locale), *figures(f))
    areas.row(_("Grand total"), *figures(report.total), total=True)

    detail = book.sheet(_("Detail"))
    detail.header(_("Unit code"), _("Unit (as it was then)"), _("Level"), _("Now part of"), _("Content area"),
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
    return book.to_bytes()
