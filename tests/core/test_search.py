"""The one LIKE escaper: %, _ and \\ typed in a search box match themselves, on every core search page."""
from __future__ import annotations

from lms.core.db import db
from lms.core.models import UnitLevel
from lms.core.search import MAX_TERM_LENGTH, bounded, escape_like

LONG = "%_\\" * 30000  # past SQLite's 50,000-byte limit on LIKE patterns


def test_escape_like_and_bounded():
    assert escape_like("50%_a\\b") == "50\\%\\_a\\\\b"
    assert escape_like("Nguyễn Văn An") == "Nguyễn Văn An"
    assert bounded("  " + "x" * 500 + "  ") == "x" * MAX_TERM_LENGTH
    assert bounded(None) == ""


def found(client, url: str, term: str, names) -> set[str]:
    page = client.get(url, query_string={"q": term}).get_data(as_text=True)
    return {name for name in names if name in page}


def test_admin_user_search_matches_percent_underscore_and_backslash_literally(client, login, make_user):
    names = ("Tổ 50% thời gian", "Tổ 500 người", "Nhóm x_y", "Nhóm xzy", "Thư mục C:\\Vân", "Thư mục C:Vân")
    for n, name in enumerate(names):
        make_user(f"nguoi{n}@example.vn", name=name)
    login(make_user("root@example.vn", roles=["admin"], name="Quản trị"))
    db.session.commit()
    assert found(client, "/admin/users", "50%", names) == {"Tổ 50% thời gian"}
    assert found(client, "/admin/users", "x_y", names) == {"Nhóm x_y"}
    assert found(client, "/admin/users", "C:\\V", names) == {"Thư mục C:\\Vân"}
    assert found(client, "/admin/users", "%", names) == {"Tổ 50% thời gian"}
    assert client.get("/admin/users", query_string={"q": LONG}).status_code == 200


def test_officials_and_units_search_matches_percent_and_underscore_literally(client, login, make_user, make_unit,
                                                                             make_official):
    top = make_unit("Tỉnh Sơn Hà", level=UnitLevel.province, code="T01")
    units = ("Ban 50% cải cách", "Ban 500 ngày", "Tổ x_y", "Tổ xzy")
    for n, name in enumerate(units):
        make_official(f"Cán bộ {name}", unit=make_unit(name, parent=top, code=f"U{n}"))
    login(make_user(roles=["admin"]))
    db.session.commit()
    assert found(client, "/org/units", "50%", units) == {"Ban 50% cải cách"}
    assert found(client, "/org/units", "x_y", units) == {"Tổ x_y"}
    people = tuple(f"Cán bộ {name}" for name in units)
    assert found(client, "/org/officials", "50%", people) == {"Cán bộ Ban 50% cải cách"}
    assert found(client, "/org/officials", "x_y", people) == {"Cán bộ Tổ x_y"}
    for url in ("/org/units", "/org/officials"):
        assert client.get(url, query_string={"q": LONG}).status_code == 200
