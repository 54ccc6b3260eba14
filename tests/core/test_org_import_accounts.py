"""The officials import keeps each official's account (issue 16, point 1): created without a password,
logging in by code or e-mail, never two people behind one identifier, switched off and on with the official."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, User
from lms.core.models.accounts import UNUSABLE_PASSWORD, UserSession
from lms.core.services.official_accounts import active_accounts
from lms.core.services.official_import import import_officials

HEADER = "employee_code,full_name,unit_code,kind,email\n"
SWITCHED_OFF = "Tài khoản này đã bị khóa".encode()


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def run(text: str, **options):
    report = import_officials(csv_file(text), "ds.csv", **options)
    db.session.commit()
    return report


@pytest.fixture
def units(make_unit):
    province = make_unit("Tỉnh Sơn Hà", code="T01")
    return {"T01": province, "SNV": make_unit("Sở Nội vụ", code="SNV", parent=province),
            "STC": make_unit("Sở Tài chính", code="STC", parent=province)}


def account(code: str) -> User | None:
    return db.session.scalar(select(User).join(Official, Official.id == User.official_id)
                             .where(Official.employee_code == code))


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Official.id))), db.session.scalar(select(func.count(User.id))))


def log_in(client, identifier: str, password: str = "mật khẩu đủ dài"):
    client.post("/logout")
    return client.post("/login", data={"identifier": identifier, "password": password})


def test_every_official_gets_an_account_without_a_usable_password(client, units):
    report = run(HEADER + "CB1,Nguyễn Văn An,SNV,công chức,An.Nguyen@SonHa.gov.vn\nCB2,Lê Thị Hoa,STC,viên chức,\n")
    assert report.applied and (report.created, report.accounts_created) == (2, 2)
    an, hoa = account("CB1"), account("CB2")
    assert (an.login_code, an.email, an.display_name, an.active) == ("CB1", "an.nguyen@sonha.gov.vn",
                                                                     "Nguyễn Văn An", True)
    assert (hoa.login_code, hoa.email) == ("CB2", None)
    for person in (an, hoa):
        assert person.password_hash == UNUSABLE_PASSWORD and person.password_set_at is None
        assert not person.check_password("") and not person.check_password(UNUSABLE_PASSWORD)
    assert log_in(client, "CB1", "").status_code != 302  # the form wants a password anyway
    assert log_in(client, "CB1", UNUSABLE_PASSWORD).status_code == 401

    an.set_password("mật khẩu đủ dài")  # what activation will do
    db.session.commit()
    assert an.password_set_at is not None
    assert log_in(client, "CB1").status_code == 302
    assert log_in(client, "AN.NGUYEN@sonha.gov.vn").status_code == 302
    assert log_in(client, "cb1").status_code == 401  # codes are taken as HR gives them


def test_reimporting_the_same_file_changes_nothing(app, units):
    data = HEADER + "CB1,Nguyễn Văn An,SNV,công chức,an@sonha.gov.vn\nCB2,Lê Thị Hoa,STC,viên chức,\n"
    run(data, full=True)
    before = {u.id: (u.email, u.password_hash, u.active) for u in db.session.scalars(select(User))}
    again = run(data, full=True)
    assert again.counts() == {"total": 2, "created": 0, "updated": 0, "unchanged": 2, "skipped": 0,
                              "accounts_created": 0, "accounts_updated": 0, "deactivated": 0, "reactivated": 0,
                              "activation_mails": 0}
    assert before == {u.id: (u.email, u.password_hash, u.active) for u in db.session.scalars(select(User))}


def test_officials_imported_before_get_their_account_and_keep_the_one_they_have(app, units, make_official,
                                                                                make_user):
    make_official("Nguyễn Văn An", code="CB1", unit=units["SNV"])
    bich = make_official("Trần Thị Bích", code="CB2", unit=units["SNV"])
    old = make_user("bich@example.vn", official=bich)
    report = run(HEADER + "CB1,Nguyễn Văn An,SNV,công chức,\nCB2,Trần Thị Bích,SNV,công chức,\n")
    assert report.accounts_created == 1
    assert account("CB2").id == old.id and old.email == "bich@example.vn"  # no e-mail in the file: kept
    assert old.check_password("correct horse")


def test_collisions_and_bad_e_mails_are_reported_by_line_and_change_nothing(app, units, make_user,
                                                                            make_official):
    make_user("giamdoc@sonha.gov.vn")  # an account that is no official's
    make_official("Đã có", code="CB9", unit=units["SNV"], email="cb9@sonha.gov.vn")
    before = counts()
    report = run(HEADER + "\n".join([
        "CB1,Một,SNV,công chức,mot@sonha.gov.vn",
        "CB2,Hai,SNV,công chức,MOT@sonha.gov.vn",     # line 3: line 2's e-mail, another case
        "ba@sonha.gov.vn,Ba,SNV,công chức,",           # line 4: a code that looks like an e-mail
        "CB4,Bốn,SNV,công chức,BA@sonha.gov.vn",       # line 5: line 4's code as an e-mail
        "CB5,Năm,SNV,công chức,giamdoc@sonha.gov.vn",  # line 6: an account in the database
        "CB6,Sáu,SNV,công chức,cb9@sonha.gov.vn",      # line 7: an official in the database
        "CB7,Bảy,SNV,công chức,bay@sonha",             # line 8: malformed
        "CB8,Tám,SNV,công chức,tam @sonha.gov.vn",     # line 9: malformed
        "CB1,Một lần nữa,SNV,công chức,",              # line 10: the same code twice
    ]) + "\n")
    assert not report.applied and counts() == before
    assert sorted((p.line, p.field) for p in report.problems) == [
        (3, "email"), (5, "email"), (6, "email"), (7, "email"), (8, "email"), (9, "email"), (10, "employee_code")]
    by_line = {p.line: str(p.message) for p in report.problems}
    assert "2" in by_line[3] and "4" in by_line[5]


def test_valid_rows_only_never_leaves_one_identifier_to_two_people(app, units, make_official):
    make_official("An", code="CB1", unit=units["SNV"], email="an@sonha.gov.vn")
    make_official("Chi", code="CB3", unit=units["SNV"], email="chi@sonha.gov.vn")
    data = HEADER + ("CB1,An,SNV,công chức,chi@sonha.gov.vn\n"  # takes CB3's e-mail: refused, so An keeps hers
                     "CB2,Bình,SNV,công chức,an@sonha.gov.vn\n"  # ... which Bình may not then take
                     "CB4,Dũng,SNV,công chức,dung@sonha.gov.vn\n")
    assert not run(data).applied
    report = run(data, valid_only=True)
    assert report.applied and sorted(p.line for p in report.problems) == [2, 3]
    assert (report.created, report.accounts_created) == (1, 1)  # Dũng only
    assert account("CB4").email == "dung@sonha.gov.vn" and account("CB1") is None


def test_two_officials_may_swap_e_mails(app, units):
    run(HEADER + "CB1,An,SNV,công chức,a@sonha.gov.vn\nCB2,Bình,SNV,công chức,b@sonha.gov.vn\n")
    report = run(HEADER + "CB1,An,SNV,công chức,b@sonha.gov.vn\nCB2,Bình,SNV,công chức,a@sonha.gov.vn\n")
    assert report.ok and report.accounts_updated == 2
    assert (account("CB1").email, account("CB2").email) == ("b@sonha.gov.vn", "a@sonha.gov.vn")


def test_a_full_import_switches_off_the_missing_of_its_units_and_brings_them_back(client, units, make_official):
    run(HEADER + "CB1,An,SNV,công chức,\nCB2,Bình,SNV,công chức,\nCB3,Chi,STC,công chức,\n")
    binh = account("CB2")
    binh.set_password("mật khẩu đủ dài")
    db.session.commit()
    assert log_in(client, "CB2").status_code == 302

    assert run(HEADER + "CB1,An,SNV,công chức,\n").deactivated == 0  # not full: nobody has left
    report = run(HEADER + "CB1,An,SNV,công chức,\n", full=True)
    assert report.deactivated == 1  # Bình; Chi's unit is not in the file
    db.session.expire_all()
    assert not binh.active and not binh.official.active
    assert not db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == binh.id))
    assert account("CB3").active and account("CB1").active
    assert client.get("/account/password").status_code == 302  # the open session has ended
    refused = log_in(client, "CB2")
    assert refused.status_code == 401 and SWITCHED_OFF in refused.data
    assert log_in(client, "CB2", "sai").status_code == 401 and SWITCHED_OFF not in log_in(client, "CB2", "sai").data

    back = run(HEADER + "CB2,Bình,SNV,công chức,\n")
    assert back.reactivated == 1 and back.accounts_updated == 1
    db.session.expire_all()
    assert binh.active and binh.official.active and binh.check_password("mật khẩu đủ dài")
    assert log_in(client, "CB2").status_code == 302


def test_a_leaving_date_switches_off_and_clearing_it_switches_on(app, units):
    header = HEADER.strip() + ",ngày thôi việc\n"
    run(header + "CB1,An,SNV,công chức,,\n")
    left = run(header + "CB1,An,SNV,công chức,,30/11/2026\n")
    assert (left.updated, left.deactivated) == (1, 1)
    person = account("CB1")
    assert not person.active and str(person.official.left_on) == "2026-11-30"
    assert run(header + "CB1,An,SNV,công chức,,30/11/2026\n").counts()["unchanged"] == 1
    assert run(header + "CB1,An,SNV,công chức,,\n").reactivated == 1
    db.session.expire_all()
    assert person.active and person.official.left_on is None
    assert run(header + "CB2,Bình,SNV,công chức,,khi nào\n").problems[0].field == "left_on"


def test_enrolment_and_reminders_ask_for_active_accounts(app, units, make_official):
    make_official("Chưa có tài khoản", code="CB0", unit=units["SNV"])
    run(HEADER + "CB1,An,SNV,công chức,\nCB2,Bình,SNV,công chức,\n")
    run(HEADER.strip() + ",ngày thôi việc\nCB2,Bình,SNV,công chức,,01/12/2026\n")
    usable, others = active_accounts(Official.unit_id == units["SNV"].id)
    assert [code for _, code in usable] == ["CB1"] and others == ["CB0", "CB2"]
    assert usable[0][0] == account("CB1").id


def test_cli_full_import_with_json_report(app, runner, units, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(HEADER + "CB1,An,SNV,công chức,an@sonha.gov.vn\nCB2,Bình,SNV,công chức,\n", encoding="utf-8")
    first = json.loads(runner.invoke(args=["import-officials", str(path), "--json"]).output)
    assert (first["applied"], first["accounts_created"]) == (True, 2)
    path.write_text(HEADER + "CB1,An,SNV,công chức,an@sonha.gov.vn\n", encoding="utf-8")
    result = runner.invoke(args=["import-officials", str(path), "--full", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 0 and (report["deactivated"], report["unchanged"]) == (1, 1)
    path.write_text(HEADER + "CB3,Chi,SNV,công chức,AN@sonha.gov.vn\n", encoding="utf-8")
    refused = runner.invoke(args=["import-officials", str(path), "--json"])
    assert refused.exit_code != 0
    assert [(p["line"], p["field"]) for p in json.loads(refused.output)["problems"]] == [(2, "email")]


def test_import_page_offers_a_full_import(client, login, make_user, units):
    login(make_user(roles=["admin"]))
    client.post("/org/import/officials", data={"file": (csv_file(HEADER + "CB1,An,SNV,công chức,\n"
                                                                 "CB2,Bình,SNV,công chức,\n"), "ds.csv")})
    page = client.get("/org/import/officials")
    assert b'name="full"' in page.data
    response = client.post("/org/import/officials", data={
        "full": "y", "file": (csv_file(HEADER + "CB1,An,SNV,công chức,\n"), "ds.csv")})
    assert response.status_code == 200
    db.session.expire_all()
    assert not account("CB2").active and account("CB1").active


def test_the_valid_rows_of_a_full_import_keep_it_full(client, login, make_user, units):
    login(make_user(roles=["admin"]))
    run(HEADER + "CB1,An,SNV,công chức,\nCB2,Bình,SNV,công chức,\n")
    refused = client.post("/org/import/officials", data={
        "full": "y", "file": (csv_file(HEADER + "CB1,An,SNV,công chức,\nCB3,Chi,SNV,không rõ,\n"), "ds.csv")})
    assert "Nhập 1 dòng hợp lệ" in refused.get_data(as_text=True)
    client.post("/org/import/officials", data={"action": "valid-only"})
    db.session.expire_all()
    assert account("CB1").active and not account("CB2").active and account("CB3") is None
