"""The read-only JSON API for HR systems, under /api/v1 (documented by /api/v1/openapi.json).

Every call but the document needs `Authorization: Bearer <token>`; a token sees the officials and
units of its unit and the units below it. Errors are JSON: {"error": code, "message": text}.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core.db import db
from lms.core.models import Unit
from lms.core.views.transaction import commits
from lms.core.vocab import CONTENT_AREAS
from lms.records import dashboard as dash
from lms.records import tokens
from lms.records.dates import MAX_YEAR, MIN_YEAR, local_today
from lms.records.openapi import document
from lms.records.record import find_official, issuer_name, year_record

bp = Blueprint("records_api", __name__, url_prefix="/api/v1")


def problem(status: int, code: str, message: str):
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lms"'
    return response


def token_required(view):
    @wraps(view)
    @commits  # the token's last use, noted by authenticate()
    def wrapped(*args, **kwargs):
        token = tokens.authenticate(request.headers.get("Authorization"))
        if token is None:
            return problem(401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>. "
                                                  "Revoked tokens no longer work."))
        g.api_token = token
        return view(*args, **kwargs)
    return wrapped


def requested_year():
    raw = request.args.get("year")
    if raw is None:
        return local_today().year, None
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return None, problem(400, "bad_year", _("The year must be between %(first)s and %(last)s.",
                                                first=MIN_YEAR, last=MAX_YEAR))
    return year, None


def out_of_scope(what: str):
    unit = g.api_token.unit
    return problem(403, "forbidden", _("This token is for %(unit)s (%(code)s) and the units below it; %(what)s is "
                                       "not among them.", unit=unit.name_vi, code=unit.code, what=what))


def unit_json(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code, "name_vi": unit.name_vi, "name_en": unit.name_en, "level": unit.level.value}


def verify_link(code: str | None) -> str | None:
    if not code:
        return None
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{code}"


@bp.get("/officials/<employee_code>/record")
@token_required
def official_record(employee_code: str):
    year, error = requested_year()
    if error:
        return error
    person = find_official(employee_code)
    if person is None:
        return problem(404, "not_found", _("No official has the employee code %(code)s.", code=employee_code))
    if not tokens.covers_official(g.api_token, person):
        return out_of_scope(employee_code)
    record = year_record(person, year, local_today())
    return jsonify({
        "official": {
            "employee_code": person.employee_code, "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "kind": person.kind.value, "position": person.position, "rank": person.rank,
            "unit": unit_json(person.unit),
            "political_theory": {"level": person.political_theory_level or None,
                                 "school": person.political_theory_school or None,
                                 "year": person.political_theory_year},
        },
        "year": year,
        "total_periods": record.total,
        "periods_by_area": record.areas,
        "requirements": [{
            "id": s.requirement.id, "name_vi": s.requirement.name_vi, "name_en": s.requirement.name_en,
            "status": s.state.value, "missing_periods": s.missing,
            "parts": [{"content_area": p.area, "done": p.done, "required": p.required} for p in s.parts],
        } for s in record.statuses],
        "credits": [{
            "id": c.id, "title_vi": c.title_vi, "title_en": c.title_en, "content_area": c.content_area,
            "topics": list(c.topics or []), "periods": float(c.periods), "earned_on": c.earned_on.isoformat(),
            "source": c.source.value, "issuer": issuer_name(c) or None,
            "unit_at_the_time": unit_json(record.units.get(c.unit_id)),
            "certificate": ({"id": c.certificate_id, "verification_code": c.verification_code,
                             "verify_url": verify_link(c.verification_code)} if c.verification_code else None),
        } for c in record.credits],
        "withdrawn_credits": [{"id": c.id, "title_vi": c.title_vi, "periods": float(c.periods),
                               "earned_on": c.earned_on.isoformat(), "withdrawn_at": c.withdrawn_at.isoformat(),
                               "reason": c.withdrawn_reason} for c in record.withdrawn],
    })


@bp.get("/units/<code>/summary")
@token_required
def unit_summary(code: str):
    year, error = requested_year()
    if error:
        return error
    unit = db.session.scalar(select(Unit).options(joinedload(Unit.successor)).where(Unit.code == code))
    if unit is None:
        return problem(404, "not_found", _("No unit has the code %(code)s.", code=code))
    if not tokens.covers_unit(g.api_token, unit):
        return out_of_scope(code)
    data = dash.unit_dashboard(unit, year, local_today())

    def figures(f: dash.UnitFigures) -> dict:
        return {"officials": f.officials, "total_periods": f.total,
                "periods_by_area": {a: f.areas.get(a, 0.0) for a in CONTENT_AREAS},
                "meeting_requirements": [counts(r.id, f.requirements.get(r.id, dash.RequirementFigures()))
                                         for r in data.requirements]}

    def counts(requirement_id: int, f: dash.RequirementFigures) -> dict:
        return {"requirement_id": requirement_id, "applicable": f.applicable, "met": f.met, "on_track": f.on_track,
                "behind": f.behind}

    return jsonify({
        "unit": unit_json(unit) | {"merged_into": unit_json(unit.successor) if unit.successor_id else None},
        "year": year,
        "requirements": [{"id": r.id, "name_vi": r.name_vi, "name_en": r.name_en,
                          "min_periods": r.min_periods, "area_minimums": r.area_minimums} for r in data.requirements],
        **figures(data.whole),
        "own_officials": figures(data.own),
        "sub_units": [{"unit": unit_json(c.unit), **figures(c)} for c in data.children],
    })


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(current_app.config["PUBLIC_BASE_URL"]))
