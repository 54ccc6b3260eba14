"""`lms demo seed` leaves notices under the demo official's bell, once however often it runs."""
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.demo import seed_people
from lms.core.models import User
from lms.core.notifications.demo import seed_demo_notifications
from lms.core.notifications.models import Notification, OutboxMessage


def test_the_demo_official_has_unread_notices_and_the_bell_shows_them(app, client):
    seed_people()
    assert seed_demo_notifications() == 3
    assert seed_demo_notifications() == 0  # idempotent
    db.session.commit()
    official = db.session.scalar(select(User).where(User.login_code == "CB00001"))
    assert db.session.scalar(select(func.count()).where(Notification.user_id == official.id,
                                                        Notification.read_at.is_(None))) == 2
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # the demo mails no one
    client.post("/login", data={"identifier": "CB00001", "password": "sonha-demo-2026"})
    home = client.get("/").get_data(as_text=True)
    assert ">2<" in home
    listing = client.get("/notifications").get_data(as_text=True)
    assert "Đề nghị kiểm tra thông tin của bạn trong hồ sơ bồi dưỡng" in listing
    notice = db.session.scalar(select(Notification).where(Notification.template == "core/record_check"))
    assert client.get(f"/notifications/{notice.id}").headers["Location"] == f"/org/officials/{official.official_id}"
    assert client.get(f"/org/officials/{official.official_id}").status_code == 200
