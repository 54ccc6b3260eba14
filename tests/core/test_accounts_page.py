"""The accounts page (issue 16, point 3): each role sees its own scope; search, filters by unit, role and state;
bulk deactivation and reactivation (never deletion); the filtered list as XLSX."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, Role, User
from lms.core.models.accounts import UNUSABLE_PASSWORD, UserSession


@pytest.fixture
def world(make_unit, make_official, make_user, make_school):
    province = make_unit("Tỉnh Sơn Hà", code="T01")
    home = make_unit("Sở Nội vụ", code="SNV", parent=province)
    office = make_unit("Phòng Tổ chức", code="PTC", parent=home)
    away = make_unit("Sở Tài chính", code="STC", parent=province)
    school, other_school = make_school("Trường Chính trị", code="TCT"), make_school("Trường Cao đẳng", code="TCD")
    people = {
        "an": make_user("an@sonha.gov.vn", name="Nguyễn Văn An", official=make_official("Nguyễn Văn An", unit=home,
                                                                                       code="CB001")),
        "binh": make_user(None, name="Trần Thị Bình", official=make_official("Trần Thị Bình", unit=office,
                                                                             code="CB002")),
        "chi": make_user("chi@sonha.gov.vn", name="Lê Minh Chi", official=make_official("Lê Minh Chi", unit=away,
                                                                                       code="CB003")),
        "giang": make_user("giang@truong.edu.vn", name="Phạm Giang", roles=[(Role.lecturer, {"school_id": school.id})]),
        "dao": make_user("dao@truong.edu.vn", name="Võ Đào", roles=[(Role.lecturer, {"school_id": other_school.id})]),
    }
    people["binh"].password_hash, people["binh"].password_set_at = UNUSABLE_PASSWORD, None  # never activated
    viewers = {
        "admin": make_user("admin@sonha.gov.vn", name="Quản trị", roles=["admin"]),
        "unit_manager": make_user("quanly@sonha.gov.vn", name="Quản lý Sở", roles=[(Role.unit_manager,
                                                                                   {"unit_id": home.id})]),
        "school_admin": make_user("truong@truong.edu.vn", name="Quản trị trường",
                                  roles=[(Role.school_admin, {"school_id": school.id})]),
        "lecturer": people["giang"], "official": people["an"],
    }
    db.session.flush()
    return {"units": {"T01": province, "SNV": home, "PTC": office, "STC": away}, "people": people,
            "viewers": viewers}


PEOPLE = {"an": "Nguyễn Văn An", "binh": "Trần Thị Bình", "chi": "Lê Minh Chi", "giang": "Phạm Giang",
          "dao": "Võ Đào"}


def listed(client, **args) -> set[str]:
    response = client.get("/accounts/", query_string=args)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return {key for key, name in PEOPLE.items() if name in page}


@pytest.mark.parametrize("role, sees", [
    ("admin", {"an", "binh", "chi", "giang", "dao"}),
    ("unit_manager", {"an", "binh"}),  # the officials of their unit and the units below it
    ("school_admin", {"giang"}),  # the accounts holding a role at their school
])
def test_each_role_sees_its_own_scope(client, login, world, role, sees):
    login(world["viewers"][role])
    assert listed(client) == sees


@pytest.mark.parametrize("role", ["lecturer", "official"])
def test_lecturers_and_officials_are_refused(client, login, world, role):
    login(world["viewers"][role])
    assert client.get("/accounts/").status_code == 403
    assert client.get("/accounts/export.xlsx").status_code == 403
    target = world["people"]["chi"]
    assert client.post("/accounts/switch", data={"user_ids": [target.id], "action": "deactivate"}).status_code == 403
    assert target.active


def test_search_by_name_code_or_e_mail(client, login, world):
    login(world["viewers"]["admin"])
    assert listed(client, q="trần thị") == {"binh"}
    assert listed(client, q="CB003") == {"chi"}
    assert listed(client, q="truong.edu") == {"giang", "dao"}
    assert listed(client, q="%") == set()  # LIKE's own characters are matched literally


def test_filters_by_unit_subtree_role_and_state(client, login, world):
    login(world["viewers"]["admin"])
    units, people = world["units"], world["people"]
    assert listed(client, unit=units["SNV"].id) == {"an", "binh"}
    assert listed(client, unit=units["PTC"].id) == {"binh"}
    assert listed(client, role="lecturer") == {"giang", "dao"}
    assert listed(client, role="official") == {"an", "binh", "chi"}
    assert listed(client, state="not_activated") == {"binh"}
    people["chi"].active = False
    db.session.commit()
    assert listed(client, state="deactivated") == {"chi"}
    assert listed(client, state="active") == {"an", "giang", "dao"}
    assert listed(client, role="official", state="active", unit=units["T01"].id) == {"an"}
    assert listed(client, role="nonsense", state="nonsense") == set(PEOPLE)  # an unknown choice filters nothing


def test_a_unit_manager_cannot_filter_by_a_unit_outside_their_scope(client, login, world):
    login(world["viewers"]["unit_manager"])
    page = client.get("/accounts/", query_string={"unit": world["units"]["STC"].id}).get_data(as_text=True)
    assert "Sở Tài chính" not in page and "Lê Minh Chi" not in page


def sessions_of(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_bulk_deactivation_ends_sessions_and_reactivation_restores_access(app, client, login, world):
    people = world["people"]
    an_client = app.test_client()
    an_client.post("/login", data={"identifier": "CB001", "password": "correct horse"})
    assert sessions_of(people["an"]) == 1
    login(world["viewers"]["admin"])
    response = client.post("/accounts/switch?state=active", data={
        "user_ids": [people["an"].id, people["giang"].id], "action": "deactivate"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/accounts/?state=active")
    db.session.expire_all()
    assert not people["an"].active and not people["giang"].active and sessions_of(people["an"]) == 0
    assert an_client.get("/account/password").status_code == 302  # the copied session is gone
    assert db.session.get(Official, people["an"].official_id).active  # the official stays, and nothing is deleted
    client.post("/accounts/switch", data={"user_ids": [people["an"].id], "action": "reactivate"})
    db.session.expire_all()
    assert people["an"].active and people["an"].check_password("correct horse")  # the same password works again
    assert an_client.post("/login", data={"identifier": "CB001", "password": "correct horse"}).status_code == 302


def test_an_official_who_has_left_comes_back_through_the_import_only(client, login, world):
    chi = world["people"]["chi"]
    chi.active = False
    db.session.get(Official, chi.official_id).active = False
    login(world["viewers"]["admin"])
    response = client.post("/accounts/switch", data={"user_ids": [chi.id], "action": "reactivate"},
                           follow_redirects=True)
    assert "thôi việc" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not chi.active


@pytest.mark.parametrize("role, kept", [("unit_manager", "chi"), ("school_admin", "dao")])
def test_accounts_outside_the_scope_are_left_as_they_are(client, login, world, role, kept):
    people = world["people"]
    login(world["viewers"][role])
    client.post("/accounts/switch", data={"user_ids": [people[kept].id], "action": "deactivate"})
    db.session.expire_all()
    assert people[kept].active


def test_nobody_switches_their_own_account_off(client, login, world):
    viewer = world["viewers"]["admin"]
    login(viewer)
    client.post("/accounts/switch", data={"user_ids": [viewer.id], "action": "deactivate"})
    db.session.expire_all()
    assert viewer.active


def exported(client, **args) -> list[tuple]:
    response = client.get("/accounts/export.xlsx", query_string=args)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return [row for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_the_filtered_list_within_the_scope(client, login, world):
    login(world["viewers"]["unit_manager"])
    header, *rows = exported(client)
    assert header[:3] == ("Tên", "Mã cán bộ", "Thư điện tử") and "Trạng thái" in header
    assert sorted(r[0] for r in rows) == ["Nguyễn Văn An", "Trần Thị Bình"]
    _header, *rows = exported(client, state="not_activated")
    assert [(r[0], r[1], r[3], r[header.index("Trạng thái")]) for r in rows] == [
        ("Trần Thị Bình", "CB002", "Phòng Tổ chức", "Chưa kích hoạt")]


def test_the_export_names_each_role_and_its_school(client, login, world):
    login(world["viewers"]["admin"])
    header, *rows = exported(client, role="lecturer")
    roles = {r[0]: r[header.index("Vai trò")] for r in rows}
    assert roles == {"Phạm Giang": "Giảng viên · Trường Chính trị", "Võ Đào": "Giảng viên · Trường Cao đẳng"}


def test_the_page_runs_a_fixed_number_of_queries(client, login, world, make_user, make_official, count_queries):
    login(world["viewers"]["admin"])
    client.get("/accounts/")
    with count_queries() as few:
        client.get("/accounts/")
    for n in range(12):
        make_user(f"them{n}@sonha.gov.vn", official=make_official(f"Cán bộ {n}", unit=world["units"]["PTC"]),
                  roles=[(Role.lecturer, {"school_id": None})])
    db.session.commit()
    with count_queries() as many:
        client.get("/accounts/")
    assert many.count == few.count


def test_the_page_is_paginated(client, login, world, make_user):
    for n in range(55):
        make_user(f"nguoi{n:02d}@sonha.gov.vn", name=f"Người {n:02d}")
    login(world["viewers"]["admin"])
    first = client.get("/accounts/").get_data(as_text=True)
    second = client.get("/accounts/", query_string={"page": 2}).get_data(as_text=True)
    assert first.count('name="user_ids"') == 50
    assert "Người 00" in first and "Người 00" not in second and "Võ Đào" in second and "Võ Đào" not in first




def test_the_next_import_keeps_an_account_switched_off_here_until_its_official_leaves_and_returns(
        client, login, world):
    from lms.core.services.official_import import import_officials

    def run(left_on: str = ""):
        data = f"Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Ngày thôi việc\nCB001,Nguyễn Văn An,SNV,công chức,{left_on}\n"
        assert import_officials(io.BytesIO(data.encode()), "ds.csv").applied
        db.session.commit()
        db.session.expire_all()

    an = world["people"]["an"]
    login(world["viewers"]["admin"])
    client.post("/accounts/switch", data={"user_ids": [an.id], "action": "deactivate"})
    run()
    assert not an.active
    run("01/01/2025")
    run()
    assert an.active  # the official came back: so does the account


def test_the_bulk_action_may_take_every_account_of_the_filtered_list(client, login, world, make_user,
                                                                       make_official):
    office = world["units"]["PTC"]
    for n in range(55):
        make_user(f"phong{n}@sonha.gov.vn", official=make_official(f"Cán bộ {n}", unit=office))
    login(world["viewers"]["unit_manager"])
    assert "Mọi tài khoản của danh sách này" in client.get("/accounts/", query_string={
        "unit": office.id}).get_data(as_text=True)
    client.post(f"/accounts/switch?unit={office.id}", data={"everyone": "1", "action": "deactivate"})
    db.session.expire_all()
    switched_off = set(db.session.scalars(select(Official.employee_code).join(User, User.official_id == Official.id)
                                          .where(User.active.is_(False))))
    assert len(switched_off) == 56 and "CB002" in switched_off and "CB001" not in switched_off
    assert world["people"]["chi"].active


def test_new_activation_links_go_to_the_selected_accounts_within_the_scope_that_have_an_address(client, login,
                                                                                                world):
    from lms.core.models import ActivationCode
    people = world["people"]
    for name in ("an", "binh", "chi"):  # awaiting activation, with an address, but Bình's is taken away
        people[name].password_hash, people[name].password_set_at = UNUSABLE_PASSWORD, None
    people["binh"].email = None
    db.session.flush()
    login(world["viewers"]["unit_manager"])
    answer = client.post("/accounts/switch", data={"user_ids": [people[n].id for n in ("an", "binh", "chi")],
                                                   "action": "send_activation"}, follow_redirects=True)
    assert "Đã gửi liên kết kích hoạt cho 1 tài khoản" in answer.get_data(as_text=True)
    coded = set(db.session.scalars(select(ActivationCode.user_id)))
    assert coded == {people["an"].id}  # Chi is outside the manager's units, Bình has no address
