"""Bulk import of units and officials: upsert by code, a report per row, all or nothing."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, OfficialKind, Unit
from lms.core.services.official_import import import_officials
from lms.core.services.org_import import import_units
from lms.core.services.tabular import FileUnreadable

HEADER = "employee_code,full_name,date_of_birth,unit_code,kind,position,email\n"


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def xlsx_file(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def units(make_unit):
    province = make_unit("Tỉnh Sơn Hà", code="T01")
    return {"T01": province, "SNV": make_unit("Sở Nội vụ", code="SNV", parent=province)}


def count_officials() -> int:
    return db.session.scalar(select(func.count(Official.id)))


def test_csv_upserts_by_employee_code(app, units):
    data = HEADER + ("CB1,Nguyễn Văn An,14/03/1985,SNV,công chức,Chuyên viên,an@x.vn\n"
                     "CB2,Lê Thị Hoa,1990-01-02,T01,viên chức,,\n")
    report = import_officials(csv_file(data), "ds.csv")
    assert report.ok and report.applied and (report.created, report.updated) == (2, 0)
    db.session.commit()
    again = import_officials(csv_file(data.replace("Chuyên viên", "Trưởng phòng")), "ds.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    db.session.commit()
    an = db.session.scalar(select(Official).where(Official.employee_code == "CB1"))
    assert an.position == "Trưởng phòng" and an.date_of_birth == date(1985, 3, 14)
    assert an.kind is OfficialKind.civil_servant and an.name_folded == "nguyen van an"


def test_vietnamese_headers_and_xlsx(app, units):
    report = import_officials(xlsx_file([
        ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Loại"],
        ["CB9", "Đặng Quốc Bảo", date(1979, 5, 6), "SNV", "Cán bộ"],
    ]), "ds.xlsx")
    assert report.ok, report.problems
    assert count_officials() == 1


def test_a_file_with_errors_changes_nothing_and_reports_each_row(app, units, make_official):
    existing = make_official("Phạm Văn Cũ", unit=units["SNV"], code="CB0")
    db.session.commit()
    data = HEADER + (
        "CB0,Phạm Văn Mới,01/01/1980,SNV,công chức,,\n"     # a valid update
        "CB1,Nguyễn Văn An,14/03/1985,NOPE,công chức,,\n"   # unknown unit
        "CB2,,14/03/1985,SNV,công chức,,\n"                 # no name
        "CB3,Lê Văn C,31/02/1985,SNV,công chức,,\n"         # not a date
        "CB3,Lê Văn D,01/02/1985,SNV,thợ mộc,,x\n"          # duplicate code, bad kind, bad e-mail
        "CB5,=HYPERLINK(\"http://evil\"),01/02/1985,SNV,công chức,,\n"  # formula
    )
    report = import_officials(csv_file(data), "ds.csv")
    assert not report.applied
    problems = {(p.line, p.field) for p in report.problems}
    assert {(3, "unit_code"), (4, "full_name"), (5, "date_of_birth"), (6, "employee_code"), (6, "kind"),
            (6, "email"), (7, "full_name")} <= problems
    db.session.rollback()
    assert db.session.get(Official, existing.id).full_name == "Phạm Văn Cũ"
    assert count_officials() == 1


def test_valid_rows_only_when_asked(app, units):
    data = HEADER + "CB1,Nguyễn Văn An,14/03/1985,SNV,công chức,,\nCB2,Lê B,14/03/1985,NOPE,công chức,,\n"
    report = import_officials(csv_file(data), "ds.csv", valid_only=True)
    assert report.applied and report.created == 1 and report.skipped == 1
    assert [p.line for p in report.problems] == [3]


def test_xlsx_formula_cells_are_refused_not_evaluated(app, units):
    report = import_officials(xlsx_file([
        ["employee_code", "full_name", "unit_code", "kind"],
        ["CB1", '=HYPERLINK("http://evil.example","Bấm vào")', "SNV", "công chức"],
    ]), "ds.xlsx")
    assert not report.applied
    assert report.problems[0].field == "full_name" and "công thức" in str(report.problems[0].message)


def test_missing_columns_are_named(app, units):
    report = import_officials(csv_file("employee_code,full_name\nCB1,A\n"), "ds.csv")
    assert not report.applied
    assert {p.field for p in report.problems} == {"unit_code", "kind"}


def test_wrong_encoding_gets_a_clear_message(app, units):
    with pytest.raises(FileUnreadable, match="UTF-8"):
        # Windows' Vietnamese code page keeps tone marks as combining characters (Đặng = Đ ă ◌̣ ng).
        legacy = HEADER + "CB1,\u0110\u0103\u0323ng V\u0103n An,,SNV,c\u00f4ng ch\u01b0\u0301c,,\n"
        import_officials(csv_file(legacy, "cp1258"), "ds.csv")


def test_not_a_spreadsheet(app, units):
    with pytest.raises(FileUnreadable):
        import_officials(io.BytesIO(b"PK\x03\x04garbage"), "ds.xlsx")
    with pytest.raises(FileUnreadable):
        import_officials(io.BytesIO(b"%PDF-1.4"), "ds.pdf")


def test_units_with_parents_defined_later_in_the_file_and_successors(app):
    data = ("code,name_vi,level,parent_code,valid_to,successor_code\n"
            "X-TP,Xã Tân Phú,xã,T01,,\n"
            "T01,Tỉnh Sơn Hà,tỉnh,,,\n"
            "H-TP,Huyện Tân Phú,huyện,T01,30/06/2025,X-TP\n")
    report = import_units(csv_file(data), "units.csv")
    assert report.ok and report.created == 3
    db.session.commit()
    by_code = {u.code: u for u in db.session.scalars(select(Unit))}
    assert by_code["X-TP"].path == f"/{by_code['T01'].id}/{by_code['X-TP'].id}/"
    assert by_code["H-TP"].successor_id == by_code["X-TP"].id
    assert by_code["H-TP"].valid_to == date(2025, 6, 30)


def test_units_unknown_parent_changes_nothing(app):
    report = import_units(csv_file("code,name_vi,level,parent_code\nA,Đơn vị A,tỉnh,ZZZ\n"), "u.csv")
    assert not report.applied and report.problems[0].field == "parent_code"
    assert db.session.scalar(select(func.count(Unit.id))) == 0


def test_cli_json_report_and_exit_code(app, runner, units, tmp_path):
    db.session.commit()
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "CB1,Nguyễn Văn An,14/03/1985,SNV,công chức,,\n", encoding="utf-8")
    result = runner.invoke(args=["import-officials", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "CB2,Lê Văn B,14/03/1985,NOPE,công chức,,\n", encoding="utf-8")
    result = runner.invoke(args=["import-officials", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["applied"] is False and report["problems"][0]["line"] == 2


def test_import_page_offers_the_valid_rows(client, login, make_user, units):
    admin = make_user("admin@x.vn", roles=["admin"])
    login(admin)
    data = HEADER + "CB1,Nguyễn Văn An,14/03/1985,SNV,công chức,,\nCB2,Lê B,14/03/1985,NOPE,công chức,,\n"
    response = client.post("/org/import/officials", data={"file": (io.BytesIO(data.encode()), "ds.csv")},
                           content_type="multipart/form-data")
    page = response.data.decode()
    assert "Tệp có 1 lỗi" in page and "NOPE" in page and count_officials() == 0
    response = client.post("/org/import/officials", data={"action": "valid-only"})
    assert response.status_code == 200 and count_officials() == 1
