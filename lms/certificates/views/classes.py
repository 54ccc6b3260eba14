"""A class, for its school's admins: who may get a certificate and why not, issuing them in bulk,
and the class's certificates as one streamed ZIP."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lms.certificates import archive
from lms.certificates.dates import local_today
from lms.certificates.forms import IssueForm
from lms.certificates.pdf import render
from lms.certificates.services import setup
from lms.certificates.services.eligibility import class_eligibility, class_facts, find_rule, require_catalog
from lms.certificates.services.issuing import certificates_of_class, issue_for_class
from lms.certificates.views import bp
from lms.certificates.vocabulary import STATE_BADGES, STATE_LABELS
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Role, User
from lms.core.permissions import may_run_school, roles_required
from lms.core.views.transaction import commits, flash_domain_errors

SHOWN = 200  # rows of long lists shown on the page (the register and the ZIP have them all)


def _class_or_404(class_id: int):
    try:
        klass, course = class_facts(class_id)
    except DomainError:
        abort(404)
    rule = find_rule(course.key, klass.id)
    school_id = rule.school_id if rule else klass.school_id
    if not may_run_school(current_user, school_id):
        abort(404)
    return klass, course, rule


@bp.get("/classes")
@roles_required(Role.school_admin)
def classes():
    try:
        provider = require_catalog()
    except DomainError as problem:
        return render_template("certificates/classes.html", problem=str(problem), groups=[])
    groups = [(school, sorted(provider.classes(school_id=school.id), key=lambda k: (k.starts_on is None,
                                                                                    k.starts_on), reverse=True))
              for school in setup.schools_for(current_user)]
    return render_template("certificates/classes.html", problem=None, groups=groups)


@bp.get("/classes/<int:class_id>")
@roles_required(Role.school_admin)
def class_page(class_id: int):
    klass, course, rule = _class_or_404(class_id)
    eligibility, problem = None, None
    try:
        eligibility = class_eligibility(class_id, local_today())
    except DomainError as error:
        problem = str(error)
    users = {}
    if eligibility:
        ids = {v.candidate.user_id for v in eligibility.verdicts if v.candidate.user_id}
        users = {u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(ids or {0})))}
    issued = list(db.session.scalars(certificates_of_class(class_id).limit(SHOWN)))
    issued_count = db.session.scalar(select(func.count()).select_from(
        certificates_of_class(class_id).order_by(None).subquery()))
    return render_template("certificates/class.html", klass=klass, course=course, rule=rule, eligibility=eligibility,
                           problem=problem, users=users, issued=issued, issued_count=issued_count, form=IssueForm(),
                           state_labels=STATE_LABELS, state_badges=STATE_BADGES)


@bp.post("/classes/<int:class_id>/issue")
@roles_required(Role.school_admin)
@commits
def issue_class(class_id: int):
    _class_or_404(class_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    with flash_domain_errors():
        report, _eligibility = issue_for_class(class_id, actor_id=current_user.id)
        if report.issued:
            flash(_("%(n)s certificates were issued.", n=len(report.issued)), "success")
        else:
            flash(_("No new certificate: everyone eligible already has one."), "warning")
        if report.not_eligible:
            flash(_("%(n)s learners are not eligible; the table says why.", n=report.not_eligible), "warning")
    return redirect(url_for("certificates.class_page", class_id=class_id))


@bp.get("/classes/<int:class_id>/certificates.zip")
@roles_required(Role.school_admin)
def class_zip(class_id: int):
    klass, _course, _rule = _class_or_404(class_id)
    ids = archive.class_certificate_ids(class_id)
    if not ids:
        flash(_("This class has no certificates to download yet."), "warning")
        return redirect(url_for("certificates.class_page", class_id=class_id))
    # A missing image must be a clear page, not a ZIP broken half-way: check before the first byte.
    try:
        archive.check_printable(class_id)
    except render.MissingImage as problem:
        flash(str(problem), "error")
        return redirect(url_for("certificates.class_page", class_id=class_id))
    name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in klass.code) or str(class_id)
    response = Response(stream_with_context(archive.stream_zip(ids)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="certificates-{name}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response
