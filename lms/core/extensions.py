"""Flask extensions, created unbound and initialised by the app factory."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from lms.core.db import db  # noqa: F401  (re-exported: every model imports it from here or lms.core.db)

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
