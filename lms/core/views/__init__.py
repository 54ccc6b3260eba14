"""The core's pages and commands, registered by the app factory."""
from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

from lms.core.extensions import login_manager


def register_core(app: Flask) -> None:
    from lms.core.commands import register_commands
    from lms.core.services.accounts import load_user
    from lms.core.views import admin, auth, main, org

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    for module in (main, auth, admin, org):
        app.register_blueprint(module.bp)
    register_commands(app)

    from lms.core import records
    records.init_app(app)

    @app.context_processor
    def navigation():
        def nav_items():
            items = current_app.extensions["lms"]["nav"]
            return [item for item in items if item.visible(current_user)]
        return {"nav_items": nav_items, "site_name": current_app.config["SITE_NAME"]}
