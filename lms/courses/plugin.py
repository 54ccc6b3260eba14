"""What the courses plugin contributes to the platform."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms.core.plugins import NavItem, Plugin


class CoursesPlugin(Plugin):
    name = "courses"
    model_modules = ("lms.courses.models",)

    def blueprint(self) -> Blueprint:
        from lms.courses.views import bp
        return bp

    def nav(self) -> list[NavItem]:
        return [NavItem("courses.index", _l("Courses"), order=10, visible=lambda user: user.is_authenticated)]
