"""Lecturers author in the browser: create, edit, preview, upload, reorder, publish; and who may do it."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.core.db import db
from lms.courses.models import Activity, Asset, Course, CourseLecturer, CourseStatus, LessonContent, Section
from lms.courses.services.exporter import export_zip
from tests.courses.helpers import activity

FIXTURE_FILES = Path(__file__).parent / "fixtures/tin-hoc-van-phong/files"
NEW_COURSE = {"title_vi": "Kỹ năng số cơ bản", "title_en": "Basic digital skills", "summary_vi": "Tóm tắt",
              "content_area": "science_technology_digital", "topics": ["digital_transformation", "ai_skills"],
              "periods": "6", "level": "commune", "self_enrol": "y", "sources": "Nguồn 1\nNguồn 2",
              "min_attendance": "80", "prerequisites": ""}


@pytest.fixture
def lecturer(make_user, school):
    return make_user("giangvien@example.vn", name="ThS. Phạm Quang Huy", roles=[("lecturer", {"school_id": school.id})])


def _create(client, school, **overrides):
    data = dict(NEW_COURSE, school_id=str(school.id), **overrides)
    return client.post("/courses/author/new", data=data)


def test_a_lecturer_builds_and_publishes_a_course_in_the_browser(lecturer, school, login):
    client = login(lecturer)
    assert "Soạn bài giảng" in client.get("/courses/").get_data(as_text=True)  # the nav entry
    response = _create(client, school)
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/author/c/ky-nang-so-co-ban")
    course = db.session.scalar(select(Course))
    assert (course.key, course.status, course.school_id, course.min_attendance) == (
        "ky-nang-so-co-ban", CourseStatus.draft, school.id, 0.8)
    assert course.topics == ["digital_transformation", "ai_skills"] and course.sources == ["Nguồn 1", "Nguồn 2"]

    base = "/courses/author/c/ky-nang-so-co-ban"
    client.post(f"{base}/sections", data={"title_vi": "Phần một", "title_en": "Part one"})
    client.post(f"{base}/sections", data={"title_vi": "Phần hai"})
    first, second = db.session.scalars(select(Section).order_by(Section.position)).all()
    assert (first.key, second.key) == ("phan-mot", "phan-hai")
    response = client.post(f"{base}/activities", data={"section_id": first.id, "type": "page",
                                                        "title_vi": "Bài mở đầu", "required": "y"})
    assert response.headers["Location"].endswith(f"{base}/a/bai-mo-dau")

    # Upload a picture, then write the lesson with it; preview first (no script needed).
    with open(FIXTURE_FILES / "bo-cuc.png", "rb") as handle:
        client.post(f"{base}/files", data={"file": (handle, "Bố cục.png")}, content_type="multipart/form-data")
    assert db.session.scalar(select(Asset.path)) == "files/bo-cuc.png"
    lesson = {"title_vi": "Bài mở đầu", "required": "y", "format": "markdown",
              "body_vi": "# Mở đầu\n\n![Bố cục](files/bo-cuc.png)\n\n<script>alert(1)</script><p onclick=x()>Chào</p>"
                         "<x<img/src/onerror=alert(2)>",
              "body_en": ""}
    preview = client.post(f"{base}/a/bai-mo-dau", data=dict(lesson, action="preview")).get_data(as_text=True)
    assert "<h1>Mở đầu</h1>" in preview and "/courses/c/ky-nang-so-co-ban/assets/files/bo-cuc.png" in preview
    assert "đã gỡ thẻ &lt;script&gt;" in preview
    assert "&lt;x&lt;img" in preview and "<x<img" not in preview  # what was removed is named, escaped
    page = db.session.scalar(select(LessonContent).where(LessonContent.kind == "page"))
    assert page.html_vi == ""  # a preview saves nothing
    response = client.post(f"{base}/a/bai-mo-dau", data=dict(lesson, action="save"), follow_redirects=True)
    assert "đã gỡ thuộc tính xử lý sự kiện onclick" in response.get_data(as_text=True)
    db.session.refresh(page)
    assert "<script" not in page.html_vi and "onclick" not in page.html_vi and "asset:files/bo-cuc.png" in page.html_vi
    assert page.source_vi == lesson["body_vi"]  # the author's text is kept as written

    live = client.post(f"{base}/preview", json={"text": "**đậm** <img src=x onerror=alert(1)>", "format": "markdown"})
    assert live.get_json()["html"] == "<p><strong>đậm</strong> <img src=\"x\"></p>"

    client.post(f"{base}/activities", data={"section_id": second.id, "type": "link", "title_vi": "Cổng thông tin"})
    bad = client.post(f"{base}/a/cong-thong-tin", data={"title_vi": "Cổng thông tin", "url": "javascript:alert(1)"},
                      follow_redirects=True)
    assert "Liên kết phải bắt đầu bằng http:// hoặc https://" in bad.get_data(as_text=True)
    client.post(f"{base}/a/cong-thong-tin", data={"title_vi": "Cổng thông tin", "url": "https://chinhphu.vn"})
    client.post(f"{base}/sections/{second.id}/move", data={"direction": "up"})
    assert [s.key for s in db.session.scalars(select(Section).order_by(Section.position))] == ["phan-hai", "phan-mot"]

    client.post(f"{base}/status", data={"action": "published"})
    db.session.refresh(course)
    assert course.status is CourseStatus.published and course.published_at is not None
    client.post(f"{base}/status", data={"action": "revise"})
    db.session.refresh(course)
    assert course.version == 2
    with client.get(f"{base}/export") as exported:
        assert exported.mimetype == "application/zip"
        assert exported.headers["Content-Disposition"] == 'attachment; filename="ky-nang-so-co-ban-v2.zip"'


def test_publishing_an_empty_course_is_refused(lecturer, school, login):
    client = login(lecturer)
    _create(client, school)
    response = client.post("/courses/author/c/ky-nang-so-co-ban/status", data={"action": "published"},
                           follow_redirects=True)
    assert "Hãy thêm ít nhất một hoạt động trước khi xuất bản." in response.get_data(as_text=True)
    assert db.session.scalar(select(Course.status)) is CourseStatus.draft


def test_uploads_that_lie_about_their_type_are_refused(lecturer, school, login):
    client = login(lecturer)
    _create(client, school)
    png = (FIXTURE_FILES / "bo-cuc.png").read_bytes()
    response = client.post("/courses/author/c/ky-nang-so-co-ban/files",
                           data={"file": (io.BytesIO(png), "tai-lieu.pdf")}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "tai-lieu.pdf: tên tệp ghi .pdf nhưng nội dung thực là image/png" in response.get_data(as_text=True)
    response = client.post("/courses/author/c/ky-nang-so-co-ban/files",
                           data={"file": (io.BytesIO(b"<svg onload=alert(1)>"), "hinh.svg")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "không nhận loại tệp này (.svg)" in response.get_data(as_text=True)
    assert db.session.scalar(select(Asset)) is None


def test_lecturers_edit_only_their_schools_courses_or_those_assigned(imported, make_user, make_school, login, school):
    other_school = make_school("Trung tâm bồi dưỡng", code="TTBD")
    outsider = make_user("khac@example.vn", roles=[("lecturer", {"school_id": other_school.id})])
    official = make_user("canbo@example.vn")
    client = login(outsider)
    assert client.get("/courses/author/c/tin-hoc-van-phong").status_code == 403
    assert client.post("/courses/author/c/tin-hoc-van-phong/status", data={"action": "archived"}).status_code == 403
    assert "tin-hoc-van-phong" not in client.get("/courses/author").get_data(as_text=True)
    assert _create(client, school).status_code == 200  # the school is not theirs: not created
    assert db.session.scalar(select(Course).where(Course.key == "ky-nang-so-co-ban")) is None
    # A visiting lecturer assigned to the course may edit it.
    db.session.add(CourseLecturer(course_id=imported.id, user_id=outsider.id))
    db.session.commit()
    assert client.get("/courses/author/c/tin-hoc-van-phong").status_code == 200
    assert "tin-hoc-van-phong" in client.get("/courses/author").get_data(as_text=True)
    client.post("/logout")
    client = login(official)
    assert client.get("/courses/author").status_code == 403
    assert "Soạn bài giảng" not in client.get("/courses/").get_data(as_text=True)


def test_assigning_a_lecturer_by_email(imported, lecturer, make_user, login):
    visiting = make_user("gs.khach@example.vn", name="GS. Khách mời")
    client = login(lecturer)
    response = client.post("/courses/author/c/tin-hoc-van-phong/lecturers", data={"email": "GS.Khach@example.vn"},
                           follow_redirects=True)
    assert "GS. Khách mời" in response.get_data(as_text=True)
    assert db.session.get(CourseLecturer, (imported.id, visiting.id)) is not None


def test_uploading_a_course_zip_in_the_browser(lecturer, school, login, imported):
    data = export_zip(imported)
    client = login(lecturer)
    response = client.post("/courses/author/import", data={"file": (io.BytesIO(data), "tin-hoc.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/author/c/tin-hoc-van-phong")
    evil = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("course.yaml", "key: [unclosed\n")
    response = client.post("/courses/author/import", data={"file": (io.BytesIO(evil.getvalue()), "hong.zip")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "hong.zip không được nhập; không có gì thay đổi." in page
    assert "<code>course.yaml</code>: nội dung không đúng cú pháp YAML" in page


def test_an_uploaded_course_of_another_school_is_refused(make_user, make_school, login, imported):
    other = make_school("Trung tâm khác", code="KHAC")
    outsider = make_user("khac@example.vn", roles=[("lecturer", {"school_id": other.id})])
    client = login(outsider)
    response = client.post("/courses/author/import", data={"file": (io.BytesIO(export_zip(imported)), "x.zip")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "bạn không có quyền sửa khóa học tin-hoc-van-phong" in page


def test_reordering_and_deleting_activities_keeps_positions_tidy(imported, lecturer, login, learner):
    client = login(lecturer)
    base = "/courses/author/c/tin-hoc-van-phong"
    client.post(f"{base}/a/bai-2/move", data={"direction": "up"})
    keys = [a.key for a in db.session.scalars(select(Activity)
                                               .where(Activity.section_id == activity(imported, "bai-2").section_id)
                                               .order_by(Activity.position))]
    assert keys == ["video-gioi-thieu", "bai-2", "cong-dich-vu-cong"]
    client.post(f"{base}/a/bai-2/delete")
    assert activity(imported, "bai-2") is None
    assert re.search(r"Bài 2", client.get("/courses/c/tin-hoc-van-phong").get_data(as_text=True)) is None


def test_double_submitted_forms_add_once(lecturer, school, login):
    client = login(lecturer)
    _create(client, school)
    _create(client, school)
    assert db.session.query(Course).count() == 1
    base = "/courses/author/c/ky-nang-so-co-ban"
    for _ in range(2):
        client.post(f"{base}/sections", data={"title_vi": "Phần một"})
    section = db.session.scalar(select(Section))
    for _ in range(2):
        client.post(f"{base}/activities", data={"section_id": section.id, "type": "page", "title_vi": "Bài 1"})
    assert db.session.query(Section).count() == 1 and db.session.query(Activity).count() == 1
    client.post(f"{base}/activities", data={"section_id": section.id, "type": "link", "title_vi": "Bài 1"})
    assert db.session.query(Activity).count() == 2  # another type: a different activity


def test_the_menu_shows_authoring_as_soon_as_someone_is_assigned_and_hides_it_when_they_are_not(
        imported, make_user, login):
    official = make_user("duoc.giao@example.vn")
    client = login(official)
    assert "Soạn bài giảng" not in client.get("/courses/").get_data(as_text=True)  # the menu keeps "no"
    db.session.add(CourseLecturer(course_id=imported.id, user_id=official.id))
    db.session.commit()
    assert "Soạn bài giảng" in client.get("/courses/").get_data(as_text=True)
    db.session.delete(db.session.get(CourseLecturer, (imported.id, official.id)))
    db.session.commit()
    assert "Soạn bài giảng" not in client.get("/courses/").get_data(as_text=True)
