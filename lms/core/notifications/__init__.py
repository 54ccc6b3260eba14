"""In-app notifications and e-mail.

`notify(user_id, template, params, *, link=None, mandatory=False, dedupe_key, email=True)` is the one
call plugins make: see `lms.core.notifications.services.notify`.
"""
from __future__ import annotations

from flask import Flask

from lms.core.notifications.models import Notification
from lms.core.notifications.services import notify

__all__ = ["Notification", "init_app", "notify"]


def init_app(app: Flask) -> None:
    """Called by the app factory: settings and pages (the models join the metadata on import)."""
    from lms.core.notifications import admin_views, config, password_views, views

    for key, value in config.DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(password_views.bp)
    app.register_blueprint(views.bp)
