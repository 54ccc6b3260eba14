"""Write to the audit log: every change that matters to an official's record."""
from __future__ import annotations

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert

from lms.core.db import db
from lms.core.models import AuditEntry


def default_actor(actor_id: int | None = None) -> int | None:
    """The actor given, else the logged-in user (None outside a request: a job or a command)."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        return current_user.id
    return actor_id


def record(action: str, target_type: str, target_id, *, reason: str = "", actor_id: int | None = None,
           data: dict | None = None) -> AuditEntry:
    """Add an audit entry in the current transaction. The actor defaults to the logged-in user."""
    actor_id = default_actor(actor_id)
    entry = AuditEntry(action=action, target_type=target_type, target_id=str(target_id), reason=reason,
                       actor_id=actor_id, data=data or {})
    db.session.add(entry)
    return entry


def record_many(entries: list[dict]) -> None:
    """Add many entries (dicts of AuditEntry's columns) in one set-based insert, same transaction."""
    if entries:
        db.session.execute(insert(AuditEntry), entries)
