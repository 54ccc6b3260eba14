"""An official's own certificates, and the downloads of one certificate."""
from __future__ import annotations

import json

from flask import abort, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.certificates import openbadges
from lms.certificates.dates import local_today
from lms.certificates.models import Certificate, Status
from lms.certificates.pdf import render
from lms.certificates.services import public
from lms.certificates.views import bp
from lms.certificates.vocabulary import KIND_LABELS, STATE_BADGES, STATE_LABELS, VARIANT_LABELS, area_name
from lms.core.db import db
from lms.core.permissions import may_run_school, may_see_official


def may_see(user, cert: Certificate) -> bool:
    """The holder, their unit managers, the school (or its successor) and admins."""
    return (may_see_official(user, cert.official_id) or may_run_school(user, cert.school_id)
            or may_run_school(user, public.authority(cert.school_id).id))


def certificate_or_404(certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not may_see(current_user, cert):
        abort(404)
    return cert


@bp.get("/")
@login_required
def index():
    from lms.core.permissions import school_ids
    if not current_user.official_id and (current_user.is_admin or school_ids(current_user)):
        return redirect(url_for("certificates.register"))
    return redirect(url_for("certificates.mine"))


@bp.get("/mine")
@login_required
def mine():
    certificates = []
    if current_user.official_id:
        certificates = list(db.session.scalars(
            select(Certificate).where(Certificate.official_id == current_user.official_id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc())))
    today = local_today()
    return render_template("certificates/mine.html", certificates=certificates,
                           states={c.id: public.state_of(c, today).value for c in certificates},
                           state_labels=STATE_LABELS, state_badges=STATE_BADGES, kind_labels=KIND_LABELS,
                           variant_labels=VARIANT_LABELS, area_name=area_name)


@bp.get("/<int:certificate_id>/pdf")
@login_required
def pdf(certificate_id: int):
    cert = certificate_or_404(certificate_id)
    withdrawn = cert.status in (Status.revoked, Status.superseded)
    if withdrawn and not (may_run_school(current_user, cert.school_id) or current_user.is_admin
                          or may_run_school(current_user, public.authority(cert.school_id).id)):
        return render_template("certificates/withdrawn.html", cert=cert), 410
    try:
        path = render.cached_pdf(cert)
    except render.MissingImage as problem:
        return render_template("certificates/print_problem.html", cert=cert, message=str(problem)), 503
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=render.download_name(cert),
                     max_age=0)


def _badge_source(certificate_id: int):
    cert = certificate_or_404(certificate_id)
    if cert.status in (Status.revoked, Status.superseded):
        return cert, (render_template("certificates/withdrawn.html", cert=cert), 410)
    return cert, None


@bp.get("/<int:certificate_id>/badge.json")
@login_required
def badge(certificate_id: int):
    """The certificate as an Open Badges 3.0 AchievementCredential with an eddsa-jcs-2022 proof."""
    cert, refused = _badge_source(certificate_id)
    if refused:
        return refused
    base = current_app.config["PUBLIC_BASE_URL"]
    document = openbadges.add_proof(openbadges.credential(cert, base_url=base), key=cert.key,
                                    method=openbadges.verification_method(base, cert), created=cert.issued_at)
    response = current_app.response_class(json.dumps(document, ensure_ascii=False, indent=2),
                                          mimetype="application/vc+ld+json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{render.download_name(cert)[:-4]}.openbadge.json"')
    return response


@bp.get("/<int:certificate_id>/badge.jwt")
@login_required
def badge_jwt(certificate_id: int):
    """The same credential as a VC-JWT (verifiable with any JOSE library and the school's public key)."""
    cert, refused = _badge_source(certificate_id)
    if refused:
        return refused
    base = current_app.config["PUBLIC_BASE_URL"]
    token = openbadges.vc_jwt(openbadges.credential(cert, base_url=base), key=cert.key,
                              method=openbadges.verification_method(base, cert))
    response = current_app.response_class(token, mimetype="application/vc+jwt")
    response.headers["Content-Disposition"] = f'attachment; filename="{render.download_name(cert)[:-4]}.openbadge.jwt"'
    return response
