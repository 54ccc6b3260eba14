"""The "scorm" activity type: registered with the core, launch address, choices, course-folder import/export."""
from __future__ import annotations

import shutil

import pytest

from lms.core import activities
from lms.core.activities import ActivityInfo
from lms.core.db import db
from lms.core.errors import DomainError
from lms.scorm.models import ScormPackage
from tests.scorm.helpers import RUNTIME_2004, SINGLE_SCO_12, english, package_zip


def info(ref: str) -> ActivityInfo:
    return ActivityInfo(id=1, course_id=1, course_key="k", school_id=None, key="a", type="scorm", ref=ref, title="t")


def test_the_type_is_registered(app):
    kind = activities.get("scorm")
    assert kind is not None and kind.name == "scorm" and ".zip" in kind.content_extensions
    assert kind.completion_hint()


def test_launch_url_and_choices(app, make_package, make_school):
    package = make_package(SINGLE_SCO_12)
    other = make_package(RUNTIME_2004, school_id=make_school("Trường khác").id)
    kind = activities.get("scorm")
    with app.test_request_context():
        assert kind.launch_url(info(str(package.id))) == f"/scorm/{package.id}/play"
        assert kind.launch_url(info("not-a-number")) is None
    assert kind.choices(1, package.school_id) == [(str(package.id), package.title)]
    assert {ref for ref, _label in kind.choices(1, None)} == {str(package.id), str(other.id)}


def test_import_then_export_then_reimport(app, school, tmp_path):
    kind = activities.get("scorm")
    folder = tmp_path / "course"
    (folder / "goi").mkdir(parents=True)
    shutil.copy(SINGLE_SCO_12, folder / "goi" / "golf.zip")
    spec = {"key": "golf", "type": "scorm", "source": "goi/golf.zip"}
    ref = kind.import_content(course_id=1, course_key="k", school_id=school.id, key="golf",
                              title={"vi": "Gôn nhập môn", "en": "Golf"}, spec=spec, folder=folder, existing_ref=None)
    db.session.commit()
    package = db.session.get(ScormPackage, int(ref))
    assert package.title == "Gôn nhập môn" and package.school_id == school.id
    again = kind.import_content(course_id=1, course_key="k", school_id=school.id, key="golf", title={"vi": "Gôn"},
                                spec=spec, folder=folder, existing_ref=ref)
    assert again == ref and package.revision == 1  # the same zip: nothing to do
    out = tmp_path / "export"
    exported = kind.export_content(ref, out)
    assert exported == {"source": "scorm/golf.zip"}  # the name the zip had when it was stored
    assert (out / exported["source"]).read_bytes() == SINGLE_SCO_12.read_bytes()
    changed = package_zip(tmp_path / "v2.zip")
    shutil.copy(changed, folder / "goi" / "golf.zip")
    assert kind.import_content(course_id=1, course_key="k", school_id=school.id, key="golf", title={"vi": "Gôn"},
                               spec=spec, folder=folder, existing_ref=ref) == ref
    assert package.revision == 2 and package.version == "1.2"


@pytest.mark.parametrize("source", ["", "../outside.zip", "/etc/passwd", "missing.zip"])
def test_import_refuses_sources_outside_or_missing(app, school, tmp_path, source):
    (tmp_path / "course").mkdir()
    (tmp_path / "outside.zip").write_bytes(SINGLE_SCO_12.read_bytes())
    with pytest.raises(DomainError):
        activities.get("scorm").import_content(course_id=1, course_key="k", school_id=school.id, key="x",
                                               title={}, spec={"source": source}, folder=tmp_path / "course",
                                               existing_ref=None)


def test_import_of_a_bad_zip_names_the_problem(app, school, tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"nope")
    with pytest.raises(DomainError) as caught:
        activities.get("scorm").import_content(course_id=1, course_key="k", school_id=school.id, key="x",
                                               title={}, spec={"source": "bad.zip"}, folder=tmp_path, existing_ref=None)
    assert "bad.zip is not a zip file" in english(caught.value)


def test_export_of_a_missing_package_fails(app, tmp_path):
    with pytest.raises(ValueError):
        activities.get("scorm").export_content("999", tmp_path)


def test_without_the_plugin_there_is_no_type(app_factory):
    app = app_factory(PLUGINS=["courses", "quizzes", "certificates"])
    with app.app_context():
        assert activities.get("scorm") is None
