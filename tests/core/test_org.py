"""Units as a tree, merges, search without diacritics, and who may see which official."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, Role, Unit
from lms.core.permissions import may_see_official, official_visibility
from lms.core.services.org import current_successor, merge_units, search_officials_condition, set_parent


def names(condition) -> list[str]:
    return sorted(db.session.scalars(select(Official.full_name).where(condition)))


def test_search_ignores_diacritics_and_case(app, make_official):
    for name in ("Nguyễn Văn A", "NGUYỄN THỊ BÍCH", "Đặng Quốc Bảo", "Nguyen Van Anh", "Trần Đức Nguyên"):
        make_official(name)
    assert names(search_officials_condition("nguyen van a")) == ["Nguyen Van Anh", "Nguyễn Văn A"]
    assert names(search_officials_condition("dang quoc")) == ["Đặng Quốc Bảo"]
    assert names(search_officials_condition("Đặng")) == ["Đặng Quốc Bảo"]
    assert names(search_officials_condition("  bich ")) == ["NGUYỄN THỊ BÍCH"]
    assert names(search_officials_condition("100%_")) == []


def test_search_decomposed_input_matches_composed_names(app, make_official):
    make_official("Nguyễn Văn A")
    decomposed = "Nguye\u0302\u0303n"  # typed on a keyboard that sends combining marks
    assert names(search_officials_condition(decomposed)) == ["Nguyễn Văn A"]


def test_moving_a_unit_moves_its_subtree(app, make_unit):
    province = make_unit("Tỉnh", code="T")
    department = make_unit("Sở", code="S", parent=province)
    office = make_unit("Phòng", code="P", parent=department)
    other = make_unit("Tỉnh khác", code="T2")
    set_parent(department, other)
    db.session.flush()
    db.session.refresh(office)
    assert office.path == f"/{other.id}/{department.id}/{office.id}/"
    try:
        set_parent(other, office)
    except DomainError as error:
        assert "cấp dưới" in str(error)
    else:
        raise AssertionError("a cycle was allowed")


def test_merge_moves_officials_and_keeps_history(app, make_unit, make_official, recorded_events):
    province = make_unit("Tỉnh", code="T")
    district = make_unit("Huyện Tân Phú", code="H", parent=province)
    commune = make_unit("Xã Tân Phú", code="X", parent=province)
    person = make_official("Lê Văn Bình", unit=district)
    merge_units([district], commune, date(2025, 7, 1), reason="Nghị quyết sắp xếp đơn vị hành chính")
    assert db.session.get(Official, person.id).unit_id == commune.id
    assert district.valid_to == date(2025, 6, 30) and district.name_vi == "Huyện Tân Phú"
    assert current_successor(district).id == commune.id
    assert recorded_events[-1][0] == "units_merged"


def test_visibility_follows_grants(app, make_unit, make_official, make_user):
    province = make_unit("Tỉnh", code="T")
    department = make_unit("Sở", code="S", parent=province)
    commune = make_unit("Xã", code="X", parent=province)
    in_department = make_official("Người A", unit=department)
    in_commune = make_official("Người B", unit=commune)
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": department.id})])
    self_user = make_user(official=in_commune)
    admin = make_user(roles=["admin"])
    assert may_see_official(manager, in_department) and not may_see_official(manager, in_commune)
    assert may_see_official(self_user, in_commune) and not may_see_official(self_user, in_department)
    assert may_see_official(admin, in_commune)
    assert names(official_visibility(manager)) == ["Người A"]
    assert names(official_visibility(self_user)) == ["Người B"]
    assert len(names(official_visibility(admin))) == 2


def test_officials_page_is_scoped_and_searchable(client, login, make_unit, make_official, make_user, count_queries):
    province = make_unit("Tỉnh", code="T")
    mine = make_unit("Sở Nội vụ", code="S", parent=province)
    theirs = make_unit("Xã", code="X", parent=province)
    make_official("Nguyễn Thị Hường", unit=mine)
    make_official("Nguyễn Văn Khác", unit=theirs)
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": mine.id})])
    login(manager)
    page = client.get("/org/officials?q=nguyen").data.decode()
    assert "Nguyễn Thị Hường" in page and "Nguyễn Văn Khác" not in page
    other = db.session.scalar(select(Official).where(Official.full_name == "Nguyễn Văn Khác"))
    assert client.get(f"/org/officials/{other.id}").status_code == 404
    for n in range(30):
        make_official(f"Trần Văn {n}", unit=mine)
    db.session.commit()
    with count_queries() as few:
        client.get("/org/officials")
    for n in range(60):
        make_official(f"Lê Văn {n}", unit=mine)
    db.session.commit()
    with count_queries() as many:
        client.get("/org/officials")
    assert many.count == few.count


def test_admin_pages_need_admin(client, login, make_user):
    login(make_user(roles=[(Role.unit_manager, {})]))
    for url in ("/admin/", "/admin/users", "/admin/schools", "/org/import/officials", "/org/units/new"):
        assert client.get(url).status_code == 403, url


def test_admin_creates_unit_and_merges_it(client, login, make_user, make_unit):
    province = make_unit("Tỉnh", code="T")
    target = make_unit("Xã Mới", code="XM", parent=province)
    login(make_user(roles=["admin"]))
    response = client.post("/org/units/new", data={"code": "XC", "name_vi": "Xã Cũ", "level": "commune",
                                                   "parent_id": province.id})
    assert response.status_code == 302
    old = db.session.scalar(select(Unit).where(Unit.code == "XC"))
    assert old.path == f"/{province.id}/{old.id}/"
    response = client.post(f"/org/units/{old.id}/merge", data={"merge-successor_id": target.id,
                                                               "merge-effective_on": "2025-07-01"})
    assert response.status_code == 302
    db.session.refresh(old)
    assert old.successor_id == target.id and old.valid_to == date(2025, 6, 30)


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_language_switch_and_dates(client, make_official):
    response = client.post("/lang", data={"lang": "en", "next": "/login"})
    assert response.location == "/login"
    assert b"Log in" in client.get("/login").data
    client.post("/lang", data={"lang": "vi", "next": "https://evil.example/"})
    assert "Đăng nhập".encode() in client.get("/").data


def test_admin_edits_an_official_and_the_qualification_shows(client, login, make_user, make_official, make_unit):
    unit = make_unit("Sở Y tế", code="SYT")
    person = make_official("Nguyễn Thị Ngọc Hường", unit=unit, code="CB777")
    login(make_user(roles=["admin"]))
    response = client.post(f"/org/officials/{person.id}/edit", data={
        "employee_code": "CB777", "full_name": "Nguyễn Thị Ngọc Hường", "date_of_birth": "1980-02-29",
        "unit_id": unit.id, "kind": "cadre", "political_theory_level": "intermediate",
        "political_theory_school": "Trường Chính trị tỉnh", "political_theory_year": "2019"})
    assert response.status_code == 302
    page = client.get(f"/org/officials/{person.id}").data.decode()
    assert "Trung cấp" in page and "29/02/1980" in page and "2019" in page
    duplicate = client.post("/org/officials/new", data={"employee_code": "CB777", "full_name": "Người Khác",
                                                         "unit_id": unit.id, "kind": "cadre"})
    assert "đã có cán bộ khác" in duplicate.data.decode() or "Mã cán bộ này" in duplicate.data.decode()


def test_an_official_added_or_edited_by_hand_has_an_account_that_follows_them(client, login, make_user, make_unit,
                                                                             make_official):
    from lms.core.models import User
    from lms.core.models.accounts import UNUSABLE_PASSWORD
    unit = make_unit("Sở Y tế", code="SYT")
    make_user("dalay@syt.gov.vn", name="Người đã có tài khoản")
    login(make_user(roles=["admin"]))
    fields = {"employee_code": "CB880", "full_name": "Đặng Văn Tám", "unit_id": unit.id, "kind": "cadre"}
    assert client.post("/org/officials/new", data={**fields, "email": "tam@syt.gov.vn"}).status_code == 302
    account = db.session.scalar(select(User).where(User.login_code == "CB880"))
    assert (account.email, account.display_name, account.password_hash) == ("tam@syt.gov.vn", "Đặng Văn Tám",
                                                                             UNUSABLE_PASSWORD)
    official_id = account.official_id
    client.post(f"/org/officials/{official_id}/edit", data={**fields, "full_name": "Đặng Văn Tâm",
                                                            "email": "TAM.DANG@syt.gov.vn"})
    db.session.expire_all()
    assert (account.email, account.display_name) == ("tam.dang@syt.gov.vn", "Đặng Văn Tâm")
    # Another account's e-mail is refused, and nothing of the edit is kept.
    taken = client.post(f"/org/officials/{official_id}/edit", data={**fields, "email": "dalay@syt.gov.vn"})
    assert "Một tài khoản khác đã đăng nhập bằng mã cán bộ hoặc e-mail này." in taken.get_data(as_text=True)
    db.session.expire_all()
    assert account.email == "tam.dang@syt.gov.vn" and account.official.email == "TAM.DANG@syt.gov.vn"
