"""Fixtures for the certificates tests: a fake catalog, a school with a template, learners, a class."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import pytest

from lms.core.catalog import provide
from lms.core.db import db
from tests.certificates.fakes import FakeCatalog

_ids = itertools.count(100)


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages in English while these tests run (the platform's default is Vietnamese; one test checks it)."""
    client.post("/lang", data={"lang": "en"})
    return client


def english(message) -> str:
    """A lazy message (a DomainError, a Reason) as English text."""
    from flask import current_app
    from flask_babel import refresh
    with current_app.test_request_context("/?lang=en"):
        refresh()  # Flask-Babel caches the locale per app context, which the test shares
        try:
            return str(message)
        finally:
            refresh()


@pytest.fixture
def fake_catalog(app):
    catalog = FakeCatalog()
    provide(app, catalog)
    return catalog


@pytest.fixture
def school(make_school, make_unit):
    unit = make_unit("Tỉnh Sơn Hà", code="T-SH")
    return make_school("Trường Chính trị tỉnh Sơn Hà", unit=unit, code="TCT-SH", governing_body="TỈNH ỦY SƠN HÀ",
                       name_en="Son Ha Provincial Political School")


@pytest.fixture
def make_template(app):
    from lms.certificates.models import CertificateKind, CertificateTemplate

    def factory(school, **kw):
        template = CertificateTemplate(
            school_id=school.id, name=kw.pop("name", "Giấy chứng nhận"),
            kind=kw.pop("kind", CertificateKind.completion),
            title=kw.pop("title", "GIẤY CHỨNG NHẬN"), subtitle=kw.pop("subtitle", "HOÀN THÀNH KHÓA BỒI DƯỠNG"),
            body=kw.pop("body", "Đã hoàn thành khóa bồi dưỡng"), **kw)
        db.session.add(template)
        db.session.flush()
        return template
    return factory


@pytest.fixture
def template(school, make_template):
    return make_template(school)


@pytest.fixture
def make_rule(app):
    from lms.certificates.models import CertificateRule

    def factory(template, course, *, klass=None, **kw):
        rule = CertificateRule(scope=f"class:{klass.id}" if klass else f"course:{course.key}",
                               school_id=template.school_id, template_id=template.id, course_key=course.key,
                               course_id=course.id, class_id=klass.id if klass else None, **kw)
        db.session.add(rule)
        db.session.flush()
        return rule
    return factory


@pytest.fixture
def make_learner(make_official, make_user, make_unit):
    unit_box = []

    def factory(name="Nguyễn Thị Ngọc Hường", *, born=date(1987, 6, 15), gender="Nữ", with_official=True):
        if not unit_box:
            unit_box.append(make_unit("Sở Nội vụ", code=f"SNV{next(_ids)}"))
        if not with_official:
            return make_user(name=name), None
        official = make_official(name, unit=unit_box[0], born=born, gender=gender)
        return make_user(official=official, name=name), official
    return factory


@dataclass
class ClassSetup:
    catalog: FakeCatalog
    course: object
    klass: object
    rule: object
    learners: list = field(default_factory=list)


@pytest.fixture
def class_setup(fake_catalog, school, template, make_rule, make_learner):
    """A course with a class of four learners who completed it well, and a class rule (min. score 50%)."""
    def factory(*, names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo", "Trần Văn Tư", "Lê Thị Ánh"), class_id=None,
                course_id=None, rule_kw=None, course_rule=False, **enrol_kw):
        course_id = course_id or next(_ids)
        course = fake_catalog.courses_by_id.get(course_id) or fake_catalog.add_course(course_id, school_id=school.id)
        klass = fake_catalog.add_class(class_id or next(_ids), course, school_id=school.id)
        rule = make_rule(template, course, klass=None if course_rule else klass,
                         **({"min_final_score": 0.5} | (rule_kw or {})))
        setup = ClassSetup(fake_catalog, course, klass, rule)
        for name in names:
            user, official = make_learner(name)
            fake_catalog.enrol(klass.id, user.id, official.id, **enrol_kw)
            setup.learners.append((user, official))
        return setup
    return factory


ISSUE_DAY = date(2025, 4, 2)


@pytest.fixture
def issue_class(class_setup):
    """Issue a class set up by `class_setup(**kw)`; returns (setup, certificates in register order)."""
    from lms.certificates.models import Certificate
    from lms.certificates.services.issuing import issue_for_class

    def factory(**kw):
        setup = class_setup(**kw)
        report, _ = issue_for_class(setup.klass.id, actor_id=None, today=ISSUE_DAY)
        return setup, [db.session.get(Certificate, i) for i in report.issued]
    return factory


def png_bytes(size=(240, 120), *, seal=False) -> bytes:
    """A small PNG: a transparent red ring (a seal) or a dark scribble (a signature)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    if seal:
        pen.ellipse((4, 4, size[0] - 4, size[1] - 4), outline=(200, 20, 30, 230), width=8)
    else:
        pen.line([(10, size[1] - 20), (60, 15), (110, size[1] - 30), (180, 25), (230, 60)], fill=(20, 30, 120, 255),
                 width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def stored_image(app):
    """Upload a PNG through the storage service, as the template form does."""
    import io

    from lms.core import storage

    def factory(*, seal=False, name="image.png"):
        size = (200, 200) if seal else (240, 120)
        return storage.save(io.BytesIO(png_bytes(size, seal=seal)), name, storage.IMAGE_TYPES)
    return factory
