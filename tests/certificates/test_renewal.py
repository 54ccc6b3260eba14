"""Expiry and renewal: the daily job expires certificates on their date, opens renewal windows once,
and holders and their unit managers are reminded 30 and 7 days ahead (once each)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from lms.certificates.models import Status
from lms.certificates.plugin import CertificatesPlugin
from lms.certificates.services import renewal
from lms.certificates.services.issuing import issue_for_completion
from lms.core import events
from lms.core.db import db
from lms.core.models import AuditEntry, Role
from lms.core.notifications.models import Notification
from lms.core.notifications.rendering import render_notification


def valid_for_a_year(issue_class):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",), rule_kw={"validity_months": 12,
                                                                    "renewal_window_days": 45}, course_rule=True)
    assert cert.expires_on == date(2026, 3, 28)
    return setup, cert


def test_certificates_expire_on_their_date(issue_class, client):
    _, cert = valid_for_a_year(issue_class)
    assert renewal.expire_due(date(2026, 3, 27)) == []
    assert renewal.expire_due(date(2026, 3, 28)) == [cert.id]
    db.session.commit()
    assert cert.status is Status.expired
    assert db.session.scalar(
        select(AuditEntry.reason).where(AuditEntry.action == "certificate.expired")) == "expiry date"
    assert renewal.expire_due(date(2026, 3, 29)) == []
    assert "verdict-expired" in client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)


def test_the_renewal_window_opens_once_and_asks_courses_to_reopen(issue_class, recorded_events):
    setup, cert = valid_for_a_year(issue_class)
    assert renewal.open_renewals(date(2026, 2, 10)) == []  # 46 days before expiry
    assert renewal.open_renewals(date(2026, 2, 11)) == [cert.id]
    assert renewal.open_renewals(date(2026, 2, 12)) == []
    due = [p for name, p in recorded_events if name == "recertification_due"]
    assert [(p.certificate_id, p.cycle, p.course_key, p.expires_on) for p in due] == [
        (cert.id, 2, setup.course.key, date(2026, 3, 28))]
    # The renewal completed on time runs from the old expiry date (Totara's "expiry date" base).
    user, _ = setup.learners[0]
    issued = issue_for_completion(events.CourseCompleted(
        user_id=user.id, course_id=setup.course.id, course_key=setup.course.key, enrolment_id=99,
        completed_at=datetime(2026, 3, 1, 3, tzinfo=timezone.utc), final_score=0.9), today=date(2026, 3, 1))
    assert len(issued) == 1
    assert renewal.renewed(cert)


def test_holders_and_unit_managers_are_reminded_30_and_7_days_ahead(issue_class, make_user, make_unit, app):
    setup, cert = valid_for_a_year(issue_class)
    user, official = setup.learners[0]
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": official.unit_id})], name="Vũ Đức Thắng")
    days = app.config["CERTIFICATES_REMINDER_DAYS"]
    assert days == [30, 7]
    assert renewal.send_reminders(date(2026, 2, 25), days) == 0  # 31 days ahead
    assert renewal.send_reminders(date(2026, 2, 26), days) == 2  # 30 days: holder and manager
    assert renewal.send_reminders(date(2026, 3, 1), days) == 0  # already told at 30
    assert renewal.send_reminders(date(2026, 3, 21), days) == 2  # 7 days
    assert renewal.send_reminders(date(2026, 3, 22), days) == 0
    notes = list(db.session.scalars(select(Notification).order_by(Notification.id)))
    assert [(n.user_id, n.template) for n in notes] == [
        (user.id, "certificates/expiry_reminder"), (manager.id, "certificates/expiry_reminder_manager"),
        (user.id, "certificates/expiry_reminder"), (manager.id, "certificates/expiry_reminder_manager")]
    assert notes[0].link == f"/certificates/{cert.id}" and notes[0].params["days_left"] == 30
    text = render_notification(notes[1].template, notes[1].params, locale="en", recipient_name="Vũ Đức Thắng")
    assert "Đặng Quốc Bảo" in text.body and "28/03/2026" in text.subject
    text = render_notification(notes[0].template, notes[0].params, locale="vi", recipient_name="Đặng Quốc Bảo")
    assert "28/03/2026" in text.subject and "Your certificate" not in text.subject


def test_no_reminder_once_renewed(issue_class):
    setup, cert = valid_for_a_year(issue_class)
    user, _ = setup.learners[0]
    issue_for_completion(events.CourseCompleted(
        user_id=user.id, course_id=setup.course.id, course_key=setup.course.key, enrolment_id=5,
        completed_at=datetime(2026, 2, 20, tzinfo=timezone.utc), final_score=0.9), today=date(2026, 2, 20))
    assert renewal.send_reminders(date(2026, 2, 26), [30, 7]) == 0


def test_reminder_windows():
    today = date(2026, 1, 1)
    assert renewal.reminder_windows([7, 30], today) == [(30, today + timedelta(days=8), today + timedelta(days=30)),
                                                        (7, today + timedelta(days=1), today + timedelta(days=7))]


def test_the_jobs_are_declared_for_the_scheduler(app):
    specs = {spec.id: spec for spec in CertificatesPlugin().jobs()}
    assert set(specs) == {"certificates.daily", "certificates.reminders"}
    assert specs["certificates.daily"].trigger == "cron"
    assert specs["certificates.daily"].func() == {"expired": 0, "renewals_opened": 0, "counters_purged": 0}
    assert specs["certificates.reminders"].func() == {"notified": 0}


def test_a_renewal_may_complete_the_same_enrolment_again(issue_class):
    setup, cert = valid_for_a_year(issue_class)
    user, _ = setup.learners[0]
    first = dict(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key, enrolment_id=41,
                 final_score=0.9)
    cert.enrolment_id = 41
    replay = events.CourseCompleted(completed_at=cert.completed_at, **first)
    assert issue_for_completion(replay, today=date(2026, 3, 1)) == []
    again = events.CourseCompleted(completed_at=datetime(2026, 3, 1, tzinfo=timezone.utc), **first)
    assert len(issue_for_completion(again, today=date(2026, 3, 1))) == 1
    assert issue_for_completion(again, today=date(2026, 3, 2)) == []
