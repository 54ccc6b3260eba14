"""Rendering a notice or a mail from its pair of Jinja templates, in a chosen language.

A notification template "area/name" is the pair `templates/<area>/notifications/<name>.subject.txt`
and `.body.txt` (and optionally `.label.txt`, the kind's name on the preferences page). A mail that is
not a notification (the password reset) names its own stem, e.g. "core/notifications/mail/password_reset".

The templates see the notice's params as variables, plus `link` (absolute in mail, relative in the
app), `recipient_name` and `site_name`. They translate with `{{ _("...") }}`; the language is the
recipient's (User.locale), forced while rendering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

_NAME = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")
_NOTIFICATION_STEM = re.compile(r"^[a-z0-9_]+/notifications/[a-z0-9_]+$")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def check_template_name(template: str) -> None:
    """Fail loudly (a programming error) on a malformed name or a pair that does not exist."""
    if not _NAME.match(template or ""):
        raise ValueError(f"notification template must look like 'area/name', not {template!r}")
    stem = notification_stem(template)
    loader = current_app.jinja_env
    for suffix in (".subject.txt", ".body.txt"):
        try:
            loader.get_template(stem + suffix)
        except TemplateNotFound as missing:
            raise ValueError(f"notification template {stem + suffix} does not exist") from missing


def notification_stem(template: str) -> str:
    """"certificates/expiry_reminder" -> "certificates/notifications/expiry_reminder"."""
    area, name = template.split("/", 1)
    return f"{area}/notifications/{name}"


def is_notification_stem(stem: str) -> bool:
    return bool(_NOTIFICATION_STEM.match(stem))


def absolute_url(link: str | None) -> str | None:
    if not link:
        return link
    return urljoin(current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/", link)


def render_stem(stem: str, params: dict, *, locale: str, link: str | None = None,
                recipient_name: str = "") -> Rendered:
    """Render `<stem>.subject.txt` and `<stem>.body.txt` in `locale`."""
    subject = render_text(stem + ".subject.txt", params, locale=locale, link=link, recipient_name=recipient_name)
    body = render_text(stem + ".body.txt", params, locale=locale, link=link, recipient_name=recipient_name)
    # A subject is one line, whatever the template's trailing newline.
    return Rendered(subject=" ".join(subject.split()), body=body.strip() + "\n")


def render_text(name: str, params: dict, *, locale: str, link: str | None = None,
                recipient_name: str = "") -> str:
    """Render one text template in `locale`."""
    context = dict(params or {})
    context.update(link=link, recipient_name=recipient_name, site_name=current_app.config["SITE_NAME"])
    with force_locale(_known_locale(locale)):
        return render_template(name, **context)


def render_notification(template: str, params: dict, *, locale: str, link: str | None = None,
                        recipient_name: str = "", absolute: bool = False) -> Rendered:
    return render_stem(notification_stem(template), params, locale=locale,
                       link=absolute_url(link) if absolute else link, recipient_name=recipient_name)


def kind_label(template: str, *, locale: str) -> str:
    """The name of a kind of notice for the preferences page: `<name>.label.txt` if the area has one."""
    stem = notification_stem(template)
    try:
        with force_locale(_known_locale(locale)):
            return " ".join(render_template(stem + ".label.txt").split())
    except TemplateNotFound:
        return template.split("/", 1)[1].replace("_", " ").capitalize()


def _known_locale(locale: str | None) -> str:
    languages = current_app.config["LANGUAGES"]
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
