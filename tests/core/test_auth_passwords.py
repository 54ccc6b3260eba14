"""One password policy wherever a password is set, and "choose a new password at next log-in"."""
from __future__ import annotations

import pytest

from lms.core.db import db
from lms.core.models import User
from lms.core.password_policy import WeakPassword, check_password
from lms.core.password_policy.build import build
from lms.core.password_policy.common import LIST_FILE, common_passwords


@pytest.fixture
def an(make_user, make_official):
    official = make_official("Nguyễn Văn An")
    return make_user("nguyen.van.an@sonoivu.example.vn", official=official, name="Nguyễn Văn An")


@pytest.mark.parametrize("password,rule", [
    ("ngắn quá", "ít nhất 10 ký tự"),
    ("MậtKhẩu123", "quá phổ biến"),
    ("Matkhau@123", "quá phổ biến"),
    ("QWERTY123456", "quá phổ biến"),
    ("1234567890", "quá phổ biến"),
    ("anhyeuem1990", "quá phổ biến"),
    ("mat khau 123", "quá phổ biến"),
    ("Nguyen Van An", "mã cán bộ, thư điện tử hay họ tên"),
    ("NGUYỄN VĂN AN 2024", "mã cán bộ, thư điện tử hay họ tên"),
    ("nguyen.van.an", "mã cán bộ, thư điện tử hay họ tên"),
    ("Nguyen.Van.An@sonoivu.example.vn", "mã cán bộ, thư điện tử hay họ tên"),
])
def test_weak_passwords_are_refused_with_the_rule_they_break(an, password, rule):
    with pytest.raises(WeakPassword) as refused:
        check_password(password, user=an)
    assert rule in str(refused.value)


def test_the_employee_code_is_refused_give_or_take_symbols(an):
    with pytest.raises(WeakPassword):
        check_password(f"{an.login_code.lower()}!!2024", user=an)


@pytest.mark.parametrize("password", ["sông Hương chiều", "an đi chợ Bến Thành", "1990-nguyen-mua-xuan-ha-noi"])
def test_a_good_password_passes_even_when_it_mentions_a_word_of_the_name(an, password):
    check_password(password, user=an)


def test_the_shipped_list_is_the_one_the_patterns_build():
    lines = [line for line in LIST_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == build()
    assert 2000 < len(lines) < 10000
    assert {"matkhau123", "anhyeuem123", "1234567890", "password123"} <= common_passwords()


def test_change_password_applies_the_policy(login, make_user):
    client = login(make_user("binh@example.vn", name="Trần Bình"))
    page = client.get("/account/password").get_data(as_text=True)
    assert "Ít nhất 10 ký tự" in page
    refused = client.post("/account/password", data={"current": "correct horse", "new": "tranbinh2024",
                                                     "confirm": "tranbinh2024"})
    assert "không được là mã cán bộ, thư điện tử hay họ tên" in refused.get_data(as_text=True)


def test_an_administrator_cannot_set_a_common_password(client, login, make_user):
    person = make_user("chi@example.vn")
    login(make_user("root@example.vn", roles=["admin"]))
    response = client.post(f"/admin/users/{person.id}", data={
        "display_name": "Chi", "email": "chi@example.vn", "locale": "vi", "active": "y", "password": "matkhau123"})
    assert "quá phổ biến" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.check_password("correct horse")


def test_the_cli_applies_the_policy(runner):
    weak = runner.invoke(args=["users", "create", "--email", "cli@example.vn", "--name", "Lê Cli",
                               "--password", "short"])
    assert weak.exit_code != 0 and "10" in weak.output
    good = runner.invoke(args=["users", "create", "--email", "cli@example.vn", "--name", "Lê Cli",
                               "--password", "hoa ban trắng Tây Bắc"])
    assert good.exit_code == 0, good.output
    assert db.session.query(User).filter_by(email="cli@example.vn").one().check_password("hoa ban trắng Tây Bắc")


def test_an_administrator_can_require_a_new_password_at_next_log_in(app, client, login, make_user):
    person = make_user("dung@example.vn", name="Phạm Dũng")
    admin = app.test_client()
    admin.post("/login", data={"identifier": make_user("root@example.vn", roles=["admin"]).email,
                               "password": "correct horse"})
    db.session.commit()
    form = admin.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Phải đặt mật khẩu mới ở lần đăng nhập tới" in form
    admin.post(f"/admin/users/{person.id}", data={"display_name": "Phạm Dũng", "email": "dung@example.vn",
                                                  "locale": "vi", "active": "y", "must_change_password": "y"})
    db.session.refresh(person)
    assert person.must_change_password

    arrived = client.post("/login", data={"identifier": "dung@example.vn", "password": "correct horse"})
    assert arrived.location.endswith("/account/password")
    kept = client.get("/")
    assert kept.status_code == 302 and kept.location.endswith("/account/password")
    asked = client.get("/account/password").get_data(as_text=True)
    assert "Quản trị viên yêu cầu bạn đặt mật khẩu mới" in asked
    client.post("/account/password", data={"current": "correct horse", "new": "gió mùa đông bắc",
                                           "confirm": "gió mùa đông bắc"})
    db.session.refresh(person)
    assert not person.must_change_password
    assert client.get("/").status_code == 200
