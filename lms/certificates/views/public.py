"""The public verify pages: /verify/<code>, its JSON twin, and the schools' published keys. No log-in.

Every look-up counts against the asker's address (a fixed window shared by all web processes through
the database); unknown codes count again, against a stricter hourly limit, so guessing stays hopeless
on top of the codes' 100 random bits.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.certificates import numbering
from lms.certificates.dates import local_today
from lms.certificates.services import public, ratelimit
from lms.certificates.vocabulary import GROUND_LABELS, STATE_LABELS, area_name
from lms.core.db import db
from lms.core.models import School
from lms.core.views.transaction import commits

public_bp = Blueprint("certificates_public", __name__, url_prefix="/verify")


def _verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


def _keys_url(school_code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/keys/{school_code}"


def _limited(as_json: bool):
    """A 429 answer when this address asked too often, else None (the count is committed either way)."""
    address = request.remote_addr or "unknown"
    allowed = ratelimit.hit("verify", address, limit=current_app.config["CERTIFICATES_VERIFY_PER_MINUTE"],
                            window_seconds=60)
    if allowed:
        return None
    message = _("Too many look-ups from your address. Wait a minute, then try again.")
    if as_json:
        response = jsonify(error="rate_limited", message=message)
    else:
        response = current_app.make_response(render_template("certificates/public/limited.html", message=message))
    response.status_code = 429
    response.headers["Retry-After"] = "60"
    return response


def _miss(code: str, as_json: bool):
    address = request.remote_addr or "unknown"
    allowed = ratelimit.hit("verify-miss", address, limit=current_app.config["CERTIFICATES_VERIFY_MISSES_PER_HOUR"],
                            window_seconds=3600)
    if not allowed:
        message = _("Too many unknown codes from your address. Wait an hour, then try again.")
        if as_json:
            return jsonify(error="rate_limited", message=message), 429, {"Retry-After": "3600"}
        return render_template("certificates/public/limited.html", message=message), 429, {"Retry-After": "3600"}
    malformed = not public.well_formed(code)
    message = (_("This is not a verification code: a code has 20 letters and digits, as printed under the QR code.")
               if malformed else _("No certificate has this code. Check it against the certificate: it is printed "
                                   "under the QR code."))
    if as_json:
        return jsonify(error="not_found", message=message), 404
    return render_template("certificates/public/not_found.html", message=message, code=code), 404


@public_bp.get("/")
def lookup():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certificates_public.verify", code=numbering.normalise_code(code)))
    return render_template("certificates/public/lookup.html")


@public_bp.get("/<code>")
@commits  # the look-ups counted against the address, whatever the answer
def verify(code: str):
    if code.endswith(".json"):
        return verify_json(code[:-5])
    limited = _limited(False)
    if limited:
        return limited
    cert = public.find_by_code(code)
    if cert is None:
        return _miss(code, False)
    if code != cert.verification_code:
        return redirect(url_for("certificates_public.verify", code=cert.verification_code))
    view = public.public_view(cert, local_today())
    return render_template("certificates/public/verify.html", view=view, cert=cert,
                           state_labels=STATE_LABELS, ground_labels=GROUND_LABELS, area_name=area_name,
                           display_code=numbering.display_code(cert.verification_code),
                           verify_url=_verify_url(cert.verification_code), keys_url=_keys_url(cert.school_code))


def verify_json(code: str):
    limited = _limited(True)
    if limited:
        return limited
    cert = public.find_by_code(code)
    if cert is None:
        return _miss(code, True)
    document = public.twin_document(public.public_view(cert, local_today()), verify_url=_verify_url,
                                    keys_url=_keys_url)
    response = jsonify(document)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@public_bp.get("/keys/<school_code>")
def keys(school_code: str):
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        abort(404)
    response = jsonify(public.keys_document(school, keys_url=_keys_url))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
