"""The class report: each learner's progress, last activity, attendance and completion; page and XLSX."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.i18n import locale_code, pick
from lms.core.models import Official, Unit, User
from lms.core.xlsx import Book
from lms.courses.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    ClassSession,
    CourseClass,
    Enrolment,
    EnrolmentStatus,
)


@dataclass
class ReportRow:
    name: str
    employee_code: str
    unit: str
    progress: float
    last_activity: str
    last_activity_at: datetime | None
    attendance: dict[str, int]
    attendance_rate: float | None
    completed_at: datetime | None
    final_score: float | None


def class_report(course_class: CourseClass) -> tuple[list[ReportRow], int]:
    """The rows, in name order, and the number of sessions: four queries whatever the class size."""
    rows = db.session.execute(
        select(Enrolment, User.display_name, Official.full_name, Official.employee_code, Unit.name_vi, Unit.name_en)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Official, Official.id == User.official_id).outerjoin(Unit, Unit.id == Official.unit_id)
        .where(Enrolment.class_id == course_class.id, Enrolment.status == EnrolmentStatus.active)
        .order_by(func.coalesce(Official.name_folded, User.display_name), Enrolment.id)).all()
    ids = [r[0].id for r in rows]
    counts: dict[int, dict[str, int]] = {i: {s.value: 0 for s in AttendanceStatus} for i in ids}
    if ids:
        for enrolment_id, status, n in db.session.execute(
                select(Attendance.enrolment_id, Attendance.status, func.count()).where(Attendance.enrolment_id.in_(ids))
                .group_by(Attendance.enrolment_id, Attendance.status)):
            counts[enrolment_id][status.value] = n
    last_ids = {r[0].last_activity_id for r in rows if r[0].last_activity_id}
    titles = {a.id: pick(a, "title")
              for a in db.session.scalars(select(Activity).where(Activity.id.in_(last_ids or {0})))}
    sessions = db.session.scalar(select(func.count()).select_from(ClassSession)
                                 .where(ClassSession.class_id == course_class.id)) or 0
    report = []
    for enrolment, display_name, full_name, code, unit_vi, unit_en in rows:
        unit = (unit_en if unit_en and locale_code() == "en" else unit_vi) or ""
        report.append(ReportRow(
            name=full_name or display_name, employee_code=code or "", unit=unit, progress=enrolment.progress or 0,
            last_activity=titles.get(enrolment.last_activity_id, ""), last_activity_at=enrolment.last_activity_at,
            attendance=counts.get(enrolment.id, {}), attendance_rate=enrolment.attendance_rate,
            completed_at=enrolment.completed_at, final_score=enrolment.final_score))
    return report, sessions


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def class_report_xlsx(course_class: CourseClass) -> bytes:
    rows, sessions = class_report(course_class)
    book = Book()
    sheet = book.sheet(course_class.code or "class")
    sheet.title(pick(course_class, "title"))
    sheet.line(_("Class code"), course_class.code, _("Class sessions"), sessions)
    sheet.line()
    sheet.header(_("Full name"), _("Employee code"), _("Unit"), _("Progress (%)"), _("Last activity"),
                 _("Last active"), _("Present"), _("Late"), _("Excused"), _("Absent"), _("Attendance (%)"),
                 _("Completed on"), _("Final score (%)"))
    for row in rows:
        sheet.row(row.name, row.employee_code, row.unit, _percent(row.progress), row.last_activity,
                  row.last_activity_at, row.attendance.get("present", 0), row.attendance.get("late", 0),
                  row.attendance.get("excused", 0), row.attendance.get("absent", 0), _percent(row.attendance_rate),
                  row.completed_at, _percent(row.final_score))
    return book.to_bytes()
