"""Unit managers granted in bulk (issue 16, point 3): the officials import's "manages unit" column, and the
accounts page's action that makes the heads of units (by position) managers of their units."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Grant, Official, Role, User
from lms.core.services.official_import import import_officials
from lms.core.services.unit_managers import is_head

HEADER = "Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Chức vụ,Quản lý đơn vị\n"


@pytest.fixture
def units(make_unit):
    province = make_unit("Tỉnh Sơn Hà", code="T01")
    return {"T01": province, "SNV": make_unit("Sở Nội vụ", code="SNV", parent=province),
            "STC": make_unit("Sở Tài chính", code="STC", parent=province)}


def run(text: str, **options):
    return import_officials(io.BytesIO(text.encode()), "ds.csv", **options)


def managed(code: str) -> set[int]:
    return set(db.session.scalars(select(Grant.unit_id).join(User, User.id == Grant.user_id)
                                  .join(Official, Official.id == User.official_id)
                                  .where(Official.employee_code == code, Grant.role == Role.unit_manager)))


def test_the_import_column_makes_managers_of_their_unit_or_of_the_named_one(app, units):
    report = run(HEADER + "CB1,An,SNV,công chức,Giám đốc,có\nCB2,Bình,SNV,công chức,,STC\n"
                          "CB3,Chi,SNV,công chức,,\nCB4,Dũng,STC,công chức,,không\n")
    assert report.applied and report.managers_granted == 2
    assert managed("CB1") == {units["SNV"].id} and managed("CB2") == {units["STC"].id}
    assert managed("CB3") == managed("CB4") == set()
    again = run(HEADER + "CB1,An,SNV,công chức,Giám đốc,yes\nCB2,Bình,SNV,công chức,,\n")
    assert again.managers_granted == 0 and managed("CB2") == {units["STC"].id}  # never taken away here


def test_an_unknown_unit_to_manage_is_a_problem_of_its_line(app, units):
    report = run(HEADER + "CB1,An,SNV,công chức,,có\nCB2,Bình,SNV,công chức,,NOPE\n")
    assert not report.applied and [(p.line, p.field) for p in report.problems] == [(3, "manages_unit")]
    assert db.session.scalar(select(Official).where(Official.employee_code == "CB1")) is None
    valid = run(HEADER + "CB1,An,SNV,công chức,,có\nCB2,Bình,SNV,công chức,,NOPE\n", valid_only=True)
    assert valid.applied and managed("CB1") == {units["SNV"].id}
    assert db.session.scalar(select(Official).where(Official.employee_code == "CB2")) is None


def test_an_official_who_has_left_is_made_manager_of_nothing(app, units):
    report = run("Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Ngày thôi việc,Quản lý đơn vị\n"
                 "CB1,An,SNV,công chức,01/01/2025,có\n")
    assert report.applied and report.managers_granted == 0 and managed("CB1") == set()


@pytest.mark.parametrize("position, head", [
    ("Giám đốc", True), ("Giám đốc Sở Nội vụ", True), ("GIÁM ĐỐC", True), ("Chủ tịch UBND xã", True),
    ("Phó Giám đốc", False), ("Phó Chủ tịch", False), ("Chuyên viên", False), ("", False),
    ("Giám đốcx", False)])
def test_a_head_is_named_by_the_opening_of_the_position(position, head):
    assert is_head(position, ("Giám đốc", "Chủ tịch")) is head


def test_the_bulk_action_makes_the_heads_of_a_subtree_managers(client, login, make_user, units):
    run(HEADER + "CB1,An,SNV,công chức,Giám đốc Sở Nội vụ,\nCB2,Bình,SNV,công chức,Phó Giám đốc,\n"
                 "CB3,Chi,STC,công chức,Giám đốc,\nCB4,Dũng,T01,cán bộ,Chủ tịch,\n")
    login(make_user(roles=["admin"]))
    response = client.post("/accounts/unit-heads", data={"unit_id": units["SNV"].id})
    assert response.status_code == 302
    assert managed("CB1") == {units["SNV"].id} and managed("CB2") == managed("CB3") == managed("CB4") == set()
    client.post("/accounts/unit-heads", data={"unit_id": ""})
    assert managed("CB3") == {units["STC"].id} and managed("CB4") == {units["T01"].id}
    assert managed("CB1") == {units["SNV"].id} and managed("CB2") == set()


def test_the_head_titles_are_a_setting(client, login, make_user, units, app):
    run(HEADER + "CB1,An,SNV,công chức,Trưởng phòng Tổ chức,\nCB2,Bình,SNV,công chức,Giám đốc,\n")
    login(make_user(roles=["admin"]))
    app.config["UNIT_HEAD_POSITIONS"], saved = ("Trưởng phòng",), app.config["UNIT_HEAD_POSITIONS"]
    try:
        client.post("/accounts/unit-heads", data={})
    finally:
        app.config["UNIT_HEAD_POSITIONS"] = saved
    assert managed("CB1") == {units["SNV"].id} and managed("CB2") == set()


def test_only_admins_run_the_bulk_action(client, login, make_user, units):
    run(HEADER + "CB1,An,SNV,công chức,Giám đốc,\n")
    login(make_user(roles=[(Role.unit_manager, {"unit_id": units["T01"].id})]))
    assert client.post("/accounts/unit-heads", data={}).status_code == 403
    assert managed("CB1") == set()


def test_the_cli_report_counts_the_managers_granted(app, runner, units, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + "CB1,An,SNV,công chức,Giám đốc,có\n", encoding="utf-8")
    result = runner.invoke(args=["import-officials", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["managers_granted"] == 1
    assert managed("CB1") == {units["SNV"].id}
