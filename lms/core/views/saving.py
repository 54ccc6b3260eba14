"""The save step of the admin edit pages: flush, audit, or say the code is taken (the view's wrapper commits)."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from lms.core import audit
from lms.core.db import db
from lms.core.views.transaction import flash_domain_errors


def save_with_audit(obj, action: str, target_type: str, duplicate_message: str, then=None) -> bool:
    """Persist `obj`, then run `then(obj)` if given; False (with the message flashed) when a unique code
    clashes or `then` refuses with a DomainError."""
    if obj.id is None:
        db.session.add(obj)
    with flash_domain_errors(duplicate=duplicate_message):
        db.session.flush()
        if then is not None:
            then(obj)
        audit.record(action, target_type, obj.id)
        flash(_("Saved."), "success")
        return True
    return False
