"""Admin pages: accounts, role grants scoped to a school or unit, training schools."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import AuditEntry, Role, School, User


def test_admin_creates_an_account_grants_and_removes_a_role(client, login, make_user, make_school, make_unit):
    school = make_school("Trường Chính trị tỉnh")
    login(make_user("root@x.vn", roles=["admin"]))
    assert client.get("/admin/users/new").status_code == 200
    response = client.post("/admin/users/new", data={"display_name": "Đỗ Thị Hồng Nhung", "email": "Nhung@X.vn",
                                                     "locale": "vi", "active": "y", "password": "sen-hong-tay-ho"})
    assert response.status_code == 302
    nhung = db.session.scalar(select(User).where(User.email == "nhung@x.vn"))
    assert nhung.check_password("sen-hong-tay-ho")
    page = client.get(f"/admin/users/{nhung.id}")
    assert page.status_code == 200
    refused = client.post(f"/admin/users/{nhung.id}/grants", data={"grant-role": "school_admin",
                                                                   "grant-school_id": 0, "grant-unit_id": 0})
    assert refused.status_code == 302 and not nhung.grants
    client.post(f"/admin/users/{nhung.id}/grants", data={"grant-role": "school_admin", "grant-school_id": school.id,
                                                         "grant-unit_id": 0})
    db.session.refresh(nhung)
    assert [(g.role, g.school_id) for g in nhung.grants] == [(Role.school_admin, school.id)]
    grant_id = nhung.grants[0].id
    client.post(f"/admin/users/{nhung.id}/grants/{grant_id}/delete")
    db.session.expire_all()
    assert db.session.get(User, nhung.id).grants == []
    assert {e.action for e in db.session.scalars(select(AuditEntry))} >= {"user.saved", "grant.added", "grant.removed"}


def test_account_needs_a_login_and_unique_email(client, login, make_user):
    make_user("taken@x.vn")
    login(make_user("root@x.vn", roles=["admin"]))
    nothing = client.post("/admin/users/new", data={"display_name": "A", "locale": "vi"})
    assert "Hãy nhập thư điện tử hoặc mã cán bộ" in nothing.data.decode()
    taken = client.post("/admin/users/new", data={"display_name": "B", "email": "taken@x.vn", "locale": "vi"})
    assert "đã được tài khoản khác sử dụng" in taken.data.decode()


def test_admin_creates_a_school_with_its_certificate_details(client, login, make_user, make_unit):
    unit = make_unit("Tỉnh Sơn Hà", code="T01")
    login(make_user("root@x.vn", roles=["admin"]))
    assert client.get("/admin/schools/new").status_code == 200
    response = client.post("/admin/schools/new", data={
        "code": "TCT", "name_vi": "Trường Chính trị tỉnh Sơn Hà", "unit_id": unit.id, "place": "Sơn Hà",
        "signer_title": "HIỆU TRƯỞNG", "signer_name": "Trần Minh Đức", "governing_body": "TỈNH ỦY SƠN HÀ"})
    assert response.status_code == 302
    school = db.session.scalar(select(School).where(School.code == "TCT"))
    assert (school.place, school.signer_name) == ("Sơn Hà", "Trần Minh Đức")
    assert "Trường Chính trị tỉnh Sơn Hà" in client.get("/admin/schools").data.decode()
    duplicate = client.post("/admin/schools/new", data={"code": "TCT", "name_vi": "Khác", "unit_id": unit.id})
    assert "Mã này đã được cơ sở đào tạo khác sử dụng" in duplicate.data.decode()
