"""Configuration: defaults, then the file named by LMS_SETTINGS, then LMS_* environment variables."""
from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_SECRET_KEY = "insecure-default-change-me"


class Defaults:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # Plugins to load, by entry-point name; the order does not matter ("requires" orders them).
    PLUGINS = ["courses", "quizzes", "certificates", "scorm", "records"]
    DATABASE_URL = None  # default: SQLite under the instance folder
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ["vi", "en"]
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"  # Flask-Login sets none by default
    # "Keep me logged in": the remember-me cookie and its server-side session last this long.
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: a long quiz must not fail on submit
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
    UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    # Login throttling: failures allowed per window, per account (whichever identifier was typed) and per
    # client address; past either, log-in waits until the oldest counted failure leaves the window.
    LOGIN_WINDOW_SECONDS = 15 * 60
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    # Activation of an account that has no password yet (lms/core/services/activation.py): how long a printed
    # letter's code and an e-mailed link work. Wrong codes count as failed log-ins (the limits above).
    ACTIVATION_LETTER_TTL_SECONDS = 30 * 24 * 3600
    ACTIVATION_MAIL_TTL_SECONDS = 7 * 24 * 3600
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Proxies in front of gunicorn (nginx: 1) whose X-Forwarded-For and -Proto are trusted, so that
    # per-address limits see the user's address, not the proxy's. 0: no proxy, trust no header.
    PROXY_COUNT = 0
    # Strict-Transport-Security's max-age on responses served over HTTPS (seen through PROXY_COUNT behind a
    # proxy): browsers then refuse plain HTTP to this host for that long. 0: no HSTS header.
    HSTS_SECONDS = 365 * 24 * 3600
    SITE_NAME = "LMS"
    # Positions that head a unit: the accounts page's bulk action makes these officials managers of their units.
    # A position matches when it opens with one of these ("Giám đốc Sở Nội vụ"), so deputies ("Phó ...") do not.
    UNIT_HEAD_POSITIONS = ("Giám đốc", "Chủ tịch", "Trưởng phòng", "Trưởng ban", "Chánh văn phòng", "Chánh thanh tra",
                           "Chi cục trưởng", "Cục trưởng", "Hiệu trưởng", "Viện trưởng")
    # Untrusted files (SCORM packages, uploaded HTML/SVG/XML: lms/core/untrusted.py) are served under
    # /content/<token>/ in a sandbox. None: on this host. A URL such as "https://content.example.gov.vn":
    # their links are built on that host (the same app answering there), so they are not even same-site.
    CONTENT_BASE_URL = None
    # How long a content link works: a long SCO session keeps loading pages through it.
    UNTRUSTED_CONTENT_SECONDS = 6 * 3600
    # Limits of every parser of uploaded or imported files (lms/core/limits.py), checked before expanding.
    IMPORT_MAX_LINE_CHARS = 100_000  # a line of a GIFT, Aiken or CSV file
    IMPORT_MAX_FIELD_CHARS = 32_767  # a cell of a CSV or XLSX table (Excel's own limit)
    IMPORT_MAX_ROWS = 100_000
    IMPORT_MAX_COLUMNS = 200
    YAML_MAX_BYTES = 1024 * 1024
    YAML_MAX_DEPTH = 40
    YAML_MAX_ALIASES = 100
    YAML_MAX_NODES = 100_000  # values once aliases are expanded: a "billion laughs" stops here
    XML_MAX_BYTES = 20 * 1024 * 1024
    XML_MAX_DEPTH = 100
    MARKUP_MAX_DEPTH = 100  # a lesson page's HTML nesting or Markdown indentation, in levels
    ZIP_MAX_NAME_CHARS = 1024
    ZIP_MAX_NESTED_ARCHIVES = 50  # zips inside a zip (a course's packages), each checked when it is opened
    ZIP_MAX_RATIO = 100  # per entry over 1 MB
    XLSX_MAX_ENTRIES = 5000
    XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
    XLSX_MAX_RATIO = 1000  # sheets of repeated cells compress far better than other files
    # Single sign-on: OpenID Connect identity providers, each offered on the login page (README, "Single sign-on").
    OIDC_PROVIDERS: list = []
    # The longest value any one form field may send; past it the request is refused with a message.
    FORM_MAX_FIELD_CHARS = 1024 * 1024


def _parse_env_value(name: str, raw: str):
    if name == "PLUGINS" and not raw.strip().startswith("["):
        return [p.strip() for p in raw.split(",") if p.strip()]
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_config(app, overrides: dict | None = None) -> None:
    app.config.from_object(Defaults)
    settings = os.environ.get("LMS_SETTINGS")
    if settings:
        path = Path(settings).resolve()
        if not path.is_file():
            raise ConfigError(f"Refusing to start: LMS_SETTINGS names {path}, which is not a file.")
        app.config.from_pyfile(str(path))
    for key, raw in os.environ.items():
        if key.startswith("LMS_") and key not in ("LMS_SETTINGS",) and not key.startswith("LMS_TEST_"):
            name = key[4:]
            app.config[name] = _parse_env_value(name, raw)
    if overrides:
        app.config.update(overrides)

    url = app.config.get("DATABASE_URL") or "sqlite:///" + str(Path(app.instance_path) / "lms.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config.setdefault("STORAGE_PATH", str(Path(app.instance_path) / "storage"))
    if app.debug or app.testing:
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False


def normalise_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class ConfigError(RuntimeError):
    """The configuration is not fit to start with (the message says what to set)."""


def check_secret_key(app) -> None:
    if app.debug or app.testing:
        return
    if not app.config.get("SECRET_KEY") or app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError(
            "Refusing to start: SECRET_KEY is the default. Set LMS_SECRET_KEY or SECRET_KEY in the "
            "file named by LMS_SETTINGS (see README, 'Production')."
        )
