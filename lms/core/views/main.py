"""Home, language switch and the health check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from lms.core.db import db
from lms.core.views.transaction import commits, discard_changes

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    return render_template("core/home.html")


@bp.post("/lang")
@commits
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"))


@bp.get("/ping")
def ping():
    """Liveness: the process answers (no database). Also the benchmarks' bare-endpoint ceiling."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # a load balancer wants a status, not a stack trace
        discard_changes()
        return {"status": "error", "database": type(exc).__name__}, 503
    return {"status": "ok", "database": "ok"}


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after log-in or a language switch (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
