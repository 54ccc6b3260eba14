"""Reminding who is behind: the manager's button and the weekly digest job, once per week."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Role, UnitLevel
from lms.core.notifications.models import Notification, OutboxMessage
from lms.core.notifications.rendering import render_notification
from lms.records import jobs
from lms.records import requirements as rq


def setup_unit(make_unit, make_official, make_user, issue):
    province = make_unit("Tỉnh Sơn Hà", level=UnitLevel.province)
    commune = make_unit("Xã Tân Phú", parent=province, level=UnitLevel.commune)
    behind = make_official("Trần Văn Chậm", unit=commune, email="cham@example.vn")
    done = make_official("Lê Thị Đủ", unit=commune)
    no_account = make_official("Phạm Không Tài Khoản", unit=commune)
    issue(behind, periods=8, on=date(2025, 2, 1))
    issue(done, periods=40, on=date(2025, 2, 1))
    users = {"behind": make_user(official=behind), "done": make_user(official=done)}
    requirement = rq.save_requirement(rq.RequirementInput(name_vi="40 tiết", name_en="40 periods", year_from=2025,
                                                          min_periods=40, active=True))
    manager = make_user("quanly@example.vn", roles=[(Role.unit_manager, {"unit_id": commune.id})])
    db.session.commit()
    return province, commune, requirement, users, manager, no_account


def test_remind_reaches_those_behind_once_a_week(app, make_unit, make_official, make_user, issue):
    _, commune, requirement, users, _, _ = setup_unit(make_unit, make_official, make_user, issue)
    monday = date(2025, 11, 3)
    assert jobs.remind_behind(commune, 2025, requirement, monday) == (1, 2)  # one of the two has no account
    assert jobs.remind_behind(commune, 2025, requirement, date(2025, 11, 6)) == (0, 2)  # same week
    [notice] = db.session.scalars(select(Notification)).all()
    assert notice.user_id == users["behind"].id and notice.template == jobs.REMINDER
    assert notice.params["missing"] == 32
    rendered = render_notification(notice.template, notice.params, locale="vi", link=notice.link,
                                   recipient_name="Trần Văn Chậm")
    assert "32" in rendered.subject and "40 tiết" in rendered.body and "Trần Văn Chậm" in rendered.body
    english = render_notification(notice.template, notice.params, locale="en", link=notice.link, recipient_name="X")
    assert "40 periods" in english.body
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # they have an e-mail
    assert jobs.remind_behind(commune, 2025, requirement, date(2025, 11, 10)) == (1, 2)  # a new week


def test_the_weekly_digest_tells_each_manager_once(app, make_unit, make_official, make_user, issue):
    _, commune, requirement, _, manager, _ = setup_unit(make_unit, make_official, make_user, issue)
    day = date(2025, 11, 3)
    assert jobs.send_behind_digest(day) == "1 digests"
    assert jobs.send_behind_digest(day) == "0 digests"  # a re-run (or a second node) sends nothing twice
    [notice] = db.session.scalars(select(Notification).where(Notification.template == jobs.DIGEST)).all()
    assert notice.user_id == manager.id and notice.params["behind"] == 2
    rendered = render_notification(notice.template, notice.params, locale="vi", link=notice.link, recipient_name="Q")
    assert "Xã Tân Phú" in rendered.subject and "40 tiết: 2/3" in rendered.body  # one of the three is done
    assert f"/records/dashboard?unit={commune.id}&year=2025" in rendered.body


def test_the_digest_is_declared_to_the_scheduler(app):
    [spec] = [j for j in app.extensions["lms"]["jobs"] if j.id == "records.behind_digest"]
    assert spec.trigger == "cron" and spec.trigger_args["day_of_week"] == "mon" and spec.func is jobs.send_behind_digest


def test_manager_reminds_from_the_list(app, make_unit, make_official, make_user, issue, login, client):
    _, commune, requirement, users, manager, _ = setup_unit(make_unit, make_official, make_user, issue)
    login(manager)
    url = f"/records/dashboard/behind/remind?unit={commune.id}&year=2025&requirement={requirement.id}"
    page = client.post(url, follow_redirects=True)
    assert "Đã nhắc 1 trong số 2" in page.get_data(as_text=True)
    again = client.post(url, follow_redirects=True)
    assert "Đã nhắc 0 trong số 2" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
