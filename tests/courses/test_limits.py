"""Course folders past the limits are refused quickly, and a refused or failed import leaves nothing behind."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.core import activities
from lms.core.activities import ActivityType
from lms.core.db import db
from lms.core.models import StoredFile
from lms.courses.models import Activity, Asset, Course, LessonContent, Section
from lms.courses.services.folder import FolderRejected
from lms.courses.services.importer import import_course
from tests.limits_support import billion_laughs_yaml, deep_yaml, stored_files

ROWS = (Course, Section, Activity, Asset, LessonContent, StoredFile)


@pytest.fixture(autouse=True)
def _messages_in_english(english):
    """Problems are read in English here."""


def _zipped(folder: Path, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _messages(rejected: FolderRejected) -> str:
    return " | ".join(f"{p.file}: {p.message}" for p in rejected.problems)


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in ROWS}


def test_a_course_yaml_whose_aliases_nest_is_refused_quickly(app, school, course_folder):
    app.config["YAML_MAX_ALIASES"] = 1000  # so that the expanded size is what stops it
    text = (course_folder / "course.yaml").read_text(encoding="utf-8")
    (course_folder / "course.yaml").write_text(text + billion_laughs_yaml(), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    assert time.monotonic() - started < 2
    assert "course.yaml: The YAML expands to more than 100000 values" in _messages(caught.value)


def test_a_course_yaml_too_deep_or_too_big_is_refused(app, school, course_folder):
    (course_folder / "course.yaml").write_text(deep_yaml(500), encoding="utf-8")
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    assert "nests deeper than 40 levels" in _messages(caught.value)
    (course_folder / "course.yaml").write_text("key: x\n#" + "a" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    assert "course.yaml is larger than the limit of 1 MB" in _messages(caught.value)


def test_a_course_zip_with_overlong_names_or_nested_archives_is_refused(app, school, course_folder):
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(_zipped(course_folder, {"files/" + "a" * 300 + ".txt": b"x"})), name="c.zip")
    assert "file or folder name longer than 255 bytes" in _messages(caught.value)
    app.config["ZIP_MAX_NESTED_ARCHIVES"] = 1
    nested = {"scorm/a.zip": b"PK", "scorm/b.zip": b"PK"}
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(_zipped(course_folder, nested)), name="c.zip")
    assert "c.zip: The zip holds 2 archives inside it; the limit is 1." in _messages(caught.value)


def test_a_course_zip_that_would_unpack_outside_is_refused(app, school, course_folder):
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(_zipped(course_folder, {"../evil.txt": b"x"})), name="c.zip")
    assert "c.zip:../evil.txt: its path leads outside the folder" in _messages(caught.value)


class FailingType(ActivityType):
    """A third party's activity type that refuses its content once the course's files are stored."""

    name = "testfailing"
    label = "Failing"

    def import_content(self, **_kwargs):
        raise ValueError("refused on purpose")


def test_an_import_refused_or_failing_midway_leaves_no_rows_and_no_files(app, school, course_folder, client, login,
                                                                       make_user):
    activities.register(app, FailingType())
    login(make_user(roles=["admin"]))
    before, files_before = _counts(), stored_files()

    refused = _zipped(course_folder, {"../evil.txt": b"x"})
    response = client.post("/courses/author/import", data={"file": (io.BytesIO(refused), "c.zip")})
    assert response.status_code == 422
    assert (_counts(), stored_files()) == (before, files_before)

    text = (course_folder / "course.yaml").read_text(encoding="utf-8")
    (course_folder / "course.yaml").write_text(text + (
        "  - key: phan-3\n    title: {vi: \"Phần 3\"}\n    activities:\n"
        "      - {key: hong, type: testfailing, title: {vi: \"Hỏng\"}}\n"), encoding="utf-8")
    (course_folder / "files" / "moi.png").write_bytes((course_folder / "files" / "bo-cuc.png").read_bytes() + b"new")
    response = client.post("/courses/author/import", data={"file": (io.BytesIO(_zipped(course_folder)), "c.zip")})
    assert response.status_code == 422
    assert "hong: refused on purpose" in response.get_data(as_text=True)
    assert (_counts(), stored_files()) == (before, files_before)


def test_a_class_enrolment_list_past_the_limits_is_refused_with_its_name(app):
    from lms.core.errors import DomainError
    from lms.courses.services.classes import read_codes
    app.config["IMPORT_MAX_ROWS"] = 2
    with pytest.raises(DomainError) as caught:
        read_codes(io.BytesIO(("Mã cán bộ\n" + "CB1\n" * 3).encode()), "lop.csv")
    assert str(caught.value) == "lop.csv: The file has more than 2 rows; split it into smaller files."
    assert read_codes(io.BytesIO(("Mã cán bộ\n" + "CB1\n" * 2).encode()), "lop.csv") == ["CB1", "CB1"]


def test_a_lesson_nested_too_deep_is_refused_with_its_file(app, school, course_folder):
    (course_folder / "lessons" / "02-thu-dien-tu.html").write_text("<div>" * 5000 + "x", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    assert time.monotonic() - started < 2
    assert "lessons/02-thu-dien-tu.html: The text nests elements or indents lines deeper than 100 levels." in (
        _messages(caught.value))


def test_a_lesson_typed_too_deep_in_the_editor_is_refused_with_a_message(imported, client, login, make_user):
    login(make_user(roles=["admin"]))
    page = db.session.get(LessonContent, int(next(a for s in imported.sections for a in s.activities
                                                  if a.key == "bai-1").ref))
    kept = page.source_vi
    deep = "".join("  " * level + "- a\n" for level in range(150))
    lesson = {"title_vi": "Bài 1", "required": "y", "format": "markdown", "body_vi": deep, "body_en": ""}
    url = "/courses/author/c/tin-hoc-van-phong/a/bai-1"
    for action in ("save", "preview"):
        response = client.post(url, data=dict(lesson, action=action), follow_redirects=True)
        assert response.status_code < 500
        assert "sâu hơn 100 cấp" in response.get_data(as_text=True), action
    db.session.refresh(page)
    assert page.source_vi == kept
