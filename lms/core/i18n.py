"""Languages (Vietnamese first, English second), dates as dd/mm/yyyy, times in Asia/Ho_Chi_Minh.

Each package keeps its own catalogue in `<package>/translations/`, so plugins translate themselves;
Flask-Babel merges the directories.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import LazyString, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup

from lms.core.extensions import babel

CORE_TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        chosen = session.get("lang")
        if chosen in languages:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        asked = request.args.get("lang")
        if asked in languages:
            return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code() -> str:
    return str(get_locale() or "vi")


def format_day(value: date | datetime | None) -> str:
    """dd/mm/yyyy in both languages (a datetime is shown in the platform's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def pick(obj, field: str) -> str:
    """`obj.<field>_vi` or `obj.<field>_en` by the current language, falling back to Vietnamese."""
    if locale_code() == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_vi")


def init_app(app: Flask, translation_dirs: list[Path]) -> None:
    # The core's catalogue, one per core sub-package that has its own (notifications ...),
    # then each enabled plugin's: every package translates itself, so no two teams edit one file.
    core_dirs = [CORE_TRANSLATIONS] + sorted(Path(__file__).parent.glob("*/translations"))
    dirs = [str(d) for d in core_dirs + list(translation_dirs)]
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=";".join(dirs))
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.globals["pick"] = pick
    app.jinja_env.globals["locale_code"] = locale_code
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Flask-Babel's lazy strings claim to be safe HTML (__html__), so a file name or tag interpolated
    # into a lazy message would reach the page unescaped. Our messages carry no markup: print them as text.
    app.jinja_env.finalize = _lazy_as_text


def _lazy_as_text(value):
    return str(value) if isinstance(value, LazyString) else value


def nl2br(text: str) -> Markup:
    return Markup("<br>").join(text.split("\n"))
