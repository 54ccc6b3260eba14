"""Class reports for lecturers and schools: the page and its XLSX export."""
from __future__ import annotations

from flask import Response, render_template
from flask_login import login_required

from lms.core.xlsx import XLSX_MIMETYPE
from lms.courses.services.reports import class_report, class_report_xlsx
from lms.courses.views import bp
from lms.courses.views.classes import _teaching


@bp.get("/classes/<int:class_id>/report")
@login_required
def class_report_page(class_id: int):
    course_class = _teaching(class_id)
    rows, sessions = class_report(course_class)
    return render_template("courses/classes/report.html", course_class=course_class, rows=rows, sessions=sessions)


@bp.get("/classes/<int:class_id>/report.xlsx")
@login_required
def class_report_download(class_id: int):
    course_class = _teaching(class_id)
    return Response(class_report_xlsx(course_class), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="{course_class.code}-report.xlsx"'})
