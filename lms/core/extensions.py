"""Flask extensions, created unbound and initialised by the app factory (the database is lms.core.db.db)."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
