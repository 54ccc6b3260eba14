"""Issuing certificates: one for a completed course, or a whole class at once, set-based.

A batch locks its school-year register counter first, judges again under that lock (so two issuers of
the same class cannot both issue), takes its register numbers with one counter update, signs each
certificate's facts, and inserts the rows, their audit entries and sends `certificate_issued`. It
flushes and never commits: the view, job or command that started it commits once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from lms.certificates import numbering, signing
from lms.certificates.dates import add_months, local_date, local_today
from lms.certificates.facts import build_facts, new_salt
from lms.certificates.models import Certificate, CertificateRule, CertificateTemplate, ExpiryBase, Status, Variant
from lms.certificates.services.eligibility import (
    ELIGIBLE,
    Candidate,
    ClassEligibility,
    Holder,
    Verdict,
    class_eligibility,
    find_rule,
    judge_all,
)
from lms.core import events
from lms.core.catalog import ClassFacts, CourseFacts, catalog
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import AuditEntry, School, User
from lms.core.text import fold, nfc

log = logging.getLogger(__name__)


@dataclass
class IssueReport:
    issued: list[int] = field(default_factory=list)
    already: int = 0
    not_eligible: int = 0


def honorific(gender: str) -> str:
    folded = fold(gender)
    if folded in ("nam", "male", "m"):
        return "Ông"
    if folded in ("nu", "female", "f"):
        return "Bà"
    return "Ông/Bà"


def layout_snapshot(template: CertificateTemplate, school: School) -> dict:
    """The template's wording and the school's print details as they are today."""
    return {
        "orientation": template.orientation.value,
        "national_heading": template.national_heading,
        "national_motto": template.national_motto,
        "title": template.title,
        "subtitle": template.subtitle,
        "body": template.body,
        "governing_body": school.governing_body,
        "school_name": school.name_vi,
        "place": school.place,
        "signer_title": template.signer_title or school.signer_title,
        "signer_name": template.signer_name or school.signer_name,
    }


def expiry_for(rule: CertificateRule, completed_on: date, previous_expiry: date | None) -> date | None:
    """Totara's recertification dates: renewed on time with base "expiry", the new validity runs from the
    old expiry; otherwise from the completion."""
    if not rule.validity_months:
        return None
    base = completed_on
    if rule.expiry_base is ExpiryBase.expiry and previous_expiry is not None and completed_on <= previous_expiry:
        base = previous_expiry
    return add_months(base, rule.validity_months)


@dataclass(frozen=True)
class Source:
    """Where a batch's certificates come from: the rule and the course (and class) facts."""

    rule: CertificateRule
    course: CourseFacts
    klass: ClassFacts | None


def issue_batch(source: Source, verdicts: list[Verdict], *, actor_id: int | None, reason: str,
                today: date | None = None) -> IssueReport:
    """Issue a certificate to every eligible verdict (judged again under the register lock)."""
    report = IssueReport()
    wanted = [v for v in verdicts if v.outcome == ELIGIBLE]
    if not wanted:
        return report
    today = today or local_today()
    rule, course, klass = source.rule, source.course, source.klass
    template = db.session.get(CertificateTemplate, rule.template_id)
    school = db.session.get(School, rule.school_id)
    if template is None or not template.active:
        raise DomainError(_l("The rule's certificate template is not active; choose another template."))
    numbering.lock_counter(school.id, today.year)
    # Judge again now that no other issuer of this school and year can slip in between.
    verdicts = judge_all([v.candidate for v in wanted], rule, course.key, today)
    report.already = sum(1 for v in verdicts if v.outcome != ELIGIBLE)
    verdicts = _one_per_official([v for v in verdicts if v.outcome == ELIGIBLE])
    if not verdicts:
        return report
    numbers = numbering.allocate(school.id, today.year, len(verdicts))
    key = signing.active_key(school.id)
    layout = layout_snapshot(template, school)
    now = utcnow()
    rows = []
    for verdict, seq in zip(verdicts, numbers, strict=True):
        holder = verdict.holder
        completed_on = local_date(verdict.candidate.completed_at) or today
        previous_expiry = verdict.previous.expires_on if verdict.previous else None
        rows.append(_row(
            rule=rule, template=template, school=school, course=course, klass=klass, key=key, layout=layout,
            holder=holder, candidate=verdict.candidate, cycle=verdict.cycle, year=today.year, seq=seq,
            issued_on=today, issued_at=now, completed_on=completed_on,
            expires_on=expiry_for(rule, completed_on, previous_expiry), actor_id=actor_id))
    ids = insert_certificates(rows)
    audit_issued(ids, rows, actor_id=actor_id, reason=reason, at=now)
    events.send_many(events.certificate_issued, [issued_payload(i, row) for i, row in zip(ids, rows, strict=True)])
    report.issued = ids
    return report


def _one_per_official(verdicts: list[Verdict]) -> list[Verdict]:
    """A roster may list a person twice (two enrolments): one certificate each."""
    seen, kept = set(), []
    for verdict in verdicts:
        if verdict.candidate.official_id not in seen:
            seen.add(verdict.candidate.official_id)
            kept.append(verdict)
    return kept


def _row(*, rule, template, school, course, klass, key, layout, holder: Holder, candidate: Candidate, cycle: int,
         year: int, seq: int, issued_on: date, issued_at: datetime, completed_on: date, expires_on: date | None,
         actor_id: int | None) -> dict:
    code = numbering.new_verification_code()
    register_number = numbering.register_number(year, seq)
    serial = numbering.format_serial(template.serial_format, school_code=school.code, year=year, seq=seq,
                                     kind=template.kind.value)
    salt = new_salt()
    holder_name = nfc(holder.full_name)
    starts_on, ends_on = (klass.starts_on, klass.ends_on) if klass else (None, None)
    periods = float(rule.periods if rule.periods is not None else course.periods)
    content_area = rule.content_area or course.content_area
    row = dict(
        school_id=school.id, official_id=holder.official_id, user_id=candidate.user_id, template_id=template.id,
        rule_id=rule.id, course_key=course.key, course_id=course.id, class_id=klass.id if klass else None,
        enrolment_id=candidate.enrolment_id, cycle=cycle, issue_key=f"{holder.official_id}:{course.key}:{cycle}",
        variant=Variant.original, original_id=None, supersedes_id=None, superseded_by_id=None,
        register_year=year, register_seq=seq, register_number=register_number, serial=serial,
        verification_code=code, kind=template.kind, holder_name=holder_name, holder_name_folded=fold(holder_name),
        holder_birth_date=holder.birth_date, holder_employee_code=holder.employee_code,
        holder_unit_name=holder.unit_name, course_title_vi=nfc(course.title_vi), course_title_en=nfc(course.title_en),
        class_code=klass.code if klass else "", content_area=content_area, topics=list(course.topics),
        periods=periods, starts_on=starts_on, ends_on=ends_on, completed_at=candidate.completed_at,
        final_score=candidate.final_score, attendance_rate=candidate.attendance_rate, issued_on=issued_on,
        issued_at=issued_at, expires_on=expires_on, layout=dict(layout, honorific=honorific(holder.gender)),
        school_code=school.code, school_name_vi=school.name_vi, school_name_en=school.name_en,
        signature_file_id=template.signature_file_id, seal_file_id=template.seal_file_id,
        background_file_id=template.background_file_id, key_id=key.id, birth_date_salt=salt,
        status=Status.valid, revoked_at=None, revoked_by=None, revocation_ground="", revocation_note="",
        renewal_opened_on=None, issued_by=actor_id, request_key=None)
    sign_row(row, key)
    return row


def sign_row(row: dict, key, *, copy_of: str | None = None, supersedes: str | None = None) -> None:
    """Build the row's facts, sign them with the school's key and keep both on the row."""
    layout = row["layout"]
    facts = build_facts(
        code=row["verification_code"], kid=key.kid, kind=row["kind"].value, variant=row["variant"].value,
        copy_of=copy_of, supersedes=supersedes, school_code=row["school_code"],
        school_name_vi=row["school_name_vi"], school_name_en=row["school_name_en"],
        register_number=row["register_number"], serial=row["serial"], title=layout["title"],
        holder_name=row["holder_name"], holder_birth_date=row["holder_birth_date"],
        birth_date_salt=row["birth_date_salt"], course_key=row["course_key"],
        course_title_vi=row["course_title_vi"], course_title_en=row["course_title_en"],
        content_area=row["content_area"], periods=row["periods"], starts_on=row["starts_on"],
        ends_on=row["ends_on"], completed_on=local_date(row["completed_at"]), issued_on=row["issued_on"],
        expires_on=row["expires_on"], place=layout["place"], signer_title=layout["signer_title"],
        signer_name=layout["signer_name"], cycle=row["cycle"])
    text = signing.canonical_json(facts)
    row["facts_json"] = text
    row["facts_signature"] = signing.sign(key, text.encode("utf-8"))


def insert_certificates(rows: list[dict]) -> list[int]:
    """Insert one school-year's consecutive register entries; returns their ids in the rows' order.

    A plain executemany (PostgreSQL pipelines it with one prepared statement), then one query for the
    ids by register number: much faster for a class of thousands than INSERT ... RETURNING in pages.
    """
    db.session.execute(insert(Certificate), rows)
    school_id, year = rows[0]["school_id"], rows[0]["register_year"]
    seqs = [r["register_seq"] for r in rows]
    found = dict(db.session.execute(select(Certificate.register_seq, Certificate.id).where(
        Certificate.school_id == school_id, Certificate.register_year == year,
        Certificate.register_seq.between(min(seqs), max(seqs)))).all())
    return [found[seq] for seq in seqs]


def audit_issued(ids: list[int], rows: list[dict], *, actor_id: int | None, reason: str, at: datetime,
                 action: str = "certificate.issued") -> None:
    entries = [dict(at=at, actor_id=actor_id, action=action, target_type="certificate", target_id=str(i),
                    reason=reason, data={"register_number": r["register_number"], "official_id": r["official_id"],
                                         "course_key": r["course_key"], "cycle": r["cycle"]})
               for i, r in zip(ids, rows, strict=True)]
    if entries:
        db.session.execute(insert(AuditEntry), entries)


def issued_payload(certificate_id: int, row: dict, *, copy_of: int | None = None) -> events.CertificateIssued:
    return events.CertificateIssued(
        certificate_id=certificate_id, official_id=row["official_id"], school_id=row["school_id"],
        title_vi=row["course_title_vi"], title_en=row["course_title_en"], content_area=row["content_area"],
        topics=tuple(row["topics"]), periods=row["periods"], issued_on=row["issued_on"],
        verification_code=row["verification_code"], copy_of=copy_of)


def send_issued(certificate_id: int, row: dict, *, copy_of: int | None = None) -> None:
    events.send(events.certificate_issued, issued_payload(certificate_id, row, copy_of=copy_of))


# --- the two ways in -----------------------------------------------------------------------------

def issue_for_completion(payload: events.CourseCompleted, *, today: date | None = None) -> list[int]:
    """The `course_completed` path: issue if a rule covers the course and holds (idempotent)."""
    provider = catalog()
    if provider is None:
        log.warning("course_completed for course %s, but no catalog provider: no certificate", payload.course_id)
        return []
    rule = find_rule(payload.course_key, payload.class_id)
    if rule is None or not rule.auto_issue:
        return []
    course = provider.course(payload.course_id)
    if course is None:
        log.warning("course_completed for unknown course %s: no certificate", payload.course_id)
        return []
    klass = provider.class_(payload.class_id) if payload.class_id else None
    user = db.session.get(User, payload.user_id)
    candidate = Candidate(user_id=payload.user_id, official_id=user.official_id if user else None,
                          completed_at=payload.completed_at, final_score=payload.final_score,
                          attendance_rate=payload.attendance_rate, enrolment_id=payload.enrolment_id)
    today = today or local_today()
    verdicts = judge_all([candidate], rule, course.key, today)
    if verdicts[0].outcome != ELIGIBLE:
        log.info("course_completed: user %s not issued (%s)", payload.user_id,
                 verdicts[0].outcome if not verdicts[0].reasons else verdicts[0].reasons[0].code)
        return []
    return issue_batch(Source(rule, course, klass), verdicts, actor_id=None, reason="course completed",
                       today=today).issued


def issue_for_class(class_id: int, *, actor_id: int | None, today: date | None = None) -> tuple[IssueReport,
                                                                                               ClassEligibility]:
    """A school admin issues a class: every eligible learner gets a certificate, the others are reported."""
    today = today or local_today()
    eligibility = class_eligibility(class_id, today)
    report = issue_batch(Source(eligibility.rule, eligibility.course, eligibility.klass), eligibility.verdicts,
                         actor_id=actor_id, reason=f"bulk issue for class {eligibility.klass.code}", today=today)
    report.already += eligibility.count("issued")
    report.not_eligible = eligibility.count("not_eligible")
    return report, eligibility


def certificates_of_class(class_id: int):
    return select(Certificate).where(Certificate.class_id == class_id).order_by(Certificate.register_year,
                                                                                Certificate.register_seq)
