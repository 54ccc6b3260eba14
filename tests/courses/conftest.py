"""Fixtures for the courses plugin: the demo school, a course imported from a fixture folder, learners."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.core.db import db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def school(make_school):
    return make_school("Trường Chính trị tỉnh Sơn Hà", code="TCT-T01")


@pytest.fixture
def course_folder(tmp_path):
    """A writable copy of the fixture course folder."""
    target = tmp_path / "tin-hoc-van-phong"
    shutil.copytree(FIXTURES / "tin-hoc-van-phong", target)
    return target


@pytest.fixture
def imported(app, school, course_folder):
    """The fixture course, imported and committed; returns the Course."""
    from lms.courses.models import Course
    from lms.courses.services.importer import import_course
    report = import_course(course_folder)
    db.session.commit()
    return db.session.get(Course, report.course_id)


@pytest.fixture
def learner(make_official, make_user):
    official = make_official("Trần Thị Bình")
    return make_user(official=official, name=official.full_name)



@pytest.fixture
def english(app):
    """Messages in English while the test runs (the platform's default is Vietnamese)."""
    from flask_babel import force_locale
    with force_locale("en"):
        yield
