"""The app factory: a fixed order, no database query while the app is being created."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from lms.core import i18n, security_headers
from lms.core.config import check_secret_key, load_config
from lms.core.db import db
from lms.core.extensions import csrf, login_manager
from lms.core.folders import PACKAGE_ROOT, top_level_folder
from lms.core.plugins import load_plugins


def create_app(config: dict | None = None) -> Flask:
    # Unset, Flask's own default: instance/ beside lms/ in a checkout, <venv>/var/lms-instance once installed.
    instance_path = os.environ.get("LMS_INSTANCE_PATH")
    app = Flask("lms", root_path=str(PACKAGE_ROOT),
                instance_path=os.path.abspath(instance_path) if instance_path else None,
                template_folder=str(top_level_folder("templates")), static_folder=str(PACKAGE_ROOT / "static"))
    load_config(app, config)
    check_secret_key(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    plugins = load_plugins(list(app.config["PLUGINS"]))
    app.extensions["lms"] = {"plugins": plugins, "activity_types": {}, "nav": [], "jobs": []}

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app, [p.translations_dir for p in plugins.values() if p.translations_dir])

    from lms.core import models  # noqa: F401  (core tables join the metadata)
    from lms.core.views import register_core
    register_core(app)
    from lms.core import notifications, scheduler
    notifications.init_app(app)
    scheduler.init_app(app)

    for plugin in plugins.values():
        plugin.init_app(app)
        app.extensions["lms"]["nav"].extend(plugin.nav())
        app.extensions["lms"]["jobs"].extend(plugin.jobs())
    app.extensions["lms"]["nav"].sort(key=lambda item: item.order)

    _register_error_pages(app)
    security_headers.init_app(app)
    return app


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("core/error.html", code=400, error_kind="csrf"), 400

    for code in (400, 403, 404, 405, 413, 429, 500):
        def handler(error, code=code):
            if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
                return {"error": code}, code
            return render_template("core/error.html", code=code, error_kind=None), code
        app.register_error_handler(code, handler)
