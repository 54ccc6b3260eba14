"""Scheduled work of the SCORM plugin: thin, the services do it."""
from __future__ import annotations

from lms.scorm import services


def remove_unused_folders() -> int:
    """Delete unpacked folders of old revisions and abandoned uploads (older than a day)."""
    return len(services.remove_unused_folders())
