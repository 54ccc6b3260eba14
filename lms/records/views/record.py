"""An official's record page, its XLSX and signed PDF transcript, evidence files, the verify page."""
from __future__ import annotations

import io

from flask import abort, current_app, jsonify, render_template, request, send_file
from flask_login import current_user, login_required

from lms.core import storage, untrusted
from lms.core.db import db
from lms.core.i18n import locale_code
from lms.core.models import Official
from lms.core.permissions import may_run_school, may_see_official
from lms.core.views.transaction import commits
from lms.core.vocab import CONTENT_AREAS, area_label, topic_label
from lms.records import exports, ratelimit, signing, transcript
from lms.records.dates import local_today, parse_year
from lms.records.labels import SOURCE_LABELS, political_theory_label
from lms.records.models import TrainingCredit
from lms.records.record import issuer_name, year_record
from lms.records.requirements import STATE_LABELS
from lms.records.views import bp


def _visible_official(official_id: int) -> Official:
    person = db.session.get(Official, official_id)
    if person is None or not may_see_official(current_user, person):
        abort(404)
    return person


@bp.get("/")
@login_required
def my_record():
    if not current_user.official_id:
        return render_template("records/no_record.html")
    return official_record(current_user.official_id)


@bp.get("/officials/<int:official_id>")
@login_required
def official_record(official_id: int):
    person = _visible_official(official_id)
    today = local_today()
    year = parse_year(request.args.get("year"), today.year, allow_all=True)
    record = year_record(person, year, today)
    years = sorted(set(record.years) | {today.year}, reverse=True)
    area_rows = [(area_label(area, locale_code()), record.areas[area]) for area in CONTENT_AREAS]
    return render_template("records/record.html", record=record, years=years, today=today, area_rows=area_rows,
                           areas=CONTENT_AREAS, area_label=area_label, topic_label=topic_label,
                           source_labels=SOURCE_LABELS, state_labels=STATE_LABELS, issuer_name=issuer_name,
                           political_theory_label=political_theory_label, own=person.id == current_user.official_id)


@bp.get("/officials/<int:official_id>/record.xlsx")
@login_required
def record_xlsx(official_id: int):
    person = _visible_official(official_id)
    today = local_today()
    year = parse_year(request.args.get("year"), today.year, allow_all=True)
    data = exports.record_xlsx(year_record(person, year, today))
    name = f"record-{person.employee_code}-{year or 'all'}.xlsx"
    return send_file(_bytes(data), mimetype=exports.XLSX_MIMETYPE, as_attachment=True, download_name=name)


@bp.get("/officials/<int:official_id>/transcript.pdf")
@login_required
@commits  # the issued transcript is kept: its code is printed on the PDF
def transcript_pdf(official_id: int):
    person = _visible_official(official_id)
    today = local_today()
    year = parse_year(request.args.get("year"), today.year, allow_all=True)
    issued = transcript.issue(year_record(person, year, today), actor_id=current_user.id)
    data = transcript.render_pdf(issued, person, locale_code())
    name = f"transcript-{person.employee_code}-{year or 'all'}.pdf"
    return send_file(_bytes(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/credits/<int:credit_id>/evidence")
@login_required
def evidence(credit_id: int):
    credit = db.session.get(TrainingCredit, credit_id)
    if credit is None or credit.evidence is None:
        abort(404)
    if not (may_see_official(current_user, credit.official_id)
            or may_run_school(current_user, credit.recorded_by_school_id)):
        abort(404)
    stored = credit.evidence
    # Always a download; the sandbox in case a browser renders it anyway.
    return untrusted.harden(send_file(storage.path_for(stored.sha256), mimetype=stored.content_type,
                                      as_attachment=True, download_name=stored.filename))


def _rate_limited() -> bool:
    """Count this look-up against the asker's address; the view's @commits keeps the count, refused or not."""
    cfg = current_app.config
    allowed = ratelimit.allow("transcript-verify", request.remote_addr or "", limit=cfg["RECORDS_VERIFY_LIMIT"],
                              window_seconds=cfg["RECORDS_VERIFY_WINDOW_SECONDS"])
    return not allowed


@bp.get("/verify/<code>")
@commits  # the look-up counted against the address, whatever the answer
def verify(code: str):
    """Public: is this transcript genuine, and has anything on it been withdrawn since?"""
    if _rate_limited():
        return render_template("records/verify.html", limited=True, result=None, code=code), 429
    result = transcript.verify(code[:40])
    status = 200 if result is not None else 404
    return render_template("records/verify.html", limited=False, result=result, code=code,
                           area_label=area_label, areas=CONTENT_AREAS), status


@bp.get("/verify/<code>/signed.json")
@commits  # the look-up counted against the address, whatever the answer
def verify_json(code: str):
    """The signed facts, the signature and the public key, for checking offline."""
    if _rate_limited():
        return jsonify({"error": "too_many_requests"}), 429
    result = transcript.verify(code[:40])
    if result is None:
        return jsonify({"error": "not_found"}), 404
    t = result.transcript
    return jsonify({"code": t.code, "issued_at": t.issued_at.replace(microsecond=0).isoformat(), "facts": t.facts,
                    "signature": t.signature, "algorithm": "Ed25519", "key_id": t.key_id,
                    "public_key_pem": signing.public_key_pem(), "signature_valid": result.signature_valid,
                    "signed_message": "canonical JSON of {code, issued_at, facts}: keys sorted, no spaces, UTF-8",
                    "withdrawn_since": [c.id for c in result.withdrawn_since]})


def _bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
