"""The save step of the admin edit pages: flush, audit, commit once, or say the code is taken."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms.core import audit
from lms.core.db import db


def save_with_audit(obj, action: str, target_type: str, duplicate_message: str) -> bool:
    """Persist `obj`; False (with the message flashed) when a unique code clashes."""
    if obj.id is None:
        db.session.add(obj)
    try:
        db.session.flush()
        audit.record(action, target_type, obj.id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(duplicate_message, "error")
        return False
    flash(_("Saved."), "success")
    return True
