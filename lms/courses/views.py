"""Pages of the courses plugin."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.get("/")
@login_required
def index():
    return render_template("courses/index.html")


@bp.get("/<key>/assets/<path:path>")
@login_required
def asset(key: str, path: str):
    from flask import abort
    abort(404)
