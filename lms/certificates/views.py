"""Pages of the certificates plugin."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


@bp.get("/")
@login_required
def index():
    return render_template("certificates/index.html")
