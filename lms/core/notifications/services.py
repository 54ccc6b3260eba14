"""Notifying people: an in-app notice and, when they have an address, an e-mail in the outbox.

Everything here flushes and never commits: the notice and its mail belong to the transaction of the
change that causes them, so a rolled-back change notifies no one.
"""
from __future__ import annotations

import json
import uuid

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.core.db import db, utcnow
from lms.core.models import User
from lms.core.notifications.models import MailStatus, Notification, NotificationOptOut, OutboxMessage
from lms.core.notifications.rendering import check_template_name, notification_stem


def insert_once(model, values: dict, key: str):
    """INSERT ... ON CONFLICT (key) DO NOTHING; the new row's id, or None if the key was taken.

    One statement, so two transactions racing on the same key never both insert and neither has to
    roll back (no savepoint needed, which pysqlite does not handle well).
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(model.__table__).values(**values)
                 .on_conflict_do_nothing(index_elements=[key]).returning(model.__table__.c.id))
    return db.session.execute(statement).scalar()


def notify(user_id: int, template: str, params: dict, *, link: str | None = None, mandatory: bool = False,
           dedupe_key: str, email: bool = True) -> Notification | None:
    """Notify one person, once per `dedupe_key`.

    Writes an in-app notification and, when `email` is true and the person has an e-mail address, an
    outbox row, both in the current transaction (flushed, not committed). `template` is "area/name":
    the pair `templates/<area>/notifications/<name>.subject.txt` and `.body.txt`, rendered in the
    recipient's language when the notice is shown or the mail sent; the templates see `params`, `link`,
    `recipient_name` and `site_name`. `link` is a path in the app ("/certificates/12").

    Returns the new Notification, or None when nothing was written: the key was used before, or the
    notice is not mandatory and the person turned this kind of reminder off.
    """
    check_template_name(template)
    if not dedupe_key:
        raise ValueError("notify() needs a dedupe_key")
    try:
        json.dumps(params or {})
    except TypeError as problem:  # dates and objects must be passed as text or ids
        raise ValueError(f"notify(): params must be JSON (strings, numbers, lists, dicts): {problem}") from problem
    db.session.flush()
    user = db.session.get(User, user_id)
    if user is None:
        raise ValueError(f"notify(): no user {user_id}")
    if not mandatory and is_opted_out(user_id, template):
        return None
    now = utcnow()
    notification_id = insert_once(Notification, {
        "user_id": user_id, "template": template, "params": params or {}, "link": link,
        "mandatory": mandatory, "dedupe_key": dedupe_key, "created_at": now, "read_at": None,
    }, "dedupe_key")
    if notification_id is None:
        return None
    address = recipient_address(user)
    if email and address:
        enqueue_mail(address, notification_stem(template), params or {}, user_id=user_id, locale=user.locale,
                     link=link, dedupe_key=dedupe_key)
    return db.session.get(Notification, notification_id)


def recipient_address(user: User) -> str | None:
    """The account's e-mail, or else the address on the official's record."""
    if user.email:
        return user.email
    if user.official is not None and user.official.email:
        return user.official.email
    return None


def enqueue_mail(to_address: str, stem: str, params: dict, *, user_id: int | None = None, locale: str = "vi",
                 link: str | None = None, dedupe_key: str | None = None, sensitive: bool = False) -> int | None:
    """Put one mail in the outbox (flushed). Returns its id, or None if `dedupe_key` was used before."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or _from_domain()
    values = {
        "user_id": user_id, "to_address": to_address, "locale": locale or "vi", "template": stem,
        "params": params or {}, "link": link, "sensitive": sensitive, "dedupe_key": dedupe_key,
        "message_id": f"<{uuid.uuid4().hex}@{domain}>", "status": MailStatus.pending.value, "attempts": 0,
        "next_attempt_at": utcnow(), "created_at": utcnow(),
    }
    if dedupe_key is None:
        return db.session.execute(
            OutboxMessage.__table__.insert().values(**values).returning(OutboxMessage.__table__.c.id)).scalar()
    return insert_once(OutboxMessage, values, "dedupe_key")


def _from_domain() -> str:
    sender = current_app.config.get("MAIL_FROM") or "lms@localhost"
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


# --- reading and preferences ---------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    """One query: the bell's number (on every page: the statement is built once)."""
    return db.session.scalar(_UNREAD, {"user_id": user_id}) or 0


_UNREAD = select(func.count(Notification.id)).where(Notification.user_id == bindparam("user_id"),
                                                    Notification.read_at.is_(None))


def mark_read(user_id: int, notification_id: int) -> bool:
    """Mark one of the person's notices read; False if it is not theirs. Marking twice changes nothing."""
    result = db.session.execute(update(Notification)
                                .where(Notification.id == notification_id, Notification.user_id == user_id,
                                       Notification.read_at.is_(None))
                                .values(read_at=utcnow()))
    if result.rowcount:
        return True
    return db.session.scalar(select(Notification.id).where(Notification.id == notification_id,
                                                           Notification.user_id == user_id)) is not None


def mark_all_read(user_id: int) -> int:
    return db.session.execute(update(Notification)
                              .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                              .values(read_at=utcnow())).rowcount


def is_opted_out(user_id: int, template: str) -> bool:
    return db.session.scalar(select(NotificationOptOut.id).where(NotificationOptOut.user_id == user_id,
                                                                 NotificationOptOut.template == template)) is not None


def opted_out_templates(user_id: int) -> set[str]:
    return set(db.session.scalars(select(NotificationOptOut.template).where(NotificationOptOut.user_id == user_id)))


def set_opt_outs(user_id: int, turned_off: set[str], offered: set[str]) -> None:
    """Among the `offered` kinds, turn off exactly `turned_off` (others stay as they were)."""
    turned_off = set(turned_off) & set(offered)
    current = opted_out_templates(user_id) & set(offered)
    back_on = current - turned_off
    if back_on:
        db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user_id,
                                                            NotificationOptOut.template.in_(back_on)))
    for template in sorted(turned_off - current):
        _opt_out(user_id, template)
    db.session.flush()


def _opt_out(user_id: int, template: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(NotificationOptOut.__table__)
                       .values(user_id=user_id, template=template, created_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["user_id", "template"]))
