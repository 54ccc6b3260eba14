"""The notifications' scheduled work (declared in lms/core/scheduler/registry.py)."""
from __future__ import annotations

from lms.core.notifications.outbox import drain_outbox


def drain_outbox_job() -> str:
    """Send what is due; a mail server that cannot be reached makes the run fail (MailServerDown)."""
    return str(drain_outbox())
