"""What the certificates plugin contributes to the platform."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms.core.plugins import NavItem, Plugin


class CertificatesPlugin(Plugin):
    name = "certificates"
    model_modules = ("lms.certificates.models",)

    def blueprint(self) -> Blueprint:
        from lms.certificates.views import bp
        return bp

    def nav(self) -> list[NavItem]:
        return [NavItem("certificates.index", _l("Certificates"), order=30, visible=lambda user: user.is_authenticated)]
