"""Pages of the certificates plugin: `certificates` (log-in, under /certificates) and
`certificates_public` (the verify pages, under /verify, no log-in)."""
from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

from lms.certificates.views import classes, holder, manage, register, setup  # noqa: E402,F401  (routes on bp)
from lms.certificates.views.public import public_bp  # noqa: E402,F401
