"""Pages of the quizzes plugin."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.get("/")
@login_required
def index():
    return render_template("quizzes/index.html")
