"""The register's search box matches %, _ and \\ literally; its workbook keeps hostile names as text."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from lms.core.db import db
from lms.core.models import Role

NAMES = ("Nguyễn Văn 50%", "Nguyễn Văn 500", "Lê x_y", "Lê xzy", "Trần C:\\Vân", "Trần C:Vân")


@pytest.fixture
def school_admin(make_user, school):
    return make_user(roles=[(Role.school_admin, {"school_id": school.id})], name="Đỗ Thị Hồng Nhung")


def test_register_search_matches_percent_underscore_and_backslash_literally(issue_class, school_admin, login):
    issue_class(names=NAMES)
    db.session.commit()
    client = login(school_admin)

    def found(term: str) -> set[str]:
        page = client.get("/certificates/register", query_string={"q": term}).get_data(as_text=True)
        return {name for name in NAMES if name in page}

    assert found("50%") == {"Nguyễn Văn 50%"}
    assert found("x_y") == {"Lê x_y"}
    assert found("c:\\van") == {"Trần C:\\Vân"}
    assert client.get("/certificates/register", query_string={"q": "%_" * 40000}).status_code == 200


def test_the_register_workbook_guards_every_leading_character(issue_class, school_admin, login):
    hostile = ("=HYPERLINK(\"x\")", "+cmd", "-2+3", "@SUM(A1)")
    issue_class(names=hostile)
    db.session.commit()
    response = login(school_admin).get("/certificates/register.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    names = {c.value: c for c in sheet["C"][1:]}
    assert set(names) == set(hostile) and all(c.quotePrefix for c in names.values())
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:R5"
    issued = sheet["L2"]
    assert isinstance(issued.value, datetime) and issued.number_format == "DD/MM/YYYY"
