"""Unit and official files past the limits, or with values longer than their columns: a message per row or
for the file, no row written and nothing stored, on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, StoredFile, Unit
from lms.core.services.official_import import import_officials
from lms.core.services.org_import import import_units
from tests.limits_support import lying_zip, stored_files

OFFICIALS = "employee_code,full_name,date_of_birth,unit_code,kind,position,rank\n"


@pytest.fixture
def admin(client, login, make_user, make_unit):
    make_unit("Tỉnh Sơn Hà", code="T01")
    login(make_user(roles=["admin"]))
    return client


def _state() -> tuple:
    rows = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Official, Unit, StoredFile))
    return rows, stored_files()


def test_values_longer_than_their_columns_are_problems_of_their_rows(app, make_unit):
    make_unit("Tỉnh Sơn Hà", code="T01")
    before = _state()
    text = OFFICIALS + "CB1,Lê Văn A,01/02/1980,T01,cadre," + "p" * 201 + ",Chuyên viên\n"
    report = import_officials(io.BytesIO(text.encode()), "ds.csv")
    assert [(p.line, p.field) for p in report.problems] == [(2, "position")]
    units = "code,name_vi,level\n" + "X" * 41 + ",Xã thử,commune\n"
    report = import_units(io.BytesIO(units.encode()), "dv.csv")
    assert [(p.line, p.field) for p in report.problems] == [(2, "code")]
    db.session.flush()
    assert _state() == before


def test_files_past_the_limits_are_refused_with_a_message_and_change_nothing(admin, app):
    app.config["IMPORT_MAX_ROWS"] = 2
    before = _state()
    row = "CB{n},Lê Văn A,01/02/1980,T01,cadre,Chuyên viên,Chuyên viên\n"
    files = {"nhieu.csv": (OFFICIALS + "".join(row.format(n=n) for n in range(3))).encode(),
             "dai.csv": (OFFICIALS + row.format(n=1).replace("Lê Văn A", "a" * 100_001)).encode(),
             "bom.xlsx": lying_zip({"[Content_Types].xml": 100, "xl/worksheets/sheet1.xml": 300 * 1024 * 1024})}
    for name, data in files.items():
        page = admin.post("/org/import/officials", data={"file": (io.BytesIO(data), name)}).get_data(as_text=True)
        assert any(text in page for text in ("hơn 2 dòng", "100000", "200 MB")), name
        assert _state() == before, name
