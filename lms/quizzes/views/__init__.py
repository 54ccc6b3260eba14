"""Pages of the quizzes plugin, one module per area; they share one blueprint."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.get("/mine")
def mine():
    return ""


@bp.get("/banks")
def banks():
    return ""


@bp.get("/<int:quiz_id>")
def quiz(quiz_id):
    return ""
