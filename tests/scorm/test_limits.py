"""SCORM packages past the shared limits are refused before unpacking; a refused or failed upload leaves nothing."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import StoredFile
from lms.scorm import files, services
from lms.scorm.archive import PackageRefused
from lms.scorm.models import ScormItem, ScormPackage
from tests.limits_support import deep_xml, stored_files
from tests.scorm.helpers import MANIFEST_12, SINGLE_SCO_12, english, package_zip


def refused(path) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        services.check_package(path, path.name, services.limits())
    return caught.value


def test_a_manifest_nested_too_deep_is_refused(app, tmp_path):
    manifest = MANIFEST_12.replace("<metadata>", "<metadata>" + deep_xml(120, "x"))
    problem = refused(package_zip(tmp_path / "p.zip", manifest))
    assert problem.code == "xml_depth"
    assert "deeper than 100 levels" in english(problem)


def test_overlong_entry_names_and_too_many_nested_archives_are_refused(app, tmp_path):
    long_name = "pages/" + "dài" * 100 + ".html"
    problem = refused(package_zip(tmp_path / "names.zip", extra={long_name: "x"}))
    assert problem.code == "name_too_long"
    app.config["ZIP_MAX_NESTED_ARCHIVES"] = 1
    problem = refused(package_zip(tmp_path / "nested.zip", extra={"a.zip": b"PK", "docs/b.jar": b"PK"}))
    assert problem.code == "nested_archives"
    assert "2 archives inside it; the limit is 1" in english(problem)


def _state() -> tuple:
    models = (ScormPackage, ScormItem, StoredFile)
    counts = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)
    return counts, stored_files()


def _upload(client, school, data: bytes):
    return client.post("/scorm/packages/new", data={"school_id": school.id, "title": "",
                                                     "package": (io.BytesIO(data), "p.zip")},
                       content_type="multipart/form-data")


def test_a_refused_upload_and_one_failing_midway_leave_no_rows_and_no_files(login, lecturer, school, tmp_path,
                                                                          monkeypatch):
    client = login(lecturer)
    before = _state()
    bad = package_zip(tmp_path / "bad.zip", MANIFEST_12.replace("<metadata>", "<metadata>" + deep_xml(120, "x")))
    response = _upload(client, school, bad.read_bytes())
    assert response.status_code == 422 and "deeper than 100 levels" in response.get_data(True)
    assert _state() == before

    installed = []
    real = files.install

    def install_then_fail(*args, **kwargs):
        installed.append(real(*args, **kwargs))
        raise DomainError("the disk is full")
    monkeypatch.setattr(files, "install", install_then_fail)
    response = _upload(client, school, SINGLE_SCO_12.read_bytes())
    assert response.status_code == 422 and "the disk is full" in response.get_data(True)
    assert installed and not installed[0].exists()
    assert _state() == before
