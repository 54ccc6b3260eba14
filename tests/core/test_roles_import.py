"""Lecturers and school administrators from a file (issue 16, point 3): by employee code or e-mail, a report by
line, all or nothing or the valid lines on request; `lms import-roles` and the import page."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import AuditEntry, Grant, Role
from lms.core.services.role_import import import_roles

HEADER = "Tài khoản,Vai trò,Mã trường\n"


@pytest.fixture
def world(make_school, make_official, make_user):
    school = make_school("Trường Chính trị tỉnh", code="TCT")
    other = make_school("Trường Cao đẳng", code="TCD")
    official = make_official("Lê Thị Hoa", code="CB100")
    return {"school": school, "other": other,
            "official": make_user("hoa@sonha.gov.vn", official=official),
            "teacher": make_user("thay.binh@sonha.gov.vn")}


def run(text: str, filename: str = "vai-tro.csv", **options):
    data = text.encode() if isinstance(text, str) else text
    return import_roles(io.BytesIO(data), filename, **options)


def grants(user) -> set[tuple[Role, int]]:
    return set(db.session.execute(select(Grant.role, Grant.school_id).where(Grant.user_id == user.id)).all())


def test_roles_are_granted_by_employee_code_or_e_mail_in_any_case(app, world):
    report = run(HEADER + "CB100,Giảng viên,TCT\nTHAY.BINH@sonha.gov.vn,quản trị trường,TCT\n"
                          "thay.binh@sonha.gov.vn,lecturer,TCD\n")
    assert report.applied and (report.created, report.skipped) == (3, 0)
    school, other = world["school"].id, world["other"].id
    assert grants(world["official"]) == {(Role.lecturer, school)}
    assert grants(world["teacher"]) == {(Role.school_admin, school), (Role.lecturer, other)}
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "roles.imported")) == 1


def test_importing_again_changes_nothing(app, world):
    run(HEADER + "CB100,lecturer,TCT\n")
    report = run(HEADER + "CB100,lecturer,TCT\nCB100,giảng viên,TCT\n")
    assert (report.created, report.unchanged) == (0, 2)
    assert db.session.scalar(select(func.count(Grant.id)).where(Grant.user_id == world["official"].id)) == 1


def test_problems_are_reported_by_line_and_change_nothing(app, world):
    report = run(HEADER + "CB100,lecturer,TCT\nCB999,lecturer,TCT\nCB100,admin,TCT\nCB100,lecturer,NOPE\n"
                          ",lecturer,TCT\n=1+1,lecturer,TCT\n")
    assert not report.applied
    assert [(p.line, p.field) for p in report.problems] == [
        (3, "account"), (4, "role"), (5, "school_code"), (6, "account"), (7, "account")]
    assert "Không có tài khoản nào đăng nhập bằng CB999" in str(report.problems[0].message)
    assert grants(world["official"]) == set()


def test_the_valid_lines_on_request(app, world):
    report = run(HEADER + "CB100,lecturer,TCT\nCB999,lecturer,TCT\n", valid_only=True)
    assert report.applied and (report.created, report.skipped) == (1, 1)
    assert grants(world["official"]) == {(Role.lecturer, world["school"].id)}


def test_a_file_without_its_columns_is_refused(app, world):
    report = run("Tài khoản,Vai trò\nCB100,lecturer\n")
    assert not report.applied and [(p.line, p.field) for p in report.problems] == [(1, "school_code")]


def test_an_xlsx_file(app, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã cán bộ", "Vai trò", "Mã trường"])
    sheet.append(["CB100", "Quản trị cơ sở đào tạo", "TCD"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(buffer.getvalue(), "vai-tro.xlsx")
    assert report.applied and grants(world["official"]) == {(Role.school_admin, world["other"].id)}


def test_cli_with_json_report(app, runner, world, tmp_path):
    db.session.commit()  # the world outlives the refused run's rollback, as committed data would
    path = tmp_path / "vai-tro.csv"
    path.write_text(HEADER + "CB100,lecturer,TCT\nCB999,lecturer,TCT\n", encoding="utf-8")
    refused = runner.invoke(args=["import-roles", str(path), "--json"])
    assert refused.exit_code != 0
    assert [(p["line"], p["field"]) for p in json.loads(refused.output)["problems"]] == [(3, "account")]
    assert grants(world["official"]) == set()
    result = runner.invoke(args=["import-roles", str(path), "--json", "--valid-only"])
    assert result.exit_code == 0 and json.loads(result.output)["created"] == 1
    assert grants(world["official"]) == {(Role.lecturer, world["school"].id)}


def test_the_import_page(client, login, make_user, world):
    login(make_user(roles=["admin"]))
    assert "Nhập giảng viên và quản trị trường" in client.get("/org/import/roles").get_data(as_text=True)
    refused = client.post("/org/import/roles", data={
        "file": (io.BytesIO((HEADER + "CB100,lecturer,TCT\nCB999,lecturer,TCT\n").encode()), "vai-tro.csv")})
    assert "Nhập 1 dòng hợp lệ" in refused.get_data(as_text=True) and grants(world["official"]) == set()
    client.post("/org/import/roles", data={"action": "valid-only"})
    assert grants(world["official"]) == {(Role.lecturer, world["school"].id)}


def test_only_admins_import_roles(client, login, make_user, world):
    login(make_user(roles=[(Role.school_admin, {"school_id": world["school"].id})]))
    assert client.get("/org/import/roles").status_code == 403
