"""Who may get a certificate for a course or class, and if not, why (explicit inputs, no request).

A certificate is issued once per official, course and certification cycle. A new cycle opens when the
current certificate is in its renewal window, has expired or was revoked, and the official completed
the course again after the certificate's own completion.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.certificates.models import Certificate, CertificateRule, Status, Variant
from lms.core.catalog import ClassFacts, CourseFacts, catalog
from lms.core.db import db
from lms.core.errors import DomainError, NotFound
from lms.core.models import Official, Unit

CHUNK = 5000  # ids per IN (...) list: under every database's bind-parameter limit


@dataclass(frozen=True)
class Candidate:
    """A person who completed (or may have completed) a course, as the catalog or an event reports."""

    user_id: int | None
    official_id: int | None
    completed_at: datetime | None
    final_score: float | None = None
    attendance_rate: float | None = None
    enrolment_id: int | None = None


@dataclass(frozen=True)
class Holder:
    official_id: int
    full_name: str
    birth_date: date | None
    employee_code: str
    unit_name: str
    gender: str


@dataclass(frozen=True)
class Head:
    """One certificate (not a copy) of an official for a course, as far as cycles are concerned."""

    id: int
    cycle: int
    status: Status
    register_number: str
    expires_on: date | None
    completed_at: datetime | None
    enrolment_id: int | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class Reason:
    code: str
    message: object
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


ELIGIBLE, ISSUED, NOT_ELIGIBLE = "eligible", "issued", "not_eligible"


@dataclass
class Verdict:
    candidate: Candidate
    holder: Holder | None
    outcome: str
    reasons: list[Reason]
    cycle: int | None = None
    current: Head | None = None  # the certificate the official holds for this course, if any
    previous: Head | None = None  # the certificate a new cycle renews


def find_rule(course_key: str, class_id: int | None) -> CertificateRule | None:
    """The active rule for a class, else for its course."""
    scopes = ([f"class:{class_id}"] if class_id else []) + [f"course:{course_key}"]
    rules = {r.scope: r for r in db.session.scalars(
        select(CertificateRule).where(CertificateRule.scope.in_(scopes), CertificateRule.active.is_(True)))}
    for scope in scopes:
        if scope in rules:
            return rules[scope]
    return None


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_holders(official_ids) -> dict[int, Holder]:
    ids = sorted({i for i in official_ids if i is not None})
    holders: dict[int, Holder] = {}
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(Official.id, Official.full_name, Official.date_of_birth, Official.employee_code, Unit.name_vi,
                   Official.gender)
            .join(Unit, Official.unit_id == Unit.id).where(Official.id.in_(chunk)))
        for row in rows:
            holders[row[0]] = Holder(*row)
    return holders


def load_heads(official_ids, course_key: str) -> dict[int, list[Head]]:
    ids = sorted({i for i in official_ids if i is not None})
    heads: dict[int, list[Head]] = {}
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(Certificate.official_id, Certificate.id, Certificate.cycle, Certificate.status,
                   Certificate.register_number, Certificate.expires_on, Certificate.completed_at,
                   Certificate.enrolment_id, Certificate.revoked_at)
            .where(Certificate.official_id.in_(chunk), Certificate.course_key == course_key,
                   Certificate.variant != Variant.copy)
            .order_by(Certificate.id))
        for official_id, *rest in rows:
            heads.setdefault(official_id, []).append(Head(*rest))
    return heads


def cycle_state(heads: list[Head], candidate: Candidate, window_days: int, today: date):
    """(current certificate or None, the cycle to issue or None, the certificate a new cycle renews)."""
    if candidate.enrolment_id is not None:
        # A replayed event: the same enrolment, completed no later than the certificate it gave. (Courses
        # keeps one enrolment per person and course, so a renewal completes the same one again, later.)
        for head in heads:
            if (head.enrolment_id == candidate.enrolment_id and head.status is not Status.superseded
                    and not _later(candidate.completed_at, head.completed_at)):
                return head, None, None
    if not heads:
        return None, 1, None
    last_cycle = max(h.cycle for h in heads)
    in_cycle = [h for h in heads if h.cycle == last_cycle]
    current = next((h for h in reversed(in_cycle) if h.status is not Status.superseded), in_cycle[-1])
    renewable = (current.status in (Status.revoked, Status.expired)
                 or (current.expires_on is not None and today >= current.expires_on - timedelta(days=window_days)))
    fresh = candidate.completed_at is not None and (current.completed_at is None
                                                    or candidate.completed_at > current.completed_at)
    if renewable and fresh:
        return current, last_cycle + 1, current
    return current, None, None


def _later(moment: datetime | None, than: datetime | None) -> bool:
    return moment is not None and than is not None and moment > than


def judge(candidate: Candidate, holder: Holder | None, rule: CertificateRule, heads: list[Head],  # noqa: C901  (one branch per rule condition; each adds its own reason)
          today: date) -> Verdict:
    """Decide one candidate: eligible (with the cycle), already issued, or not eligible (with reasons)."""
    reasons: list[Reason] = []
    if candidate.official_id is None or holder is None:
        reasons.append(Reason("no_official", _l("No official record is linked to this account; a certificate "
                                                "is issued only to an official.")))
    if candidate.completed_at is None:
        reasons.append(Reason("not_completed", _l("Has not completed the course.")))
    if rule.min_final_score is not None:
        if candidate.final_score is None:
            reasons.append(Reason("no_score", _l("No final score is recorded; the rule requires at least "
                                                 "%(minimum)s%%."), {"minimum": _percent(rule.min_final_score)}))
        elif candidate.final_score + 1e-9 < rule.min_final_score:
            reasons.append(Reason("low_score", _l("Final score %(score)s%% is below the required %(minimum)s%%."),
                                  {"score": _percent(candidate.final_score),
                                   "minimum": _percent(rule.min_final_score)}))
    if rule.min_attendance is not None:
        if candidate.attendance_rate is None:
            reasons.append(Reason("no_attendance", _l("No attendance is recorded; the rule requires at least "
                                                      "%(minimum)s%%."), {"minimum": _percent(rule.min_attendance)}))
        elif candidate.attendance_rate + 1e-9 < rule.min_attendance:
            reasons.append(Reason("low_attendance", _l("Attendance %(rate)s%% is below the required %(minimum)s%%."),
                                  {"rate": _percent(candidate.attendance_rate),
                                   "minimum": _percent(rule.min_attendance)}))
    if holder is not None and holder.birth_date is None:
        reasons.append(Reason("no_birth_date", _l("The official's date of birth is missing; it is printed on the "
                                                  "certificate. Complete the official's record first.")))
    current, cycle, previous = cycle_state(heads, candidate, rule.renewal_window_days or 0, today)
    if cycle is None and current is not None:
        if current.status is Status.revoked:
            reasons.append(Reason("revoked", _l("Certificate %(number)s was revoked; a new certificate needs a new "
                                                "completion of the course."), {"number": current.register_number}))
            return Verdict(candidate, holder, NOT_ELIGIBLE, reasons, current=current)
        if current.status is Status.expired:
            reasons.append(Reason("expired", _l("Certificate %(number)s has expired; renewal needs a new completion "
                                                "of the course."), {"number": current.register_number}))
            return Verdict(candidate, holder, NOT_ELIGIBLE, reasons, current=current)
        return Verdict(candidate, holder, ISSUED, [], current=current)
    if reasons:
        return Verdict(candidate, holder, NOT_ELIGIBLE, reasons, current=current)
    return Verdict(candidate, holder, ELIGIBLE, [], cycle=cycle, current=current, previous=previous)


def _percent(fraction: float) -> str:
    value = round(fraction * 100, 1)
    return f"{value:g}"


def judge_all(candidates: list[Candidate], rule: CertificateRule, course_key: str, today: date) -> list[Verdict]:
    """Judge many candidates with two queries per 5,000 (holders, existing certificates)."""
    official_ids = [c.official_id for c in candidates]
    holders = load_holders(official_ids)
    heads = load_heads(official_ids, course_key)
    return [judge(c, holders.get(c.official_id) if c.official_id else None, rule,
                  heads.get(c.official_id, []) if c.official_id else [], today) for c in candidates]


@dataclass
class ClassEligibility:
    klass: ClassFacts
    course: CourseFacts
    rule: CertificateRule
    verdicts: list[Verdict]

    def count(self, outcome: str) -> int:
        return sum(1 for v in self.verdicts if v.outcome == outcome)


def require_catalog():
    provider = catalog()
    if provider is None:
        raise DomainError(_l("No plugin provides the course catalogue, so classes and courses are not known here."))
    return provider


def class_facts(class_id: int) -> tuple[ClassFacts, CourseFacts]:
    provider = require_catalog()
    klass = provider.class_(class_id)
    if klass is None:
        raise NotFound(_l("There is no class with this number."))
    course = provider.course(klass.course_id)
    if course is None:
        raise NotFound(_l("The course of this class is no longer known."))
    return klass, course


def class_eligibility(class_id: int, today: date) -> ClassEligibility:
    """Every learner of a class, judged against the class's (or its course's) rule."""
    klass, course = class_facts(class_id)
    rule = find_rule(course.key, klass.id)
    if rule is None:
        raise DomainError(_l("No certificate rule covers this class or its course; add a rule first."))
    roster = require_catalog().roster(class_id)
    candidates = [Candidate(user_id=e.user_id, official_id=e.official_id, completed_at=e.completed_at,
                            final_score=e.final_score, attendance_rate=e.attendance_rate) for e in roster]
    return ClassEligibility(klass, course, rule, judge_all(candidates, rule, course.key, today))
