"""The records workbooks (who is behind, the provincial report, the outside template) keep hostile text as text."""
from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from lms.core.db import db
from lms.core.models import Role, UnitLevel
from lms.records import requirements as rq

HOSTILE = '=HYPERLINK("http://x.example","Xem")'


def formulas(book) -> list[str]:
    return [f"{sheet.title}!{c.coordinate}" for sheet in book.worksheets for row in sheet.iter_rows() for c in row
            if c.data_type == "f"]


def test_who_is_behind_keeps_a_hostile_name_as_text(make_unit, make_official, make_user, login, issue):
    top = make_unit("+Tỉnh Sơn Hà", level=UnitLevel.province)
    person = make_official(HOSTILE, unit=top, code="-CB01")
    issue(person, periods=4, on=date(2024, 3, 1))
    forty = rq.save_requirement(rq.RequirementInput(name_vi="@40 tiết", year_from=2024, min_periods=40, active=True))
    db.session.commit()
    client = login(make_user(roles=[(Role.unit_manager, {"unit_id": top.id})]))
    response = client.get(f"/records/dashboard/behind.xlsx?unit={top.id}&year=2024&requirement={forty.id}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert not formulas(book)
    sheet = book.worksheets[0]
    assert (sheet["A6"].value, sheet["B6"].value, sheet["C6"].value) == ("-CB01", HOSTILE, "+Tỉnh Sơn Hà")
    assert sheet["A6"].quotePrefix and sheet["B6"].quotePrefix and sheet["F6"].value == 4
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref == "A5:H6"


def test_the_provincial_report_keeps_a_hostile_unit_name_as_text(make_unit, make_official, make_user, login, issue):
    top = make_unit("=Tỉnh Sơn Hà", level=UnitLevel.province)
    child = make_unit("+cmd|' /C calc'!A0", parent=top, code="@U1")
    issue(make_official("Nguyễn Văn An", unit=child), periods=8, on=date(2025, 3, 1))
    db.session.commit()
    client = login(make_user(roles=[(Role.unit_manager, {"unit_id": top.id})]))
    response = client.get(f"/records/report.xlsx?unit={top.id}&year=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert not formulas(book)
    texts = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.quotePrefix}
    assert {"+cmd|' /C calc'!A0", "@U1"} <= texts


def test_the_outside_template_has_a_frozen_header_and_a_real_date(make_school, make_user, login):
    school = make_school("Trung tâm Bồi dưỡng")
    client = login(make_user(roles=[(Role.school_admin, {"school_id": school.id})]))
    response = client.get("/records/outside/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "Mã cán bộ" and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet["G2"].value == datetime(2025, 3, 15) and sheet["G2"].number_format == "DD/MM/YYYY"
