"""Write to the audit log: every change that matters to an official's record."""
from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from lms.core.db import db
from lms.core.models import AuditEntry


def record(action: str, target_type: str, target_id, *, reason: str = "", actor_id: int | None = None,
           data: dict | None = None) -> AuditEntry:
    """Add an audit entry in the current transaction. The actor defaults to the logged-in user."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    entry = AuditEntry(action=action, target_type=target_type, target_id=str(target_id), reason=reason,
                       actor_id=actor_id, data=data or {})
    db.session.add(entry)
    return entry
