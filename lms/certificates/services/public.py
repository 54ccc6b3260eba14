"""What anyone may learn about a certificate from its code: the public verify page and its JSON twin.

The state is computed, not trusted from the stored column alone: a valid certificate past its expiry
date is expired even before the daily job marks it. A school merged into another answers through its
successor, which is now responsible for the certificate (and may revoke it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from lms.certificates import numbering, signing
from lms.certificates.models import Certificate, SchoolKey, Status, Variant
from lms.certificates.verification import status_statement
from lms.core.db import db, utcnow
from lms.core.models import School


def find_by_code(code: str) -> Certificate | None:
    code = numbering.normalise_code(code)
    if len(code) != numbering.CODE_LENGTH or any(c not in numbering.CODE_ALPHABET for c in code):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def well_formed(code: str) -> bool:
    code = numbering.normalise_code(code)
    return len(code) == numbering.CODE_LENGTH and all(c in numbering.CODE_ALPHABET for c in code)


def state_of(cert: Certificate, today: date) -> Status:
    if cert.status is Status.valid and cert.expires_on is not None and cert.expires_on <= today:
        return Status.expired
    return cert.status


def authority(school_id: int) -> School:
    """The school now answerable for a school's certificates: itself, or the end of its successor chain."""
    school = db.session.get(School, school_id)
    seen = {school.id}
    while school.successor_id and school.successor_id not in seen:
        school = db.session.get(School, school.successor_id)
        seen.add(school.id)
    return school


@dataclass
class PublicView:
    cert: Certificate
    state: Status
    facts: dict
    issuer: School
    authority: School
    superseded_by: Certificate | None = None
    original: Certificate | None = None
    supersedes: Certificate | None = None
    copies: list[Certificate] = field(default_factory=list)

    @property
    def merged(self) -> bool:
        return self.authority.id != self.issuer.id


def public_view(cert: Certificate, today: date) -> PublicView:
    related = {c.id: c for c in db.session.scalars(select(Certificate).where(
        (Certificate.id.in_([i for i in (cert.superseded_by_id, cert.original_id, cert.supersedes_id) if i]))
        | ((Certificate.original_id == cert.id) & (Certificate.variant == Variant.copy))))}
    copies = sorted((c for c in related.values() if c.original_id == cert.id and c.variant is Variant.copy),
                    key=lambda c: c.id)
    return PublicView(cert=cert, state=state_of(cert, today), facts=json.loads(cert.facts_json),
                      issuer=db.session.get(School, cert.school_id), authority=authority(cert.school_id),
                      superseded_by=related.get(cert.superseded_by_id), original=related.get(cert.original_id),
                      supersedes=related.get(cert.supersedes_id), copies=copies)


def status_document(view: PublicView, *, verify_url, at: datetime | None = None) -> dict:
    """The status part of the JSON twin (signed separately from the facts, as of now)."""
    cert = view.cert
    return {
        "state": view.state.value,
        "as_of": (at or utcnow()).replace(microsecond=0).isoformat(),
        "expires_on": cert.expires_on.isoformat() if cert.expires_on else None,
        "revoked_at": cert.revoked_at.replace(microsecond=0).isoformat() if cert.revoked_at else None,
        "revocation_ground": cert.revocation_ground or None,
        "superseded_by": verify_url(view.superseded_by.verification_code) if view.superseded_by else None,
        "copy_of": verify_url(view.original.verification_code) if view.original else None,
        "copies": [{"register_number": c.register_number, "issued_on": c.issued_on.isoformat()} for c in view.copies],
        "responsible_school": {"code": view.authority.code, "name_vi": view.authority.name_vi,
                               "name_en": view.authority.name_en},
    }


def twin_document(view: PublicView, *, verify_url, keys_url) -> dict:
    """The JSON twin of the verify page: signed facts, public key, and a signed status statement."""
    cert = view.cert
    status = status_document(view, verify_url=verify_url)
    statement = status_statement(view.facts, cert.facts_signature, status)
    return {
        "lms_certificate": 1,
        "verify_url": verify_url(cert.verification_code),
        "facts": view.facts,
        "facts_signature": cert.facts_signature,
        "kid": cert.key.kid,
        "public_key": signing.public_jwk(cert.key),
        "keys_url": keys_url(cert.school_code),
        "status": status,
        "status_signature": signing.sign(cert.key, statement),
    }


def keys_document(school: School, *, keys_url) -> dict:
    """A school's published keys (retired ones too: old certificates still verify with them)."""
    keys = db.session.scalars(select(SchoolKey).where(SchoolKey.school_id == school.id).order_by(SchoolKey.id))
    responsible = authority(school.id)
    return {
        "school": {"code": school.code, "name_vi": school.name_vi, "name_en": school.name_en},
        "responsible_school": ({"code": responsible.code, "name_vi": responsible.name_vi,
                                "keys_url": keys_url(responsible.code)} if responsible.id != school.id else None),
        "keys": [dict(signing.public_jwk(k), created=k.created_at.date().isoformat(),
                      retired=k.retired_at.date().isoformat() if k.retired_at else None) for k in keys],
    }
