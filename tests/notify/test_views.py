"""The bell, the notifications list, marking read, and turning reminders off."""
from flask_babel import refresh
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.notifications import notify
from lms.core.notifications.kinds import all_kinds, optional_kinds
from lms.core.notifications.models import Notification, NotificationOptOut, OutboxMessage
from lms.core.services.sessions import start as start_session


def notices(user, n, *, start=0, link="/"):
    for i in range(start, start + n):
        notify(user.id, "core/welcome", {}, link=link, dedupe_key=f"v:{user.id}:{i}")
    db.session.commit()


def test_the_bell_shows_the_unread_count_in_one_query(app, client, login, make_user, count_queries):
    user = make_user()
    notices(user, 3)
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/notifications"' in page and ">3<" in page
    bell_queries = []
    for _ in range(2):
        db.session.commit()
        with count_queries() as counted:
            client.get("/")
        bell_queries.append(sum("core_notifications" in s for s in counted.statements))
    assert bell_queries == [1, 1]


def test_visitors_see_no_bell(app, client):
    assert "/notifications" not in client.get("/").get_data(as_text=True)


def test_the_list_shows_notices_in_the_readers_language(app, client, login, make_user):
    user = make_user(name="Phạm Thị Hoa")
    notices(user, 1)
    login(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Chào mừng bạn đến với LMS" in page and "Xin chào Phạm Thị Hoa," in page
    client.post("/lang", data={"lang": "en"})
    refresh()  # the test's app context outlives requests; Flask-Babel caches the language on it
    assert "Welcome to LMS" in client.get("/notifications").get_data(as_text=True)


def test_the_list_runs_a_fixed_number_of_queries(app, client, login, make_user, count_queries):
    user = make_user()
    notices(user, 2)
    login(user)

    def measure():
        db.session.commit()
        with count_queries() as counted:
            assert client.get("/notifications").status_code == 200
        return counted.count
    few = measure()
    notices(user, 20, start=2)
    assert measure() == few


def test_marking_one_and_all_read(app, client, login, make_user):
    user = make_user()
    notices(user, 3)
    login(user)
    first = db.session.scalar(select(Notification).order_by(Notification.id))
    assert client.post(f"/notifications/{first.id}/read").status_code == 302
    assert client.post(f"/notifications/{first.id}/read").status_code == 302  # twice: no harm
    unread = lambda: db.session.scalar(select(func.count()).where(Notification.read_at.is_(None)))  # noqa: E731
    db.session.expire_all()
    assert unread() == 2
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert unread() == 0
    assert ">3<" not in client.get("/").get_data(as_text=True)


def test_opening_a_notice_marks_it_read_and_follows_its_link(app, client, login, make_user):
    user = make_user()
    notices(user, 1, link="/courses/7")
    login(user)
    notice = db.session.scalar(select(Notification))
    response = client.get(f"/notifications/{notice.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/courses/7"
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is not None


def test_an_outside_link_is_never_followed(app, client, login, make_user):
    user = make_user()
    notices(user, 1, link="https://evil.example/")
    login(user)
    notice = db.session.scalar(select(Notification))
    assert client.get(f"/notifications/{notice.id}").headers["Location"] == "/notifications"


def test_other_peoples_notices_are_not_found(app, client, login, make_user):
    owner, other = make_user(), make_user()
    notices(owner, 1)
    notice = db.session.scalar(select(Notification))
    login(other)
    assert client.get(f"/notifications/{notice.id}").status_code == 404
    assert client.post(f"/notifications/{notice.id}/read").status_code == 404
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is None


def test_the_pages_need_a_login(app, client):
    for url in ("/notifications", "/account/preferences"):
        assert client.get(url).status_code == 302


def test_kinds_come_from_the_templates_and_mandatory_only_kinds_are_not_offered(app):
    assert {"core/welcome", "core/password_changed"} <= set(all_kinds())
    offered = {k.template: k.label for k in optional_kinds("vi")}
    assert offered["core/welcome"] == "Lời chào mừng"
    assert "core/password_changed" not in offered


def test_turning_a_reminder_off_and_on_again(app, client, login, make_user):
    user = make_user()
    login(user)
    page = client.get("/account/preferences").get_data(as_text=True)
    assert 'value="core/welcome" checked' in page
    assert client.post("/account/preferences", data={}).status_code == 302  # nothing ticked: all off
    offered = {kind.template for kind in optional_kinds("vi")}
    assert set(db.session.scalars(select(NotificationOptOut.template))) == offered
    assert 'value="core/welcome" checked' not in client.get("/account/preferences").get_data(as_text=True)
    assert notify(user.id, "core/welcome", {}, dedupe_key="after-off") is None
    client.post("/account/preferences", data={"receive": ["core/welcome", "not/offered"]})
    assert set(db.session.scalars(select(NotificationOptOut.template))) == offered - {"core/welcome"}
    assert notify(user.id, "core/welcome", {}, dedupe_key="after-on") is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_csrf_protects_marking_read(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user()
        notices(user, 1)
        client = app.test_client()
        start_session(user, remember=False)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        assert client.get("/notifications").status_code == 200  # logged in
        assert client.post("/notifications/read-all").status_code == 400
        assert db.session.scalar(select(func.count()).where(Notification.read_at.is_(None))) == 1


def test_a_notice_whose_templates_are_gone_still_lists(app, client, login, make_user):
    user = make_user()
    notices(user, 1)
    db.session.execute(Notification.__table__.update().values(template="oldplugin/removed_kind"))
    db.session.commit()
    login(user)
    response = client.get("/notifications")
    assert response.status_code == 200 and "oldplugin/removed_kind" in response.get_data(as_text=True)
