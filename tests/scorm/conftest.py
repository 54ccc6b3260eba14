"""Fixtures of the SCORM tests: a school, its lecturer, an official, packages made from the real zips."""
from __future__ import annotations

import pytest

from lms.core.db import db
from lms.core.models import Role


@pytest.fixture
def school(make_school):
    return make_school("Trường Chính trị tỉnh Sơn Hà")


@pytest.fixture
def lecturer(make_user, school):
    # English pages, so that tests can read the messages; test_views checks the Vietnamese ones.
    return make_user("giangvien@example.vn", name="Giảng viên Lê Thị Hoa", locale="en",
                     roles=[(Role.lecturer, {"school_id": school.id})])


@pytest.fixture
def learner(make_user, make_official):
    official = make_official("Nguyễn Văn An")
    return make_user(official=official, name="Nguyễn Văn An", locale="en")


@pytest.fixture
def make_package(app, school, lecturer):
    """`make_package(path)`: a package uploaded for the school by its lecturer (committed)."""
    from lms.scorm import services

    def factory(path, *, title=None, school_id=None):
        with open(path, "rb") as stream:
            package, _created = services.create_package(stream, path.name, school_id=school_id or school.id,
                                                        user_id=lecturer.id, title=title)
        db.session.commit()
        return package
    return factory


@pytest.fixture(autouse=True)
def own_storage(request, tmp_path):
    """Each test that has an app stores its files in its own folder (ids are reused between tests)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["STORAGE_PATH"] = str(tmp_path / "storage")
