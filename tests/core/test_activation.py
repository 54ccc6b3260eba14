"""Activation by letter: issuing, re-issuing, expiry, single use, guessing, and the page that activates."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.core.db import db, utcnow
from lms.core.models import ActivationCode, AuditEntry, LoginAttempt, Role, User
from lms.core.services import activation
from tests.core.activation_support import CODE, NEW_PASSWORD, waiting_account, xlsx_codes


@pytest.fixture
def unit_with_letters(make_unit, make_official):
    """A commune with two officials awaiting activation, one with an e-mail, and one already activated."""
    unit = make_unit("Xã Hòa Bình", code="XHB")
    first = waiting_account(make_official("Lò Văn Páo", unit=unit, code="CB10001"))
    second = waiting_account(make_official("Đinh Thị Mai", unit=unit, code="CB10002"))
    mailed = waiting_account(make_official("Hà Văn Thắng", unit=unit, code="CB10003"), email="thang@example.vn")
    done = waiting_account(make_official("Vi Thị Lan", unit=unit, code="CB10004"))
    done.set_password("đã có mật khẩu rồi")
    db.session.flush()
    return unit, [first, second, mailed, done]


def codes_of(letters) -> dict[str, str]:
    return {letter.employee_code: letter.code for letter in letters}


def post_activation(client, code, employee_code, password=NEW_PASSWORD, confirm=None):
    return client.post("/activate", data={"code": code, "employee_code": employee_code, "new": password,
                                          "confirm": confirm or password})


def test_letters_go_to_accounts_without_password_nor_address(app, unit_with_letters):
    unit, _users = unit_with_letters
    letters = activation.issue_letters(unit, issued_by=None)
    assert sorted(codes_of(letters)) == ["CB10001", "CB10002"]
    assert all(CODE.fullmatch(letter.code) for letter in letters)
    # Only a keyed hash is stored, never the code.
    stored = db.session.scalars(select(ActivationCode.code_hash)).all()
    assert len(stored) == 2 and not {letter.code.replace("-", "") for letter in letters} & set(stored)
    with_email = activation.issue_letters(unit, issued_by=None, with_email=True)
    assert sorted(codes_of(with_email)) == ["CB10001", "CB10002", "CB10003"]


def test_activation_sets_the_password_logs_in_and_the_code_works_once(app, client, unit_with_letters):
    unit, users = unit_with_letters
    code = codes_of(activation.issue_letters(unit, issued_by=None))["CB10001"]
    db.session.commit()
    response = post_activation(client, code.lower().replace("-", " "), "CB10001")  # as typed on a phone
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Lò Văn Páo" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, users[0].id)
    assert user.check_password(NEW_PASSWORD) and user.password_set_at is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.activated")).target_id == \
        str(user.id)

    again = post_activation(app.test_client(), code, "CB10001", "một mật khẩu khác hẳn")
    assert again.status_code == 400
    assert "đã được dùng" in again.get_data(as_text=True)


def test_reissuing_kills_the_old_code(app, client, unit_with_letters):
    unit, _users = unit_with_letters
    old = codes_of(activation.issue_letters(unit, issued_by=None))["CB10002"]
    new = codes_of(activation.issue_letters(unit, issued_by=None))["CB10002"]
    db.session.commit()
    assert old != new
    refused = post_activation(client, old, "CB10002")
    assert refused.status_code == 400 and "đã được dùng" in refused.get_data(as_text=True)
    assert post_activation(client, new, "CB10002").status_code == 302


def test_an_expired_code_is_told(app, client, unit_with_letters):
    unit, _users = unit_with_letters
    code = codes_of(activation.issue_letters(unit, issued_by=None))["CB10001"]
    db.session.execute(update(ActivationCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = post_activation(client, code, "CB10001")
    assert response.status_code == 400 and "đã hết hạn" in response.get_data(as_text=True)


def test_a_code_works_only_with_its_own_employee_code(app, client, unit_with_letters):
    unit, _users = unit_with_letters
    codes = codes_of(activation.issue_letters(unit, issued_by=None))
    db.session.commit()
    response = post_activation(client, codes["CB10001"], "CB10002")
    assert response.status_code == 400 and "không khớp" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_guessing_is_limited_per_address_and_per_employee_code(app, client, unit_with_letters):
    unit, _users = unit_with_letters
    code = codes_of(activation.issue_letters(unit, issued_by=None))["CB10001"]
    db.session.commit()
    for guess in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert post_activation(client, f"ABCDE-FGH{guess + 2}", "CB10001").status_code == 400
    # Even the right code now waits: the guesses were against this employee code.
    throttled = post_activation(app.test_client(), code, "CB10001")
    assert throttled.status_code == 429 and "Quá nhiều lần nhập sai" in throttled.get_data(as_text=True)
    # Another employee code from another address is not held up by them...
    elsewhere = app.test_client()
    assert post_activation(elsewhere, "ABCDE-FGHJK", "CB10002",).status_code == 400
    # ...but one address trying many employee codes is.
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    try:
        assert post_activation(client, "ABCDE-FGHJK", "CB99999").status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 30


def test_the_password_policy_applies(app, client, unit_with_letters):
    unit, users = unit_with_letters
    code = codes_of(activation.issue_letters(unit, issued_by=None))["CB10001"]
    db.session.commit()
    assert post_activation(client, code, "CB10001", "CB10001").status_code == 400  # the employee code
    assert post_activation(client, code, "CB10001", NEW_PASSWORD, "something else").status_code == 400
    db.session.expire_all()
    assert not db.session.get(User, users[0].id).has_usable_password
    assert post_activation(client, code, "CB10001").status_code == 302  # the code was not spent by them


def test_the_qr_code_fills_in_the_form(app, client):
    page = client.get("/activate?code=ABCDE-FGHJK&employee_code=CB10001").get_data(as_text=True)
    assert 'value="ABCDE-FGHJK"' in page and 'value="CB10001"' in page


def test_a_switched_off_account_is_not_activated(app, client, unit_with_letters):
    unit, users = unit_with_letters
    code = codes_of(activation.issue_letters(unit, issued_by=None))["CB10001"]
    users[0].active = False
    db.session.commit()
    response = post_activation(client, code, "CB10001")
    assert response.status_code == 400 and "đã bị khóa" in response.get_data(as_text=True)


def test_a_unit_manager_downloads_letters_and_the_list(app, client, login, make_user, unit_with_letters,
                                                       make_unit):
    unit, _users = unit_with_letters
    manager = make_user("quanly@example.vn", roles=[(Role.unit_manager, {"unit_id": unit.id})])
    login(manager)
    page = client.get(f"/activation/units/{unit.id}").get_data(as_text=True)
    assert "Mỗi lần tải về" in page  # a later download re-issues: the page says so
    response = client.post(f"/activation/units/{unit.id}/letters", data={"file_format": "xlsx"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    codes = xlsx_codes(response.data)
    assert sorted(codes) == ["CB10001", "CB10002"]
    assert post_activation(app.test_client(), codes["CB10002"], "CB10002").status_code == 302

    other = make_unit("Xã khác", code="XK")
    assert client.get(f"/activation/units/{other.id}").status_code == 404
    assert client.post(f"/activation/units/{other.id}/letters", data={"file_format": "pdf"}).status_code == 404


def test_a_school_admin_acts_for_the_units_under_the_school(app, client, login, make_user, make_school, make_unit,
                                                            unit_with_letters):
    unit, _users = unit_with_letters
    district = make_unit("Huyện Mường", code="HM")
    school = make_school(unit=district)
    admin = make_user("truong@example.vn", roles=[(Role.school_admin, {"school_id": school.id})])
    inside = make_unit("Xã trong huyện", code="XTH", parent=district)
    login(admin)
    assert client.get(f"/activation/units/{inside.id}").status_code == 200
    assert client.get(f"/activation/units/{unit.id}").status_code == 404


def test_the_demo_has_officials_to_activate_by_letter(app):
    from lms.core.demo import AWAITING_LETTERS, AWAITING_LETTERS_UNIT, seed_people
    from lms.core.models import Unit

    seed_people()
    seed_people()  # idempotent
    unit = db.session.scalar(select(Unit).where(Unit.code == AWAITING_LETTERS_UNIT))
    letters = activation.issue_letters(unit, issued_by=None)
    assert sorted(codes_of(letters)) == [code for code, _name, _gender in AWAITING_LETTERS]
