"""A package's files, served by the core's untrusted-content route (lms/core/untrusted.py) in a sandbox.

Every HTML document of a package gets the scorm-again cross-frame client first in its head, so that a SCO
finds window.API / window.API_1484_11 in its own window, whose calls travel by postMessage to the player
page; nothing of the player's origin is within its reach.
"""
from __future__ import annotations

from flask import url_for
from markupsafe import escape

from lms.core import untrusted
from lms.core.db import db
from lms.scorm import files
from lms.scorm.models import ScormPackage

KIND = "scorm"


def key(package: ScormPackage) -> str:
    return f"{package.id}:{package.revision}"


def resolve(key: str) -> untrusted.Content | None:
    """The folder of one revision of a package; None once the package or that revision is gone."""
    package_id, _, revision = key.partition(":")
    package = db.session.get(ScormPackage, int(package_id)) if package_id.isdigit() else None
    if package is None or str(package.revision) != revision:
        return None
    return untrusted.Content(folder=files.package_folder(package.id, package.revision),
                             content_type=files.content_type, inject=bridge, frames_itself=True)


def bridge(grant: untrusted.Grant) -> str:
    """The scripts put first in each HTML document: the client, then ours, which knows the player's origin."""
    client = url_for("static", filename="vendor/scorm-again/cross-frame-api.min.js")
    ours = url_for("static", filename="scorm/bridge.js")
    return (f'<script src="{escape(client)}"></script>'
            f'<script src="{escape(ours)}" data-player-origin="{escape(grant.origin)}"></script>')
