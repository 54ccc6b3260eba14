"""The ledger: credits from events, idempotent receivers, exact totals (compared with a recount)."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, update

from lms.core.db import db
from lms.core.models import AuditEntry
from lms.core.services.org import merge_units
from lms.core.vocab import CONTENT_AREAS
from lms.records import ledger
from lms.records.models import CreditSource, OfficialYearTotal, TrainingCredit, UnitAreaTotal


def official_totals(official_id):
    """{(year, area): periods} from the kept per-official-per-year rows (areas with periods only)."""
    rows = db.session.scalars(select(OfficialYearTotal).where(OfficialYearTotal.official_id == official_id)).all()
    return {(r.year, area): periods for r in rows for area, periods in r.areas().items() if periods}


def credit_counts(official_id):
    rows = db.session.execute(select(OfficialYearTotal.year, OfficialYearTotal.credits, OfficialYearTotal.total)
                              .where(OfficialYearTotal.official_id == official_id)).all()
    return {r.year: (r.credits, r.total) for r in rows}


def test_certificate_issued_adds_a_credit_with_its_facts(app, make_official, make_school, issue):
    person = make_official()
    school = make_school()
    sent = issue(person, periods=12, area="science_technology_digital", school=school,
                 topics=("digital_transformation", "ai_skills"))
    credit = db.session.scalar(select(TrainingCredit))
    assert credit.official_id == person.id and credit.source is CreditSource.certificate
    assert credit.source_id == str(sent.certificate_id) and credit.certificate_id == sent.certificate_id
    assert credit.verification_code == sent.verification_code
    assert credit.title_vi == "Bồi dưỡng kiến thức quản lý nhà nước" and credit.title_en == "State management"
    assert credit.content_area == "science_technology_digital"
    assert credit.topics == ["digital_transformation", "ai_skills"]
    assert credit.periods == 12 and credit.earned_on == date(2025, 3, 10) and credit.year == 2025
    assert credit.school_id == school.id and credit.unit_id == person.unit_id
    assert official_totals(person.id) == {(2025, "science_technology_digital"): 12}
    assert credit_counts(person.id) == {2025: (1, 12)}
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(person.id))) == "credit.added"


def test_a_replayed_event_adds_nothing_twice(app, make_official, issue, attend):
    person = make_official()
    sent = issue(person, periods=8)
    from lms.core import events
    events.send(events.certificate_issued, sent)
    events.send(events.certificate_issued, sent)
    came = attend(person, class_id=77)
    events.send(events.class_attended, came)
    assert db.session.scalar(select(func.count()).select_from(TrainingCredit)) == 2
    assert official_totals(person.id) == {(2025, "state_management"): 8, (2025, "job_position"): 16}
    assert credit_counts(person.id) == {2025: (2, 24)}
    assert ledger.total_differences() == []


def test_revocation_withdraws_the_credit_and_a_replay_changes_nothing(app, make_official, issue, revoke):
    person = make_official()
    kept = issue(person, periods=8)
    gone = issue(person, periods=4)
    revoke(gone, ground="fraud")
    revoke(gone, ground="fraud")
    from lms.core import events
    events.send(events.certificate_issued, gone)  # a late replay of the issue does not bring it back
    withdrawn = db.session.scalar(select(TrainingCredit).where(TrainingCredit.source_id == str(gone.certificate_id)))
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_reason == "fraud"
    assert official_totals(person.id) == {(2025, "state_management"): 8}
    assert credit_counts(person.id) == {2025: (1, 8)}
    revoke(kept)
    assert official_totals(person.id) == {}  # no empty rows are left behind
    assert db.session.scalar(select(func.count()).select_from(UnitAreaTotal)) == 0
    assert ledger.total_differences() == []


def test_a_corrected_certificate_replaces_the_credit(app, make_official, issue, revoke):
    person = make_official()
    first = issue(person, periods=8)
    second = issue(person, periods=10)
    revoke(first, ground="corrected", superseded_by=second.certificate_id)
    assert official_totals(person.id) == {(2025, "state_management"): 10}
    reason = db.session.scalar(select(TrainingCredit.withdrawn_reason)
                               .where(TrainingCredit.source_id == str(first.certificate_id)))
    assert str(second.certificate_id) in reason


def test_class_attendance_adds_a_credit(app, make_official, make_school, attend):
    person = make_official()
    school = make_school()
    attend(person, class_id=5, school=school, periods=24)
    credit = db.session.scalar(select(TrainingCredit))
    assert credit.source is CreditSource.attendance and credit.class_id == 5 and credit.school_id == school.id
    assert credit.source_id == f"5:{person.id}"
    assert official_totals(person.id) == {(2025, "job_position"): 24}


def test_fractional_periods_stay_exact(app, make_official, issue, revoke):
    person = make_official()
    sent = [issue(person, periods=p) for p in (0.67, 1.33, 2.25, 0.1, 0.2)]
    revoke(sent[3])
    assert official_totals(person.id)[(2025, "state_management")] == pytest.approx(4.45)
    assert credit_counts(person.id)[2025][0] == 4
    assert ledger.total_differences() == []


def test_credit_keeps_its_unit_through_a_merger_and_totals_stay_exact(app, make_unit, make_official, issue):
    from lms.core.models import UnitLevel
    province = make_unit("Tỉnh Sơn Hà")
    district = make_unit("Huyện Tân Phú", parent=province, level=UnitLevel.district)
    commune = make_unit("Xã Tân Phú", parent=province, level=UnitLevel.commune)
    person = make_official(unit=district)
    issue(person, periods=8, on=date(2025, 3, 1))
    merge_units([district], commune, date(2025, 7, 1))
    issue(person, periods=4, on=date(2025, 9, 1))
    units = dict(db.session.execute(select(TrainingCredit.periods, TrainingCredit.unit_id)).all())
    assert units == {8: district.id, 4: commune.id}
    assert official_totals(person.id) == {(2025, "state_management"): 12}
    assert credit_counts(person.id) == {2025: (2, 12)}
    assert ledger.total_differences() == []
    # the merger is noted once for the admins, however often the event is replayed
    from lms.core import events
    events.send(events.units_merged, events.UnitsMerged((district.id,), commune.id, date(2025, 7, 1)))
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "records.units_merged")) == 1


def test_recount_finds_a_wrong_total_and_rebuild_repairs_it(app, make_official, issue):
    person = make_official()
    issue(person, periods=8)
    issue(person, periods=8, area="defence_security")
    db.session.execute(update(OfficialYearTotal).values(defence_security=7))
    db.session.execute(update(UnitAreaTotal).values(credits=5))
    differences = ledger.total_differences()
    tables = {d["table"] for d in differences}
    assert tables == {"records_official_years", "records_unit_totals"}
    assert any(d["table"] == "records_official_years" and d["defence_security"] == 8 for d in differences)
    ledger.rebuild_totals()
    assert ledger.total_differences() == []
    assert official_totals(person.id)[(2025, "defence_security")] == 8


def test_a_random_sequence_of_changes_matches_a_recount(app, make_unit, make_official, issue, revoke, attend):
    import random

    from lms.core.models import UnitLevel
    rng = random.Random(7)
    province = make_unit("Tỉnh")
    units = [make_unit(f"Xã {i}", parent=province, level=UnitLevel.commune) for i in range(3)]
    people = [make_official(f"Người {i}", unit=units[i % 3]) for i in range(6)]
    issued = []
    areas = ["political_theory", "defence_security", "state_management", "job_position"]
    for _ in range(60):
        roll = rng.random()
        if roll < 0.5:
            issued.append(issue(rng.choice(people), periods=rng.choice([1, 2.5, 4, 8, 40]), area=rng.choice(areas),
                                on=date(rng.choice([2024, 2025]), rng.randint(1, 12), 1)))
        elif roll < 0.7 and issued:
            revoke(rng.choice(issued))
        elif roll < 0.9:
            attend(rng.choice(people), class_id=rng.randint(1, 5), area=rng.choice(areas))
        else:
            merge_units([units[rng.randint(0, 1)]], units[2], date(2025, 7, 1))
    assert ledger.total_differences() == []


@pytest.mark.postgres
def test_concurrent_replays_add_one_credit(app_factory, make_official):
    from lms.core import events
    person = make_official()
    db.session.commit()
    payload = events.CertificateIssued(certificate_id=999, official_id=person.id, school_id=None, title_vi="Lớp",
                                       title_en="Class", content_area="job_position", topics=(), periods=8,
                                       issued_on=date(2025, 1, 5), verification_code="CODE999")
    barrier = threading.Barrier(4)
    errors = []
    apps = [app_factory(fresh=True) for _ in range(4)]

    def worker(one_app):
        with one_app.app_context():
            try:
                barrier.wait()
                events.send(events.certificate_issued, payload)
                db.session.commit()
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TrainingCredit)) == 1
    assert official_totals(person.id) == {(2025, "job_position"): 8}
    assert credit_counts(person.id) == {2025: (1, 8)}
    assert ledger.total_differences() == []


def test_the_check_command_reports_differences(app, runner, make_official, issue):
    import json
    person = make_official()
    issue(person, periods=8)
    db.session.commit()
    result = runner.invoke(args=["records", "check", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == {"ok": True, "differences": []}
    db.session.execute(update(OfficialYearTotal).values(total=3))
    db.session.commit()
    result = runner.invoke(args=["records", "check", "--json"])
    assert result.exit_code == 1 and json.loads(result.output)["differences"]
    result = runner.invoke(args=["records", "rebuild-totals"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["records", "check"]).exit_code == 0


def test_the_wide_totals_have_one_column_per_content_area():
    columns = {c.name for c in OfficialYearTotal.__table__.columns} - {"year", "official_id", "credits", "total"}
    assert columns == set(CONTENT_AREAS), "a content area was added or renamed: add a migration for its column"


def test_a_batch_of_certificates_counts_like_the_same_certificates_one_by_one(app, make_official, issue):
    """`send_many` (a class issued at once) reaches the set-based receiver: replays inside and across
    batches add nothing, copies add nothing, and the totals match a recount."""
    from lms.core import events
    people = [make_official() for _ in range(3)]
    before = issue(people[0], periods=4)  # already in the ledger: the batch replays it

    def payload(person, certificate_id, **changes):
        facts = dict(certificate_id=certificate_id, official_id=person.id, school_id=None, title_vi="Lớp A",
                     title_en="Class A", content_area="state_management", topics=(), periods=8.0,
                     issued_on=date(2025, 5, 2), verification_code=f"VB{certificate_id}")
        return events.CertificateIssued(**{**facts, **changes})
    batch = [before, payload(people[0], 9001), payload(people[1], 9002, content_area="defence_security"),
             payload(people[1], 9003, issued_on=date(2024, 12, 1)), payload(people[2], 9004, copy_of=9001),
             payload(people[2], 9005, periods=2.5)]
    events.send_many(events.certificate_issued, batch)
    events.send_many(events.certificate_issued, batch)  # the whole batch again: nothing twice
    db.session.flush()

    counted = db.session.scalars(select(TrainingCredit.source_id).where(TrainingCredit.withdrawn_at.is_(None))).all()
    assert sorted(counted) == sorted([str(before.certificate_id), "9001", "9002", "9003", "9005"])
    assert credit_counts(people[0].id) == {2025: (2, 12.0)}
    assert official_totals(people[1].id) == {(2025, "defence_security"): 8.0, (2024, "state_management"): 8.0}
    assert credit_counts(people[2].id) == {2025: (1, 2.5)}
    assert ledger.total_differences() == []
    added = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "credit.added"))
    assert added == 5


def test_send_many_gives_plain_receivers_one_call_per_payload(app, make_official):
    from lms.core import events
    seen = []

    def plain(sender, payload, **kwargs):
        seen.append(payload.certificate_id)
    events.certificate_issued.connect(plain)
    try:
        person = make_official()
        events.send_many(events.certificate_issued, [events.CertificateIssued(
            certificate_id=n, official_id=person.id, school_id=None, title_vi="Lớp", title_en="",
            content_area="science_technology_digital", topics=(), periods=1.0, issued_on=date(2025, 1, 2),
            verification_code=f"VS{n}") for n in (1, 2, 3)])
    finally:
        events.certificate_issued.disconnect(plain)
    assert seen == [1, 2, 3]
