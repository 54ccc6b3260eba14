"""Scheduled work of the courses plugin: thin, the services decide (the scheduler commits once)."""
from __future__ import annotations

from lms.courses.services.reminders import remind_class_starts, remind_due_courses


def send_reminders() -> dict:
    """Due dates and class starts; safe to run any number of times a day (each notice is sent once)."""
    return {"due": remind_due_courses(), "class_starts": remind_class_starts()}
