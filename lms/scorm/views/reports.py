"""Reports for lecturers: per official and item, status, score, time and attempts; resetting an attempt."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.core.db import db
from lms.core.errors import NotFound
from lms.core.models import Official, User
from lms.core.views.transaction import commits
from lms.scorm import labels, reporting, timing
from lms.scorm.forms import ResetForm
from lms.scorm.views import bp
from lms.scorm.views.packages import managed_package
from lms.scorm.views.pages import page_of_rows


@bp.get("/<int:package_id>/report")
@login_required
def report(package_id: int):
    package = managed_package(package_id)
    page = page_of_rows(reporting.latest_attempts(package.id))
    return render_template("scorm/report.html", package=package, page=page, rows=reporting.learner_rows(page.items),
                           items=package.launchable_items, clock=timing.clock, status_label=labels.status,
                           form=ResetForm())


@bp.get("/<int:package_id>/report/<int:user_id>")
@login_required
def learner(package_id: int, user_id: int):
    package = managed_package(package_id)
    try:
        attempts = reporting.learner_attempts(package.id, user_id)
    except NotFound:
        abort(404)
    person = db.session.get(User, user_id)
    official = db.session.get(Official, person.official_id) if person and person.official_id else None
    titles = {item.identifier: item.title for item in package.items}
    return render_template("scorm/learner.html", package=package, attempts=attempts, person=person,
                           official=official, titles=titles, clock=timing.clock, status_label=labels.status,
                           interactions=reporting.interactions, form=ResetForm())


@bp.post("/<int:package_id>/report/<int:user_id>/reset")
@login_required
@commits
def reset(package_id: int, user_id: int):
    package = managed_package(package_id)
    form = ResetForm()
    if not form.validate_on_submit() or not form.attempt.data.isdigit():
        abort(400)
    if reporting.reset_attempt(package, user_id, int(form.attempt.data), actor_id=current_user.id):
        flash(_("Attempt %(number)s was reset: the next launch starts a new attempt.", number=form.attempt.data),
              "success")
    else:
        flash(_("That attempt was already reset."), "warning")
    return redirect(url_for("scorm.learner", package_id=package.id, user_id=user_id))
