"""Pages of the SCORM plugin, under /scorm: packages (authoring), the player and its content, reports."""
from flask import Blueprint

bp = Blueprint("scorm", __name__, url_prefix="/scorm")

from lms.scorm.views import packages, player, reports  # noqa: E402,F401  (routes join the blueprint)
