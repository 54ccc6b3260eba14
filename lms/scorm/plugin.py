"""What the SCORM plugin contributes: packages, the player, tracking, reports and the "scorm" activity type."""
from __future__ import annotations

import click
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.core.plugins import JobSpec, NavItem, Plugin


class ScormPlugin(Plugin):
    name = "scorm"
    model_modules = ("lms.scorm.models",)
    default_config = {
        "SCORM_MAX_ZIP_BYTES": 150 * 1024 * 1024,  # the uploaded zip
        "SCORM_MAX_UNPACKED_BYTES": 500 * 1024 * 1024,  # all its files, unpacked
        "SCORM_MAX_FILES": 10_000,
        "SCORM_MAX_COMPRESSION_RATIO": 100,  # per file (files over 1 MB): more looks like a zip bomb
        "SCORM_MAX_COMMIT_BYTES": 1024 * 1024,  # one commit from the player
    }

    def blueprint(self) -> Blueprint:
        from lms.scorm.views import bp
        return bp

    def cli(self) -> click.Group:
        from lms.scorm.cli import group
        return group

    def nav(self) -> list[NavItem]:
        from lms.scorm.services import may_author
        return [NavItem("scorm.packages", _l("SCORM packages"), order=25, visible=may_author)]

    def jobs(self) -> list[JobSpec]:
        from lms.scorm.jobs import remove_unused_folders
        return [JobSpec(id="scorm-remove-unused-folders", func=remove_unused_folders, trigger="interval",
                        trigger_args={"hours": 6}, description="Delete unpacked SCORM folders no package uses.")]

    def setup(self, app: Flask) -> None:
        from lms.core import activities, untrusted
        from lms.scorm import sandbox
        from lms.scorm.activity import ScormActivityType
        activities.register(app, ScormActivityType())
        untrusted.register(app, sandbox.KIND, sandbox.resolve)
