"""Fixtures for the training record: events as the certificates and courses plugins send them."""
from __future__ import annotations

import itertools
import os
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine, make_url, text

from lms.core import events

_ids = itertools.count(1000)


@pytest.fixture
def issue(app):
    """`issue(official, periods=8, area=..., on=date)` sends certificate_issued; returns the payload."""
    def send(official, *, periods=8.0, area="state_management", on=date(2025, 3, 10), school=None,
             certificate_id=None, title="Bồi dưỡng kiến thức quản lý nhà nước", topics=("public_administration",)):
        payload = events.CertificateIssued(
            certificate_id=certificate_id or next(_ids), official_id=official.id,
            school_id=school.id if school is not None else None, title_vi=title, title_en="State management",
            content_area=area, topics=tuple(topics), periods=periods, issued_on=on,
            verification_code=f"VC{next(_ids)}")
        events.send(events.certificate_issued, payload)
        return payload
    return send


@pytest.fixture
def revoke(app):
    def send(issued: events.CertificateIssued, *, ground="school_error", superseded_by=None):
        payload = events.CertificateRevoked(certificate_id=issued.certificate_id, official_id=issued.official_id,
                                            revoked_at=datetime(2025, 4, 1, tzinfo=timezone.utc), ground=ground,
                                            note="", superseded_by=superseded_by)
        events.send(events.certificate_revoked, payload)
        return payload
    return send


@pytest.fixture
def attend(app):
    def send(official, *, class_id=None, periods=16.0, area="job_position", on=date(2025, 5, 20), school=None):
        payload = events.ClassAttended(official_id=official.id, class_id=class_id or next(_ids),
                                       school_id=school.id if school is not None else None,
                                       title_vi="Lớp bồi dưỡng kỹ năng", title_en="Skills class",
                                       content_area=area, topics=(), periods=periods, earned_on=on)
        events.send(events.class_attended, payload)
        return payload
    return send


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own, empty, on the suite's backend: for tests that migrate step by step."""
    if os.environ.get("LMS_TEST_DATABASE", "sqlite") != "postgres":
        yield "sqlite:///" + str(tmp_path / "upgrade.sqlite3")
        return
    from lms.core.config import normalise_database_url
    server = make_url(normalise_database_url(os.environ.get("LMS_TEST_POSTGRES_URL",
                                                            "postgresql://postgres@127.0.0.1:5432/postgres")))
    name = f"lms_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
