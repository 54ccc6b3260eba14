"""The training record's pages, under /records. Each module adds its routes to `bp`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")

from lms.records.views import admin, dashboard, outside, plans, record  # noqa: E402,F401  (routes)
