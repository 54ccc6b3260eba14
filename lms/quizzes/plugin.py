"""What the quizzes plugin contributes to the platform."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms.core.plugins import NavItem, Plugin


class QuizzesPlugin(Plugin):
    name = "quizzes"
    model_modules = ("lms.quizzes.models",)

    def blueprint(self) -> Blueprint:
        from lms.quizzes.views import bp
        return bp

    def nav(self) -> list[NavItem]:
        return [NavItem("quizzes.index", _l("Quizzes"), order=20, visible=lambda user: user.is_authenticated)]
