"""The training record is a plugin like the others: what it contributes when enabled, and that it is
silent when it is not (its receivers, including the batch one, do not run)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.core import events
from lms.core.db import db
from lms.records.models import TrainingCredit
from tests.conftest import ALL_PLUGINS

WITHOUT_RECORDS = [name for name in ALL_PLUGINS if name != "records"]


def _certificate(official_id: int, certificate_id: int) -> events.CertificateIssued:
    return events.CertificateIssued(
        certificate_id=certificate_id, official_id=official_id, school_id=None, title_vi="Lớp", title_en="",
        content_area="state_management", topics=(), periods=8.0, issued_on=date(2025, 5, 2),
        verification_code=f"VP{certificate_id}")


def _credits() -> int:
    return db.session.scalar(select(func.count(TrainingCredit.id)))


def test_the_plugin_brings_its_pages_api_commands_job_menu_and_filters(app):
    assert "records" in app.extensions["lms"]["plugins"]
    assert {"records", "records_api"} <= set(app.blueprints)
    assert "records" in app.cli.commands
    assert set(app.cli.commands["records"].commands) == {"check", "rebuild-totals"}
    assert "records.behind_digest" in {job.id for job in app.extensions["lms"]["jobs"]}
    assert {"records.my_record", "records.dashboard", "records.report", "records.outside_index"} <= {
        item.endpoint for item in app.extensions["lms"]["nav"]}
    assert {"records_number", "records_percent"} <= set(app.jinja_env.filters)


def test_a_certificate_reaches_the_record_one_by_one_and_in_a_batch(app, make_official):
    person = make_official()
    events.send(events.certificate_issued, _certificate(person.id, 7001))
    events.send_many(events.certificate_issued, [_certificate(person.id, 7002), _certificate(person.id, 7003)])
    db.session.flush()
    assert _credits() == 3


def test_without_the_plugin_nothing_listens_and_no_page_names_it(app, app_factory, make_official, make_user):
    person = make_official()
    admin = make_user(roles=["admin"])
    db.session.commit()
    other = app_factory(PLUGINS=WITHOUT_RECORDS)
    assert "records" not in other.blueprints and "records_api" not in other.blueprints
    assert "records" not in other.cli.commands
    with other.app_context():
        events.send(events.certificate_issued, _certificate(person.id, 7101))
        events.send_many(events.certificate_issued, [_certificate(person.id, 7102), _certificate(person.id, 7103)])
        db.session.flush()
        assert _credits() == 0
        client = other.test_client()
        assert client.post("/login", data={"identifier": admin.email, "password": "correct horse"}).status_code == 302
        page = client.get("/admin/")
        assert page.status_code == 200
        assert "/records/" not in page.get_data(as_text=True)
        assert client.get("/records/").status_code == 404
        db.session.rollback()
        db.session.remove()
