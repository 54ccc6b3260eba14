"""Signal receivers: thin and idempotent; they run in the sender's transaction and only flush."""
from __future__ import annotations

from sqlalchemy import select

from lms.core import audit, events
from lms.core.db import db
from lms.core.models import AuditEntry
from lms.records.ledger import CreditFacts, add_credit, add_credits, withdraw_credit
from lms.records.models import ApiToken, CreditSource, Requirement, TrainingPlan


def _certificate_credit(payload: events.CertificateIssued) -> CreditFacts:
    return CreditFacts(
        official_id=payload.official_id, source=CreditSource.certificate, source_id=str(payload.certificate_id),
        title_vi=payload.title_vi, title_en=payload.title_en, content_area=payload.content_area,
        topics=tuple(payload.topics), periods=payload.periods, earned_on=payload.issued_on,
        school_id=payload.school_id, certificate_id=payload.certificate_id,
        verification_code=payload.verification_code)


def on_certificate_issued(sender, payload: events.CertificateIssued, **kwargs) -> None:
    if payload.copy_of is not None:
        return  # a re-issued copy of a lost certificate: the original's credit stands, nothing is added
    add_credit(_certificate_credit(payload))


def on_certificates_issued(sender, payloads: list[events.CertificateIssued], **kwargs) -> None:
    """A class's certificates at once: one set-based write instead of thousands of small ones."""
    add_credits([_certificate_credit(p) for p in payloads if p.copy_of is None])


def on_certificate_revoked(sender, payload: events.CertificateRevoked, **kwargs) -> None:
    reason = f"superseded by certificate {payload.superseded_by}" if payload.superseded_by else payload.ground
    if payload.note:
        reason = f"{reason}: {payload.note}"
    withdraw_credit(CreditSource.certificate, str(payload.certificate_id), reason=reason)


def on_class_attended(sender, payload: events.ClassAttended, **kwargs) -> None:
    add_credit(CreditFacts(
        official_id=payload.official_id, source=CreditSource.attendance,
        source_id=f"{payload.class_id}:{payload.official_id}", title_vi=payload.title_vi, title_en=payload.title_en,
        content_area=payload.content_area, topics=tuple(payload.topics), periods=payload.periods,
        earned_on=payload.earned_on, school_id=payload.school_id, class_id=payload.class_id))


def on_units_merged(sender, payload: events.UnitsMerged, **kwargs) -> None:
    """Credits keep the unit they were earned in and totals are per official, so nothing is moved.

    Reports roll the old units into their successor when they read; what the merger means for the
    record (plans, requirements and API tokens that name an old unit) is noted once in the audit log
    for the admins to review.
    """
    key = f"{payload.successor_id}:{','.join(map(str, sorted(payload.old_unit_ids)))}:{payload.effective_on}"
    done = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "records.units_merged",
                                                         AuditEntry.target_id == key))
    if done:
        return
    old = list(payload.old_unit_ids)
    data = {
        "plans": list(db.session.scalars(select(TrainingPlan.id).where(TrainingPlan.unit_id.in_(old)))),
        "requirements": list(db.session.scalars(select(Requirement.id).where(Requirement.unit_id.in_(old)))),
        "api_tokens": list(db.session.scalars(select(ApiToken.id).where(ApiToken.unit_id.in_(old),
                                                                        ApiToken.revoked_at.is_(None)))),
    }
    audit.record("records.units_merged", "units", key, data=data)
    db.session.flush()

