"""Demo notifications, so that the bell of the demo accounts has something to show (idempotent)."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import User
from lms.core.notifications.services import notify


def seed_demo_notifications() -> int:
    """Two unread notices for the demo official (CB00001), one for the demo unit manager. No e-mail."""
    created = 0
    official = db.session.scalar(select(User).where(User.login_code == "CB00001"))
    if official is not None:
        created += notify(official.id, "core/welcome", {}, link="/", dedupe_key="demo:welcome:CB00001",
                          email=False) is not None
        created += notify(official.id, "core/record_check", {}, link=f"/org/officials/{official.official_id}",
                          dedupe_key="demo:record_check:CB00001", email=False) is not None
    manager = db.session.scalar(select(User).where(User.email == "quanly@sonha.example.vn"))
    if manager is not None:
        created += notify(manager.id, "core/welcome", {}, link="/", dedupe_key="demo:welcome:manager",
                          email=False) is not None
    return created
