"""Activation by e-mail: a single-use, expiring link through the outbox to a real SMTP server."""
import re
from datetime import timedelta

from sqlalchemy import select, update

from lms.core.db import db, utcnow
from lms.core.models import ActivationCode, Role, User
from lms.core.notifications.models import OutboxMessage
from lms.core.notifications.outbox import drain_outbox
from tests.core.activation_support import NEW_PASSWORD, waiting_account


def mailed_link(mail_server) -> str:
    body = mail_server.inbox.messages[-1].get_content()
    return re.search(r"http://lms\.test(/activate/\S+)", body).group(1)


def activate(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"new": password, "confirm": password})


def test_a_manager_sends_the_links_and_one_activates(app, client, login, make_user, make_unit, make_official,
                                                     mail_server):
    app.config["PUBLIC_BASE_URL"] = "http://lms.test"
    unit = make_unit("Phường Hạ Long", code="PHL")
    official = make_official("Trần Thị Hoa", unit=unit, code="CB40001", email="hoa@example.vn")
    user = waiting_account(official)  # the address is on the official's record, not the account
    waiting_account(make_official("Không Có Thư", unit=unit, code="CB40002"))
    manager = make_user("quanly@example.vn", roles=[(Role.unit_manager, {"unit_id": unit.id})])
    login(manager)
    response = client.post(f"/activation/units/{unit.id}/mails", follow_redirects=True)
    assert "Đang gửi 1 thư điện tử kích hoạt" in response.get_data(as_text=True)
    drain_outbox()

    [message] = mail_server.inbox.messages
    assert message["To"] == "hoa@example.vn"
    assert message["Subject"] == "Kích hoạt tài khoản của bạn trên LMS"
    assert "CB40001" in message.get_content()  # what to log in with afterwards
    link = mailed_link(mail_server)
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).link is None  # the sent mail forgets the link
    assert db.session.scalar(select(ActivationCode)).code_hash != link.rsplit("/", 1)[1]

    official_browser = app.test_client()
    assert official_browser.get(link).status_code == 200
    response = activate(official_browser, link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert official_browser.get("/account/password").status_code == 200  # logged in
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    # Single use.
    again = app.test_client()
    assert again.get(link).status_code == 404
    assert activate(again, link, "một mật khẩu khác hẳn").status_code == 400


def test_an_expired_or_replaced_link_is_refused(app, make_unit, make_official, mail_server):
    from lms.core.services import activation

    app.config["PUBLIC_BASE_URL"] = "http://lms.test"
    user = waiting_account(make_official("Lê Văn Nam", code="CB40003", email="nam@example.vn"))
    activation.send_mails([user], issued_by=None)
    db.session.commit()
    drain_outbox()
    first = mailed_link(mail_server)
    activation.send_mails([user], issued_by=None)
    db.session.commit()
    drain_outbox()
    second = mailed_link(mail_server)
    client = app.test_client()
    assert client.get(first).status_code == 404  # a new link kills the old one
    assert client.get(second).status_code == 200
    db.session.execute(update(ActivationCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get(second)
    assert response.status_code == 404 and "đã hết hạn" in response.get_data(as_text=True)


def test_the_import_mails_new_accounts_once(app, runner, make_unit, mail_server, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "http://lms.test"
    make_unit("Sở Nội vụ", code="SNV")
    listing = tmp_path / "ds.csv"
    listing.write_text("employee_code,full_name,unit_code,kind,email\n"
                       "CB50001,Phạm Văn Đồng,SNV,civil_servant,dong@example.vn\n"
                       "CB50002,Quàng Thị Én,SNV,civil_servant,\n", encoding="utf-8")
    first = runner.invoke(args=["import-officials", str(listing), "--mail-activation"])
    assert first.exit_code == 0 and "1 activation e-mails queued" in first.output, first.output
    again = runner.invoke(args=["import-officials", str(listing), "--mail-activation"])
    assert "0 activation e-mails queued" in again.output  # the first link still works: no second mail
    drain_outbox()
    assert [m["To"] for m in mail_server.inbox.messages] == ["dong@example.vn"]
    assert activate(app.test_client(), mailed_link(mail_server)).status_code == 302
