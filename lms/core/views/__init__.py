"""The core's pages and commands, registered by the app factory."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from lms.core.extensions import login_manager


def register_core(app: Flask) -> None:
    from lms.core import sso_client
    from lms.core.commands import register_commands
    from lms.core.services.sessions import load_user
    from lms.core.views import accounts_admin, activation, admin, auth, bounds, content, main, org, sso, transaction

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    sso_client.init_app(app)
    for module in (main, auth, activation, admin, accounts_admin, org, sso):
        app.register_blueprint(module.bp)
    content.init_app(app)
    transaction.init_app(app)
    bounds.init_app(app)
    register_commands(app)

    @app.context_processor
    def navigation():
        def nav_items():
            cache = request.environ  # once per request: the home page lists the menu a second time
            if "lms.nav_items" not in cache:
                user = current_user._get_current_object()
                cache["lms.nav_items"] = [item for item in current_app.extensions["lms"]["nav"] if item.visible(user)]
            return cache["lms.nav_items"]
        return {"nav_items": nav_items, "site_name": current_app.config["SITE_NAME"]}
