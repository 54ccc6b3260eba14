"""Pages of the quizzes plugin, one module per area; they share one blueprint."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")

from lms.quizzes.views import authoring, banks, learner, results  # noqa: E402,F401  (routes join the blueprint)
