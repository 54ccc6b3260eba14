"""After issue: revoking, re-issuing a copy for a lost certificate, correcting (superseding).

Each is audited with who, when and why, and sent on the event bus for the training record: a
revocation or a supersession withdraws the credit (`certificate_revoked`), a correction adds its own
(`certificate_issued`), a copy adds none (`certificate_issued` with `copy_of`). Records of revoked and
superseded certificates stay. The school that issued a certificate acts on it; once that school is
merged, its successor does; once dissolved, the platform's administrators (the body above) do.

Each action locks the certificate's row first and takes a request key, so a double-clicked form does
the work once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.certificates import numbering, signing
from lms.certificates.dates import local_today
from lms.certificates.models import Certificate, CertificateTemplate, RevocationGround, Status, Variant
from lms.certificates.services.issuing import insert_certificates, send_issued, sign_row
from lms.certificates.services.public import authority, state_of
from lms.core import audit, events
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import School
from lms.core.permissions import may_run_school
from lms.core.text import fold, nfc
from lms.core.vocab import CONTENT_AREAS

COPIED_COLUMNS = (
    "official_id", "user_id", "template_id", "rule_id", "course_key", "course_id", "class_id", "enrolment_id", "cycle",
    "kind", "holder_name", "holder_name_folded", "holder_birth_date", "holder_employee_code", "holder_unit_name",
    "course_title_vi", "course_title_en", "class_code", "content_area", "topics", "periods", "starts_on", "ends_on",
    "completed_at", "final_score", "attendance_rate", "expires_on", "layout", "signature_file_id", "seal_file_id",
    "background_file_id", "birth_date_salt",
)


class AlreadyDone(DomainError):
    """The action was already taken (a second click, or someone else): nothing more was done."""


def may_manage(user, cert: Certificate) -> bool:
    """May this person revoke, re-issue or correct the certificate?"""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    responsible = authority(cert.school_id)
    return responsible.active and may_run_school(user, responsible.id)


def _locked(cert: Certificate) -> Certificate:
    """Take the certificate's row lock (a second click waits here, then sees the first one's work)."""
    db.session.execute(select(Certificate.id).where(Certificate.id == cert.id).with_for_update())
    db.session.refresh(cert)
    return cert


def _by_request_key(key: str | None) -> Certificate | None:
    if not key:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.request_key == key))


def _note(note: str) -> str:
    note = nfc(note)
    if not note:
        raise DomainError(_l("Write down why: the register keeps the reason."))
    if len(note) > 2000:
        raise DomainError(_l("The note is longer than 2,000 characters."))
    return note


def revoke(cert: Certificate, *, ground: str, note: str, actor_id: int | None) -> list[Certificate]:
    """Revoke a certificate on a legal ground (and the copies made of it); returns what was revoked."""
    if ground not in {g.value for g in RevocationGround}:
        raise DomainError(_l("Choose one of the legal grounds for revoking."))
    note = _note(note)
    cert = _locked(cert)
    if cert.status is Status.revoked:
        raise AlreadyDone(_l("This certificate was already revoked on %(day)s."),
                          day=cert.revoked_at.strftime("%d/%m/%Y"))
    if cert.status is Status.superseded:
        raise DomainError(_l("This certificate was replaced by a corrected one; revoke that one instead."))
    targets = [cert]
    if cert.variant is not Variant.copy:
        targets += list(db.session.scalars(select(Certificate).where(
            Certificate.original_id == cert.id, Certificate.variant == Variant.copy,
            Certificate.status.in_([Status.valid, Status.expired]))))
    now = utcnow()
    for target in targets:
        target.status = Status.revoked
        target.revoked_at, target.revoked_by = now, actor_id
        target.revocation_ground = ground
        target.revocation_note = note
        audit.record("certificate.revoked", "certificate", target.id, reason=note, actor_id=actor_id,
                     data={"ground": ground, "register_number": target.register_number,
                           "with_original": cert.id if target is not cert else None})
    db.session.flush()
    for target in targets:
        events.send(events.certificate_revoked, events.CertificateRevoked(
            certificate_id=target.id, official_id=target.official_id, revoked_at=now, ground=ground,
            note=target.revocation_note))
    return targets


def _new_entry(cert: Certificate, *, variant: Variant, actor_id: int | None, today: date, request_key: str | None,
               changes: dict | None = None) -> tuple[dict, object]:
    """A new register entry made from `cert`, numbered and signed by the school now responsible for it."""
    school = authority(cert.school_id)
    numbering.lock_counter(school.id, today.year)
    seq = numbering.allocate(school.id, today.year, 1)[0]
    template = db.session.get(CertificateTemplate, cert.template_id)
    key = signing.active_key(school.id)
    row = {column: getattr(cert, column) for column in COPIED_COLUMNS}
    row.update(changes or {})
    layout = dict(row["layout"])
    if school.id != cert.school_id:
        # The successor prints its own name, place and signer; the old school's signature and seal do not apply.
        layout.update(governing_body=school.governing_body, school_name=school.name_vi, place=school.place,
                      signer_title=school.signer_title, signer_name=school.signer_name)
        row.update(signature_file_id=None, seal_file_id=None, background_file_id=None)
    row.update(
        layout=layout, school_id=school.id, school_code=school.code, school_name_vi=school.name_vi,
        school_name_en=school.name_en, variant=variant, issue_key=None, original_id=None, supersedes_id=None,
        superseded_by_id=None, register_year=today.year, register_seq=seq,
        register_number=numbering.register_number(today.year, seq),
        serial=numbering.format_serial(template.serial_format, school_code=school.code, year=today.year, seq=seq,
                                       kind=cert.kind.value),
        verification_code=numbering.new_verification_code(), issued_on=today, issued_at=utcnow(), key_id=key.id,
        status=Status.valid, revoked_at=None, revoked_by=None, revocation_ground="", revocation_note="",
        renewal_opened_on=None, issued_by=actor_id, request_key=request_key)
    return row, key


def reissue_copy(cert: Certificate, *, reason: str, actor_id: int | None, request_key: str | None = None,
                 today: date | None = None) -> Certificate:
    """Re-issue a lost or damaged certificate: a new register entry that points to the original."""
    reason = _note(reason)
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing
    original = db.session.get(Certificate, cert.original_id) if cert.variant is Variant.copy else cert
    original = _locked(original)
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing
    if original.status in (Status.revoked, Status.superseded):
        raise DomainError(_l("A revoked or replaced certificate cannot be re-issued; re-issue the current one."))
    today = today or local_today()
    row, key = _new_entry(original, variant=Variant.copy, actor_id=actor_id, today=today, request_key=request_key)
    row.update(original_id=original.id, status=state_of(original, today))
    sign_row(row, key, copy_of=original.verification_code)
    (copy_id,) = insert_certificates([row])
    audit.record("certificate.copied", "certificate", copy_id, reason=reason, actor_id=actor_id,
                 data={"original_id": original.id, "original_register_number": original.register_number,
                       "register_number": row["register_number"]})
    send_issued(copy_id, row, copy_of=original.id)
    return db.session.get(Certificate, copy_id)


@dataclass
class Correction:
    holder_name: str
    holder_birth_date: date | None
    course_title_vi: str
    course_title_en: str
    periods: float
    starts_on: date | None
    ends_on: date | None
    content_area: str


def correct(cert: Certificate, corrected: Correction, *, reason: str, actor_id: int | None,
            request_key: str | None = None, today: date | None = None) -> Certificate:
    """Issue a corrected certificate that supersedes `cert` (and its copies); returns the new one."""
    reason = _note(reason)
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing
    if cert.variant is Variant.copy:
        cert = db.session.get(Certificate, cert.original_id)
    cert = _locked(cert)
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing
    if cert.status is Status.superseded:
        raise AlreadyDone(_l("This certificate was already replaced by a corrected one."))
    if cert.status is Status.revoked:
        raise DomainError(_l("A revoked certificate cannot be corrected."))
    changes = _changes(cert, corrected)
    today = today or local_today()
    row, key = _new_entry(cert, variant=Variant.correction, actor_id=actor_id, today=today, request_key=request_key,
                          changes=changes)
    row.update(supersedes_id=cert.id, status=Status.valid if not row["expires_on"] or row["expires_on"] > today
               else Status.expired)
    sign_row(row, key, supersedes=cert.verification_code)
    (new_id,) = insert_certificates([row])
    now = utcnow()
    replaced = [cert] + list(db.session.scalars(select(Certificate).where(
        Certificate.original_id == cert.id, Certificate.variant == Variant.copy,
        Certificate.status.in_([Status.valid, Status.expired]))))
    for old in replaced:
        old.status, old.superseded_by_id = Status.superseded, new_id
        old.revoked_at, old.revoked_by = now, actor_id
        old.revocation_ground, old.revocation_note = "superseded", reason
        audit.record("certificate.superseded", "certificate", old.id, reason=reason, actor_id=actor_id,
                     data={"superseded_by": new_id, "register_number": old.register_number})
    audit.record("certificate.corrected", "certificate", new_id, reason=reason, actor_id=actor_id,
                 data={"supersedes": cert.id, "changes": {k: str(v) for k, v in changes.items()},
                       "register_number": row["register_number"]})
    db.session.flush()
    for old in replaced:
        events.send(events.certificate_revoked, events.CertificateRevoked(
            certificate_id=old.id, official_id=old.official_id, revoked_at=now, ground="superseded", note=reason,
            superseded_by=new_id))
    send_issued(new_id, row)
    return db.session.get(Certificate, new_id)


def _changes(cert: Certificate, corrected: Correction) -> dict:
    name = nfc(corrected.holder_name)
    if not name or len(name) > 200:
        raise DomainError(_l("The holder's name must have 1 to 200 characters."))
    title_vi, title_en = nfc(corrected.course_title_vi), nfc(corrected.course_title_en)
    if not title_vi or len(title_vi) > 300 or len(title_en) > 300:
        raise DomainError(_l("The course title must have 1 to 300 characters."))
    if not 0 < corrected.periods <= 5000:
        raise DomainError(_l("The periods must be more than 0 and at most 5,000."))
    if corrected.starts_on and corrected.ends_on and corrected.starts_on > corrected.ends_on:
        raise DomainError(_l("The course cannot end before it starts."))
    if corrected.content_area and corrected.content_area not in CONTENT_AREAS:
        raise DomainError(_l("Choose one of the content areas."))
    proposed = {"holder_name": name, "holder_name_folded": fold(name), "holder_birth_date": corrected.holder_birth_date,
                "course_title_vi": title_vi, "course_title_en": title_en, "periods": float(corrected.periods),
                "starts_on": corrected.starts_on, "ends_on": corrected.ends_on,
                "content_area": corrected.content_area or cert.content_area}
    changes = {k: v for k, v in proposed.items() if getattr(cert, k) != v}
    if not changes:
        raise DomainError(_l("Nothing was changed: a correction must change at least one detail."))
    return changes


def schools_answered_by(school: School) -> list[int]:
    """This school and every school merged into it (directly or through others)."""
    ids, frontier = {school.id}, [school.id]
    while frontier:
        found = list(db.session.scalars(select(School.id).where(School.successor_id.in_(frontier))))
        frontier = [i for i in found if i not in ids]
        ids.update(frontier)
    return sorted(ids)
