"""NUL characters, which PostgreSQL refuses in text, are taken out of what is stored: an import or a form
carrying one saves, on both databases, instead of failing with a server error."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Official, Unit
from lms.core.services.official_import import import_officials
from lms.core.text import storable
from tests.core.test_org_import import HEADER, csv_file, units  # noqa: F401  (the fixture)


def test_storable_takes_nul_out_of_nested_values():
    assert storable({"a\x00": ["x\x00y", 3, {"k": "\x00"}]}) == {"a": ["xy", 3, {"k": ""}]}
    assert storable("plain") == "plain" and storable(None) is None


def test_an_orm_write_with_a_nul_is_stored_without_it(app, make_unit):
    unit = make_unit("Sở\x00 Nội vụ", code="NUL1")
    unit.name_en = "Home\x00 Affairs"
    db.session.flush()
    db.session.expire_all()
    stored = db.session.get(Unit, unit.id)
    assert (stored.name_vi, stored.name_en) == ("Sở Nội vụ", "Home Affairs")


def test_an_officials_file_with_a_nul_imports(app, units):  # noqa: F811
    report = import_officials(csv_file(HEADER + "CB9,Nguyễn\x00 Văn Chín,14/03/1985,SNV,công chức,Chuyên\x00 viên,\n"),
                              "ds.csv")
    assert report.ok and report.applied, report
    db.session.flush()
    nine = db.session.scalar(select(Official).where(Official.employee_code == "CB9"))
    assert (nine.full_name, nine.position) == ("Nguyễn Văn Chín", "Chuyên viên")
