"""Course folders: import, export, round trip, re-import in place, and everything a bad folder can do."""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from lms.core import activities
from lms.core.activities import ActivityType
from lms.core.db import db
from lms.courses.models import Activity, ActivityProgress, Asset, Course, LessonContent, Section
from lms.courses.services import progress
from lms.courses.services.enrolment import enrol
from lms.courses.services.exporter import export_course, export_zip
from lms.courses.services.folder import FolderRejected
from lms.courses.services.importer import import_course
from tests.courses.helpers import activity


@pytest.fixture(autouse=True)
def _messages_in_english(english):
    """Problems are read in English here; the Vietnamese catalogue is checked elsewhere."""


def _edit_yaml(folder: Path, change) -> None:
    data = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _problems(rejected: FolderRejected) -> list[tuple[str, str]]:
    return [(p.file, str(p.message)) for p in rejected.problems]


def test_import_creates_the_course_with_its_structure_and_files(imported, school):
    course = imported
    assert (course.key, course.version, course.status.value, course.school_id) == (
        "tin-hoc-van-phong", 1, "published", school.id)
    assert course.title_en == "Office computing for commune civil servants"
    assert [s.key for s in course.sections] == ["phan-1", "phan-2"]
    assert [a.key for a in course.sections[1].activities] == ["video-gioi-thieu", "cong-dich-vu-cong", "bai-2"]
    assert [(a.type, a.required) for a in course.sections[0].activities] == [("page", True), ("file", False)]
    assert sorted(db.session.scalars(select(Asset.path))) == ["files/bo-cuc.png", "files/so-tay.pdf"]
    page = db.session.get(LessonContent, int(activity(course, "bai-1").ref))
    assert "<table>" in page.html_vi and 'src="asset:files/bo-cuc.png"' in page.html_vi
    assert 'href="asset:files/so-tay.pdf"' in page.html_vi
    assert page.html_en.startswith("<h1>Writing administrative documents</h1>")
    assert activity(course, "video-gioi-thieu").settings == {"complete_at_percent": 80}


def test_export_then_import_round_trips(imported, tmp_path, app):
    first = export_course(imported, tmp_path / "first")
    assert sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()) == [
        "course.yaml", "files/bo-cuc.png", "files/so-tay.pdf", "lessons/01-soan-thao.en.md",
        "lessons/01-soan-thao.md", "lessons/02-thu-dien-tu.html"]
    original = yaml.safe_load((Path(__file__).parent / "fixtures/tin-hoc-van-phong/course.yaml").read_text("utf-8"))
    exported = yaml.safe_load((first / "course.yaml").read_text("utf-8"))
    assert exported == original
    report = import_course(first)
    db.session.commit()
    assert not report.created and report.activities == 5
    second = export_course(db.session.get(Course, imported.id), tmp_path / "second")
    for path in first.rglob("*"):
        if path.is_file():
            assert (second / path.relative_to(first)).read_bytes() == path.read_bytes(), path


def test_zip_round_trip_with_the_folder_or_its_contents_at_the_root(imported, tmp_path):
    data = export_zip(imported)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "tin-hoc-van-phong/course.yaml" in archive.namelist()
    assert import_course(stream=io.BytesIO(data), name="course.zip").course_key == "tin-hoc-van-phong"
    flat = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(flat, "w") as target:
        for member in source.namelist():
            target.writestr(member.split("/", 1)[1], source.read(member))
    path = tmp_path / "flat.zip"
    path.write_bytes(flat.getvalue())
    assert import_course(path).activities == 5
    assert _count(Course) == 1


def test_reimport_keeps_progress_on_activities_whose_keys_did_not_change(imported, course_folder, learner):
    enrolment, _ = enrol(learner.id, imported)
    for key in ("bai-1", "bai-2"):
        progress.record(activity(imported, key), learner.id, completed=True)
    db.session.commit()
    kept_id = activity(imported, "bai-1").id

    def revise(data):
        data["version"] = 2
        data["sections"].reverse()
        moved = data["sections"][0]["activities"].pop()  # bai-2 leaves phan-2 ...
        moved["key"] = "bai-2-moi"  # ... under a new key: a new activity
        data["sections"][1]["activities"].insert(0, moved)
        data["sections"][1]["activities"][1]["title"]["vi"] = "Bài 1 (sửa đổi)"
    _edit_yaml(course_folder, revise)
    report = import_course(course_folder)
    db.session.commit()
    course = db.session.get(Course, imported.id)
    assert (report.created, course.version) == (False, 2)
    assert [s.key for s in course.sections] == ["phan-2", "phan-1"]
    assert [a.key for a in course.sections[1].activities] == ["bai-2-moi", "bai-1", "so-tay"]
    kept = activity(course, "bai-1")
    assert kept.id == kept_id and kept.title_vi == "Bài 1 (sửa đổi)"
    rows = {r.activity_id for r in db.session.scalars(select(ActivityProgress))}
    assert rows == {kept_id}
    assert activity(course, "bai-2") is None
    db.session.refresh(enrolment)
    assert enrolment.progress == pytest.approx(1 / 3)  # bai-1 of bai-1, cong-dich-vu-cong, bai-2-moi
    assert _count(Section) == 2 and _count(Activity) == 5


def test_reimport_that_changes_a_type_starts_that_activity_afresh(imported, course_folder, learner):
    progress.record(activity(imported, "cong-dich-vu-cong"), learner.id, completed=True)
    db.session.commit()

    def to_page(data):
        link = data["sections"][1]["activities"][1]
        link.update(type="page", source="lessons/02-thu-dien-tu.html")
        link.pop("url")
    _edit_yaml(course_folder, to_page)
    import_course(course_folder)
    db.session.commit()
    assert activity(imported, "cong-dich-vu-cong").type == "page"
    assert _count(ActivityProgress) == 0


def test_broken_yaml_is_refused_with_the_line(app, school, course_folder):
    (course_folder / "course.yaml").write_text("key: a\ntitle: {vi: \"x\"\n  sections: [\n", encoding="utf-8")
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    [(file, message)] = _problems(caught.value)
    assert file == "course.yaml" and "YAML" in message and "line" in message
    assert _count(Course) == 0


def test_every_problem_of_a_folder_is_reported_at_once(app, school, course_folder):
    def spoil(data):
        data["key"] = "Không hợp lệ"
        data["content_area"] = "astrology"
        data["periods"] = -1
        data["sections"][0]["activities"][0]["source"] = "../../etc/passwd"
        data["sections"][0]["activities"][1]["source"] = "files/missing.pdf"
        data["sections"][1]["activities"][0]["url"] = "https://evil.example/embed/1"
        data["sections"][1]["activities"].append({"key": "holo", "type": "hologram", "title": {"vi": "X"}})
    _edit_yaml(course_folder, spoil)
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    text = " | ".join(m for _f, m in _problems(caught.value))
    for expected in ("lowercase", "content_area", "periods", "not a path inside the course folder",
                     "files/missing.pdf is missing", "may only be embedded", "'hologram' is not available"):
        assert expected in text
    assert _count(Course) == 0


def test_hostile_lesson_html_is_cleaned_and_reported_by_file(app, school, course_folder):
    (course_folder / "lessons/02-thu-dien-tu.html").write_text(
        '<p onclick="steal()">Chào</p><script>alert(1)</script><a href="javascript:alert(2)">x</a>'
        '<svg onload="alert(3)"><script>alert(4)</script></svg>'
        '<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99">phủ</div>', encoding="utf-8")
    report = import_course(course_folder)
    stored = db.session.scalar(select(LessonContent.html_vi)
                               .where(LessonContent.source_path == "lessons/02-thu-dien-tu.html"))
    for bad in ("script", "onclick", "javascript", "svg", "alert", "position", "z-index"):
        assert bad not in stored
    assert "<p>Chào</p>" in stored and "phủ" in stored
    files = {w.file for w in report.warnings}
    messages = " ".join(str(w.message) for w in report.warnings)
    assert files == {"lessons/02-thu-dien-tu.html"}
    assert "<script>" in messages and "onclick" in messages and "javascript:" in messages and "z-index" in messages


def _zip(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("evil, reason", [
    ("../outside.txt", "leads outside"),
    ("a/../../outside.txt", "leads outside"),
    ("/etc/cron.d/x", "absolute"),
    ("..\\windows.txt", "backslashes"),
])
def test_zip_with_escaping_paths_is_refused_by_member(app, school, tmp_path, evil, reason):
    data = _zip({"course.yaml": b"key: x\n", evil: b"owned"})
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(data), name="bai-giang.zip")
    [(file, message)] = _problems(caught.value)
    assert file == f"bai-giang.zip:{evil}" and reason in message
    assert not (tmp_path.parent / "outside.txt").exists()
    assert _count(Course) == 0


def test_zip_with_a_link_or_too_big_is_refused(app, school):
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(_zip({"course.yaml": b"key: x\n"}, symlink="files/link")), name="l.zip")
    assert "symbolic link" in _problems(caught.value)[0][1]
    app.config["COURSES_ZIP_MAX_BYTES"] = 1000
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(_zip({"course.yaml": b"#" * 5000})), name="big.zip")
    assert "unpacks to more than" in _problems(caught.value)[0][1]
    with pytest.raises(FolderRejected) as caught:
        import_course(stream=io.BytesIO(b"not a zip at all"), name="fake.zip")
    assert _problems(caught.value) == [("fake.zip", "this is not a zip file")]


def test_file_over_the_limit_or_lying_about_its_type_is_refused(app, school, course_folder):
    png = (course_folder / "files/bo-cuc.png").read_bytes()
    (course_folder / "files/so-tay.pdf").write_bytes(png)  # a PNG calling itself PDF
    (course_folder / "files/virus.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    app.config["UPLOAD_MAX_BYTES"] = 1024
    (course_folder / "files/lon.png").write_bytes(png + b"\x00" * 2000)
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    found = dict(_problems(caught.value))
    assert "its name says .pdf but its content is image/png" in found["files/so-tay.pdf"]
    assert "not accepted" in found["files/virus.exe"]
    assert "larger than the limit" in found["files/lon.png"]
    assert _count(Course) == 0 and _count(Asset) == 0


def test_version_older_than_the_platform_is_refused(imported, course_folder):
    imported.version = 3
    db.session.commit()
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    assert "older than the version on the platform" in _problems(caught.value)[0][1]


class NoteType(ActivityType):
    """A third party's activity type living only in this test."""

    name = "testnote"
    label = "Note"
    store: dict = {}

    def import_content(self, *, course_id, course_key, school_id, key, title, spec, folder, existing_ref):
        text = (folder / spec["source"]).read_text(encoding="utf-8")
        if "FAIL" in text:
            raise ValueError("the note says FAIL")
        ref = existing_ref or str(len(self.store) + 1)
        self.store[ref] = {"text": text, "existing_ref": existing_ref, "settings": spec.get("settings")}
        return ref

    def export_content(self, ref, folder):
        (folder / "notes").mkdir(exist_ok=True)
        (folder / "notes" / f"{ref}.txt").write_text(self.store[ref]["text"], encoding="utf-8")
        return {"source": f"notes/{ref}.txt", "settings": self.store[ref]["settings"]}


def test_other_types_import_and_export_through_the_registry_and_failures_leave_nothing(app, school, course_folder,
                                                                                        tmp_path):
    NoteType.store = {}
    activities.register(app, NoteType())
    (course_folder / "note.txt").write_text("Ghi chú", encoding="utf-8")
    _edit_yaml(course_folder, lambda d: d["sections"][0]["activities"].append(
        {"key": "ghi-chu", "type": "testnote", "title": {"vi": "Ghi chú"}, "source": "note.txt",
         "settings": {"colour": "red"}}))
    import_course(course_folder)
    db.session.commit()
    course = db.session.scalar(select(Course))
    assert activity(course, "ghi-chu").ref == "1"
    import_course(course_folder)  # again: the type is told the existing ref
    assert NoteType.store["1"]["existing_ref"] == "1"
    db.session.commit()
    out = export_course(course, tmp_path / "out")
    spec = yaml.safe_load((out / "course.yaml").read_text("utf-8"))["sections"][0]["activities"][-1]
    assert spec == {"key": "ghi-chu", "type": "testnote", "title": {"vi": "Ghi chú"}, "source": "notes/1.txt",
                    "settings": {"colour": "red"}, "required": True}

    (course_folder / "note.txt").write_text("FAIL", encoding="utf-8")
    _edit_yaml(course_folder, lambda d: d.update(version=2, title={"vi": "Đổi tên", "en": ""}))
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)
    db.session.rollback()
    assert _problems(caught.value) == [("note.txt", "ghi-chu: the note says FAIL")]
    course = db.session.scalar(select(Course))
    assert (course.version, course.title_vi) == (1, "Tin học văn phòng cho công chức cấp xã")


def test_cli_import_and_export_with_json_reports(app, school, course_folder, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "import", str(course_folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["created"] and report["activities"] == 5 and report["files"] == 2
    out = tmp_path / "export.zip"
    result = runner.invoke(args=["courses", "export", "tin-hoc-van-phong", "-o", str(out), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["output"] == str(out)
    result = runner.invoke(args=["courses", "import", str(out), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["created"] is False

    (course_folder / "course.yaml").write_text(": : :", encoding="utf-8")
    result = runner.invoke(args=["courses", "import", str(course_folder), "--json"])
    assert result.exit_code == 1
    failed = json.loads(result.output)
    assert failed["ok"] is False and failed["problems"][0]["file"] == "course.yaml"
    result = runner.invoke(args=["courses", "export", "no-such-course"])
    assert result.exit_code == 1 and "No course" in result.output


def test_unknown_school_and_missing_course_yaml(app, tmp_path, course_folder):
    with pytest.raises(FolderRejected) as caught:
        import_course(course_folder)  # no school TCT-T01 in this database
    assert "no school with the code TCT-T01" in _problems(caught.value)[0][1]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FolderRejected) as caught:
        import_course(empty)
    assert _problems(caught.value)[0][0] == "course.yaml"
    assert os.listdir(empty) == []
