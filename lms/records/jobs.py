"""Reminders about who is behind: a manager's "remind" button, and the weekly digest for unit managers.

Both go through the core's `notify()` (an in-app notice and an e-mail in the outbox, in the current
transaction) with a dedupe key per week, so a double click, a re-run job or a second node running the
same job sends nothing twice.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core.db import db
from lms.core.models import Grant, Role, Unit, User
from lms.core.notifications import notify
from lms.core.plugins import JobSpec
from lms.records import dashboard as dash
from lms.records.dates import local_today
from lms.records.models import Requirement

REMINDER = "records/behind_reminder"
DIGEST = "records/behind_digest"


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def remind_behind(unit: Unit, year: int, requirement: Requirement, today: date) -> tuple[int, int]:
    """Remind every official of the subtree who is behind on `requirement` and has an account.

    Returns (reminded now, behind in all). Reminding twice in a week reminds nobody twice.
    """
    result = db.session.execute(dash.behind_query(unit, year, requirement, today))
    rows = dash.rows_of(result)
    users = dict(db.session.execute(select(User.official_id, User.id).where(
        User.official_id.in_([r.official.id for r in rows]), User.active.is_(True))).all()) if rows else {}
    reminded = 0
    for row in rows:
        user_id = users.get(row.official.id)
        if user_id is None:
            continue
        sent = notify(user_id, REMINDER, {
            "requirement_vi": requirement.name_vi, "requirement_en": requirement.name_en, "year": year,
            "done": row.total, "missing": row.missing,
        }, link=f"/records/?year={year}",
            dedupe_key=f"records-remind:{user_id}:{requirement.id}:{year}:{week_key(today)}")
        reminded += sent is not None
    return reminded, len(rows)


def send_behind_digest(today: date | None = None) -> str:
    """The weekly digest: each unit manager hears, per unit they manage, how many are behind on what."""
    today = today or local_today()
    year = today.year
    grants = db.session.scalars(select(Grant).options(joinedload(Grant.unit), joinedload(Grant.user))
                                .where(Grant.role == Role.unit_manager, Grant.unit_id.is_not(None))
                                .order_by(Grant.user_id, Grant.unit_id)).all()
    sent = 0
    for grant in grants:
        user, unit = grant.user, grant.unit
        if not user.active or unit.valid_to is not None:
            continue
        data = dash.unit_dashboard(unit, year, today)
        items = [{"requirement_id": r.id, "name_vi": r.name_vi, "name_en": r.name_en,
                  "behind": data.whole.requirements[r.id].behind,
                  "applicable": data.whole.requirements[r.id].applicable}
                 for r in data.requirements if data.whole.requirements[r.id].behind]
        if not items:
            continue
        notice = notify(user.id, DIGEST, {"unit_vi": unit.name_vi, "unit_en": unit.name_en, "year": year,
                                          "items": items, "behind": sum(i["behind"] for i in items)},
                        link=f"/records/dashboard?unit={unit.id}&year={year}",
                        dedupe_key=f"records-digest:{user.id}:{unit.id}:{week_key(today)}")
        sent += notice is not None
    return f"{sent} digests"


def jobs() -> list[JobSpec]:
    return [JobSpec(id="records.behind_digest", func=send_behind_digest, trigger="cron",
                    trigger_args={"day_of_week": "mon", "hour": 7, "minute": 0, "timezone": "Asia/Ho_Chi_Minh"},
                    description="Weekly: tell unit managers who is behind on the training requirements.")]
