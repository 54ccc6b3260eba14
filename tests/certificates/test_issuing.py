"""Issuing: eligibility, register numbers, serials, idempotency, the course_completed path, signing."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from lms.certificates import numbering, signing
from lms.certificates.facts import birth_date_digest
from lms.certificates.models import Certificate, RegisterCounter, Status
from lms.certificates.services.eligibility import class_eligibility
from lms.certificates.services.issuing import issue_for_class, issue_for_completion
from lms.core import events
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import AuditEntry
from tests.certificates.conftest import english

TODAY = date(2025, 4, 2)


def certificates():
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_class_issue_numbers_without_gaps_and_explains_the_rest(class_setup, make_learner, recorded_events):
    setup = class_setup()
    weak_user, weak = make_learner("Phạm Văn Yếu")
    setup.catalog.enrol(setup.klass.id, weak_user.id, weak.id, final_score=0.3)
    absent_user, absent = make_learner("Vũ Thị Vắng")
    setup.catalog.enrol(setup.klass.id, absent_user.id, absent.id, completed=False)
    guest, _ = make_learner("Khách Mời", with_official=False)
    setup.catalog.enrol(setup.klass.id, guest.id, None)

    eligibility = class_eligibility(setup.klass.id, TODAY)
    assert (eligibility.count("eligible"), eligibility.count("not_eligible")) == (4, 3)
    reasons = {v.candidate.user_id: [r.code for r in v.reasons] for v in eligibility.verdicts if v.reasons}
    assert reasons == {weak_user.id: ["low_score"], absent_user.id: ["not_completed"], guest.id: ["no_official"]}
    assert "30% is below the required 50%" in english(next(v for v in eligibility.verdicts
                                                       if v.candidate.user_id == weak_user.id).reasons[0])

    report, _ = issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    assert (len(report.issued), report.not_eligible) == (4, 3)
    issued = certificates()
    assert [c.register_number for c in issued] == ["00001/2025", "00002/2025", "00003/2025", "00004/2025"]
    assert [c.serial for c in issued] == [f"TCT-SH-2025-{n:05d}" for n in range(1, 5)]
    assert {c.holder_name for c in issued} == {"Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo", "Trần Văn Tư", "Lê Thị Ánh"}
    assert len({c.verification_code for c in issued}) == 4
    assert all(len(c.verification_code) == 20 for c in issued)
    first = issued[0]
    assert (first.issued_on, first.periods, first.content_area, first.starts_on) == (TODAY, 40, "state_management",
                                                                                     date(2025, 3, 3))
    assert first.layout["honorific"] in ("Ông", "Bà")
    sent = [p for name, p in recorded_events if name == "certificate_issued"]
    assert sorted(p.certificate_id for p in sent) == sorted(c.id for c in issued)
    assert sent[0].periods == 40 and sent[0].copy_of is None and sent[0].topics == ("public_administration",)
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "certificate.issued"))
    assert audited == 4


def test_issuing_twice_issues_nothing_twice(class_setup):
    setup = class_setup()
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    db.session.commit()
    report, eligibility = issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    assert report.issued == [] and report.already == 4
    assert eligibility.count("issued") == 4
    assert len(certificates()) == 4
    assert db.session.get(RegisterCounter, (setup.rule.school_id, 2025)).last_number == 4


def test_a_rolled_back_batch_leaves_no_gap(class_setup):
    setup = class_setup()
    db.session.commit()
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    db.session.rollback()
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    db.session.commit()
    assert [c.register_seq for c in certificates()] == [1, 2, 3, 4]


def test_numbers_run_per_school_and_year(class_setup, make_school, make_template, make_rule, fake_catalog,
                                         make_learner):
    first = class_setup(names=("Nguyễn Văn Một",))
    second = class_setup(names=("Nguyễn Văn Hai", "Nguyễn Văn Ba"))
    issue_for_class(first.klass.id, actor_id=None, today=date(2025, 12, 31))
    issue_for_class(second.klass.id, actor_id=None, today=date(2026, 1, 1))
    other_school = make_school("Trung tâm Bồi dưỡng", code="TTBD")
    course = fake_catalog.add_course(900, school_id=other_school.id)
    klass = fake_catalog.add_class(901, course, school_id=other_school.id)
    make_rule(make_template(other_school), course, klass=klass)
    user, official = make_learner("Hoàng Thị Khác")
    fake_catalog.enrol(klass.id, user.id, official.id)
    issue_for_class(klass.id, actor_id=None, today=date(2026, 1, 2))
    numbers = [(c.school_code, c.register_number) for c in certificates()]
    assert sorted(numbers) == [("TCT-SH", "00001/2025"), ("TCT-SH", "00001/2026"), ("TCT-SH", "00002/2026"),
                               ("TTBD", "00001/2026")]


def test_course_completed_issues_once_and_a_replay_issues_nothing(class_setup, app, recorded_events):
    setup = class_setup(names=("Đặng Quốc Bảo",))
    user, official = setup.learners[0]
    payload = events.CourseCompleted(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key,
                                     enrolment_id=77, completed_at=datetime(2025, 3, 28, 3, tzinfo=timezone.utc),
                                     class_id=setup.klass.id, final_score=0.9, attendance_rate=1.0)
    events.send(events.course_completed, payload)
    events.send(events.course_completed, payload)
    issued = certificates()
    assert len(issued) == 1
    assert (issued[0].official_id, issued[0].enrolment_id, issued[0].holder_name) == (official.id, 77, "Đặng Quốc Bảo")
    assert [n for n, _ in recorded_events].count("certificate_issued") == 1


def test_course_completed_below_the_rule_issues_nothing(class_setup):
    setup = class_setup(names=("Đặng Quốc Bảo",), rule_kw={"min_attendance": 0.8})
    user, _ = setup.learners[0]
    ids = issue_for_completion(events.CourseCompleted(
        user_id=user.id, course_id=setup.course.id, course_key=setup.course.key, enrolment_id=5,
        completed_at=datetime(2025, 3, 28, tzinfo=timezone.utc), class_id=setup.klass.id, final_score=0.9,
        attendance_rate=0.5), today=TODAY)
    assert ids == [] and certificates() == []


def test_course_completed_without_catalog_issues_nothing(app, class_setup):
    setup = class_setup(names=("Đặng Quốc Bảo",))
    app.extensions["lms"].pop("catalog")
    user, _ = setup.learners[0]
    payload = events.CourseCompleted(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key,
                                     enrolment_id=5, completed_at=datetime(2025, 3, 28, tzinfo=timezone.utc))
    assert issue_for_completion(payload) == []
    with pytest.raises(DomainError) as raised:
        class_eligibility(setup.klass.id, TODAY)
    assert "No plugin provides the course catalogue" in english(raised.value)


def test_a_class_rule_wins_over_the_course_rule(class_setup, make_rule, make_template, school):
    setup = class_setup(names=("Đặng Quốc Bảo",), rule_kw={"periods": 16})
    make_rule(make_template(school, title="CHỨNG CHỈ"), setup.course, periods=99)
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    assert certificates()[0].periods == 16


def test_missing_birth_date_is_a_clear_reason(class_setup, make_learner):
    setup = class_setup(names=())
    user, official = make_learner("Bùi Thị Chưa Rõ", born=None)
    setup.catalog.enrol(setup.klass.id, user.id, official.id)
    verdict = class_eligibility(setup.klass.id, TODAY).verdicts[0]
    assert [r.code for r in verdict.reasons] == ["no_birth_date"]


def test_no_rule_is_a_clear_error(fake_catalog, school):
    course = fake_catalog.add_course(5)
    klass = fake_catalog.add_class(6, course)
    with pytest.raises(DomainError) as raised:
        class_eligibility(klass.id, TODAY)
    assert "No certificate rule" in english(raised.value)
    with pytest.raises(DomainError) as raised:
        class_eligibility(999, TODAY)
    assert "no class" in english(raised.value)


def test_the_facts_are_signed_with_the_school_key(class_setup):
    setup = class_setup(names=("Nguyễn Thị Ngọc Hường",))
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    cert = certificates()[0]
    facts = json.loads(cert.facts_json)
    assert facts["holder"]["name"] == "Nguyễn Thị Ngọc Hường"
    assert facts["holder"]["birth_date_masked"] == "**/**/1987"
    assert facts["holder"]["birth_date_digest"] == birth_date_digest(date(1987, 6, 15), cert.birth_date_salt)
    assert facts["kid"] == cert.key.kid and facts["register_number"] == cert.register_number
    assert signing.canonical_json(facts) == cert.facts_json
    assert signing.verify_signature(cert.key.public_key, cert.facts_json.encode(), cert.facts_signature)
    altered = cert.facts_json.replace("Hường", "Hương").encode()
    assert not signing.verify_signature(cert.key.public_key, altered, cert.facts_signature)


def test_validity_renewal_opens_a_new_cycle(class_setup, fake_catalog):
    setup = class_setup(names=("Đặng Quốc Bảo",), rule_kw={"validity_months": 12, "renewal_window_days": 60},
                        course_rule=True)
    user, official = setup.learners[0]
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    first = certificates()[0]
    assert first.expires_on == date(2026, 3, 28)  # from the completion
    renewal = dict(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key, class_id=None,
                   final_score=0.9, attendance_rate=1.0)
    # Completed again before the window opens: nothing.
    early = events.CourseCompleted(enrolment_id=2, completed_at=datetime(2025, 12, 1, tzinfo=timezone.utc), **renewal)
    assert issue_for_completion(early, today=date(2025, 12, 1)) == []
    # Completed again inside the window: cycle 2, valid from the old expiry (expiry base "expiry").
    on_time = events.CourseCompleted(enrolment_id=3, completed_at=datetime(2026, 2, 10, tzinfo=timezone.utc),
                                     **renewal)
    assert len(issue_for_completion(on_time, today=date(2026, 2, 10))) == 1
    second = certificates()[-1]
    assert (second.cycle, second.expires_on, second.issue_key) == (2, date(2027, 3, 28),
                                                                   f"{official.id}:{setup.course.key}:2")
    assert issue_for_completion(on_time, today=date(2026, 2, 11)) == []


def test_after_expiry_the_new_validity_runs_from_the_completion(class_setup):
    setup = class_setup(names=("Đặng Quốc Bảo",), rule_kw={"validity_months": 12}, course_rule=True)
    user, _ = setup.learners[0]
    issue_for_class(setup.klass.id, actor_id=None, today=TODAY)
    first = certificates()[0]
    first.status = Status.expired
    late = events.CourseCompleted(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key,
                                  enrolment_id=9, completed_at=datetime(2026, 6, 1, 5, tzinfo=timezone.utc),
                                  final_score=0.7)
    issue_for_completion(late, today=date(2026, 6, 1))
    assert certificates()[-1].expires_on == date(2027, 6, 1)


@pytest.mark.parametrize("fmt, ok", [
    ("{school}-{year}-{seq:05d}", True), ("{kind}/{yy}/{seq}", True), ("GCN {seq:06d}/{year}", True),
    ("{school}-{seq}", False), ("{year}", False), ("{school.__class__}-{seq}-{year}", False),
    ("{seq:>10}-{year}", False), ("{seq!r}-{year}", False), ("{seq-{year}", False), ("{name}{seq}{year}", False),
])
def test_serial_formats(fmt, ok):
    if ok:
        numbering.validate_serial_format(fmt)
    else:
        with pytest.raises(DomainError):
            numbering.validate_serial_format(fmt)


def test_serial_and_code_helpers():
    assert numbering.format_serial("{kind}/{yy}/{seq:04d}", school_code="S", year=2025, seq=7,
                                   kind="program") == "CC/25/0007"
    code = numbering.new_verification_code()
    assert numbering.normalise_code(numbering.display_code(code).lower()) == code
    assert len(set(numbering.new_verification_code() for _ in range(200))) == 200


def test_canonical_json_writes_integral_floats_as_integers():
    assert signing.canonical_json({"b": 40.0, "a": [1.5, "Hường"], "c": None}) == '{"a":[1.5,"Hường"],"b":40,"c":null}'
