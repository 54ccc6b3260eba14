"""The player: its page and the commit endpoint (the package's files come from /content/: lms/scorm/sandbox.py)."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError, OperationalError

from lms.core import activities
from lms.core.db import db
from lms.core.views.main import safe_next
from lms.core.views.transaction import commits, discard_changes
from lms.scorm import labels, launch, tracking
from lms.scorm.models import ScormPackage
from lms.scorm.services import may_manage
from lms.scorm.tracking import Commit, CommitRefused
from lms.scorm.views import bp

COMMIT_TRIES = 3


def _package(package_id: int) -> ScormPackage:
    package = db.session.get(ScormPackage, package_id)
    if package is None:
        abort(404)
    return package


def _may_play(package: ScormPackage) -> bool:
    """Its managers, and learners of a course that holds it (whoever keeps courses answers, through the core)."""
    return may_manage(current_user, package) or activities.may_take(current_user, "scorm", str(package.id))


def _messages() -> dict:
    return {
        "saving": _("Saving…"), "saved": _("Saved."),
        "failed": _("Could not save your progress; trying again. Keep this page open."),
        "reset": _("Your attempt was reset by a lecturer. Reload the page to start again."),
        "expired": _("Your session has expired. Log in again in another tab, then come back: nothing is lost yet."),
        "ended": _("This part has ended. Choose the next part in the contents or press Next."),
        "notAllowed": _("This part cannot be opened from the contents now."),
        "broken": _("This package talks to the player in a way it does not understand: some of your progress "
                    "in it may not be saved. What was saved before is kept."),
        "flooded": _("This package sends the player too many messages: some are ignored. What was saved before "
                     "is kept."),
        "progress": _("%(done)s of %(total)s parts completed"),
        "statuses": {key: str(value) for key, value in labels.STATUSES.items()},
    }


@bp.get("/<int:package_id>/play")
@login_required
def play(package_id: int):
    package = _package(package_id)
    if not _may_play(package):
        abort(404)
    state = launch.player_state(package, current_user, start=request.args.get("item"))
    state["commitUrl"] = url_for("scorm.commit", package_id=package.id)
    state["tokenUrl"] = url_for("scorm.token")
    return render_template("scorm/player.html", package=package, state=state,
                           outline=launch.outline(package, state["items"]), messages=_messages(),
                           status_label=labels.status, back=_came_from())


def _came_from() -> str | None:
    """The page of this site that opened the player (a course's lesson page), to offer the way back."""
    if not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    if parts.netloc != request.host or parts.path.startswith(request.path.rsplit("/", 1)[0]):
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


@bp.get("/token")
def token():
    """A fresh CSRF token for an open player whose session was renewed (a new log-in in another tab)."""
    if not current_user.is_authenticated:
        return {"ok": False, "error": _("Your session has expired.")}, 401
    return {"ok": True, "token": generate_csrf()}


@bp.post("/<int:package_id>/commit")
@commits
def commit(package_id: int):
    if not current_user.is_authenticated:
        return {"ok": False, "error": _("Your session has expired.")}, 401
    package = _package(package_id)
    if not _may_play(package):
        return {"ok": False, "error": _("There is no such SCORM package.")}, 404
    if (request.content_length or 0) > current_app.config["SCORM_MAX_COMMIT_BYTES"]:
        return {"ok": False, "error": _("This commit is too large.")}, 413
    try:
        data = request.get_json(silent=True) if request.is_json else json.loads(request.form.get("payload") or "null")
        commit = Commit.from_payload(data or {})
    except (ValueError, CommitRefused) as problem:
        return {"ok": False, "error": str(problem) if isinstance(problem, CommitRefused)
                else _("The player sent a commit this server cannot read.")}, 400
    for attempt in range(COMMIT_TRIES):
        try:
            result = tracking.record_commit(package, current_user, commit)
            # Committed here, inside the retry, not only by the wrapper: the clash of two commits of one
            # learner at once (the page's last beacon and a fetch) may show only at the database's commit.
            db.session.commit()
            break
        except CommitRefused as refusal:
            discard_changes()
            return {"ok": False, "error": str(refusal)}, refusal.status
        except (IntegrityError, OperationalError):
            # Two commits of one learner at once: run it again.
            discard_changes()
            if attempt == COMMIT_TRIES - 1:
                raise
            package = _package(package_id)
    track, attempt_row = result.track, result.attempt
    item = next(i for i in package.items if i.identifier == commit.item)
    cmi = tracking.initial_cmi(package, item, track.cmi)
    context = tracking.context(package, item, track, current_user)
    return {
        "ok": True, "stale": result.stale, "rejected": result.rejected,
        "item": {"id": item.identifier, "status": track.status, "completed": track.completed,
                 "cmi": cmi, "context": context, "values": launch.launch_values(package.version, cmi, context)},
        "package": {"done": attempt_row.items_done, "total": len(package.launchable_items),
                    "completed": attempt_row.completed, "passed": attempt_row.passed, "score": attempt_row.score},
    }
