"""Authoring: the list of packages, uploading one, its page, uploading a new version."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.i18n import pick
from lms.core.models import School
from lms.core.views.transaction import commits, discard_changes
from lms.scorm import labels, services
from lms.scorm.forms import ReplaceForm, UploadForm
from lms.scorm.models import ScormPackage
from lms.scorm.views import bp
from lms.scorm.views.pages import page_of_rows


def managed_package(package_id: int) -> ScormPackage:
    package = db.session.get(ScormPackage, package_id)
    if package is None:
        abort(404)
    if not services.may_manage(current_user, package):
        abort(403)
    return package


def _limits_hint() -> str:
    config = current_app.config
    return _("A .zip with imsmanifest.xml at its root (SCORM 1.2 or 2004), at most %(zip)s MB, %(files)s files "
             "and %(unpacked)s MB unpacked.", zip=config["SCORM_MAX_ZIP_BYTES"] // (1024 * 1024),
             files=config["SCORM_MAX_FILES"], unpacked=config["SCORM_MAX_UNPACKED_BYTES"] // (1024 * 1024))


@bp.get("/packages")
@login_required
def packages():
    if not services.may_author(current_user):
        abort(403)
    page = page_of_rows(services.packages_for(current_user))
    school_ids = {row[0].school_id for row in page.items if row[0].school_id}
    schools = {}
    if school_ids:
        schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_(school_ids)))}
    return render_template("scorm/packages.html", page=page, schools=schools, edition_label=labels.edition)


@bp.route("/packages/new", methods=["GET", "POST"])
@login_required
@commits
def new_package():
    if not services.may_author(current_user):
        abort(403)
    allowed = services.authoring_school_ids(current_user)
    statement = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if allowed is not None:
        statement = statement.where(School.id.in_(allowed))
    form = UploadForm()
    form.school_id.choices = [(s.id, pick(s, "name")) for s in db.session.scalars(statement)]
    error = None
    if form.validate_on_submit():
        upload = form.package.data
        try:
            package, created = services.create_package(upload.stream, upload.filename or "package.zip",
                                                       school_id=form.school_id.data, user_id=current_user.id,
                                                       title=form.title.data)
        except DomainError as problem:
            discard_changes()
            error = str(problem)
        else:
            if created:
                flash(_("The package %(title)s is ready to play.", title=package.title), "success")
                if package.skipped_files:
                    flash(_("%(count)s operating-system files (such as __MACOSX) were left out.",
                            count=package.skipped_files), "warning")
            else:
                flash(_("This zip was already uploaded for the school: here is that package."), "warning")
            return redirect(url_for("scorm.package", package_id=package.id))
    status = 422 if error or form.errors else 200
    return render_template("scorm/new.html", form=form, error=error, hint=_limits_hint()), status


@bp.get("/packages/<int:package_id>")
@login_required
def package(package_id: int):
    package = managed_package(package_id)
    return _package_page(package, ReplaceForm(), error=None)


@bp.post("/packages/<int:package_id>/replace")
@login_required
@commits
def replace(package_id: int):
    package = managed_package(package_id)
    form = ReplaceForm()
    error = None
    if form.validate_on_submit():
        upload = form.package.data
        try:
            changed = services.replace_package(package, upload.stream, upload.filename or "package.zip",
                                               user_id=current_user.id)
        except DomainError as problem:
            discard_changes()
            error = str(problem)
        else:
            if changed:
                flash(_("The new version is in place; progress on unchanged items is kept."), "success")
            else:
                flash(_("This zip is the version already in place: nothing changed."), "warning")
            return redirect(url_for("scorm.package", package_id=package.id))
    return _package_page(managed_package(package_id), form, error=error), 422


def _package_page(package: ScormPackage, form: ReplaceForm, *, error: str | None) -> str:
    school = db.session.get(School, package.school_id) if package.school_id else None
    return render_template("scorm/package.html", package=package, school=school, form=form, error=error,
                           notes=[labels.note(n) for n in package.notes], hint=_limits_hint(),
                           edition_label=labels.edition)
