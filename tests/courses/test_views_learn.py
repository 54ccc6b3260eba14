"""Learners' pages: catalogue, course, lesson, My learning, files, videos and links, through the test client."""
from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from lms.core.db import db
from lms.courses.models import ActivityProgress, Course, Enrolment
from lms.courses.services.enrolment import enrol
from lms.courses.services.importer import import_course
from tests.courses.helpers import activity, make_course

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8


def _done(user, course, key) -> bool:
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.user_id == user.id,
                                                           ActivityProgress.activity_id == activity(course, key).id))
    return row is not None and row.completed_at is not None


def test_catalogue_lists_published_courses_and_finds_them_without_diacritics(imported, learner, login):
    make_course("ban-nhap", status="draft")
    make_course("quan-ly-nha-nuoc")
    client = login(learner)
    page = client.get("/courses/").get_data(as_text=True)
    assert "Tin học văn phòng cho công chức cấp xã" in page and "Khóa quan-ly-nha-nuoc" in page
    assert "ban-nhap" not in page and "Nội dung mẫu" in page  # the sample label, in Vietnamese
    found = client.get("/courses/?q=TIN+HOC+van").get_data(as_text=True)
    assert "Tin học văn phòng" in found and "quan-ly-nha-nuoc" not in found
    by_topic = client.get("/courses/?topic=digital_transformation").get_data(as_text=True)
    assert "Tin học văn phòng" in by_topic and "quan-ly-nha-nuoc" not in by_topic
    by_area = client.get("/courses/?area=state_management").get_data(as_text=True)
    assert "Tin học văn phòng" not in by_area and "quan-ly-nha-nuoc" in by_area


def test_catalogue_runs_a_fixed_number_of_queries(app, learner, login, count_queries):
    client = login(learner)
    for n in range(2):
        enrol(learner.id, make_course(f"khoa-{n}"))
    db.session.commit()
    with count_queries() as few:
        assert client.get("/courses/").status_code == 200
    for n in range(2, 8):
        enrol(learner.id, make_course(f"khoa-{n}"))
    db.session.commit()
    with count_queries() as many:
        assert client.get("/courses/").status_code == 200
    assert few.count == many.count


def test_enrol_then_lessons_complete_the_course(imported, learner, login, recorded_events):
    client = login(learner)
    page = client.get("/courses/c/tin-hoc-van-phong").get_data(as_text=True)
    assert "Ghi danh vào khóa học này" in page and "Tài liệu kiểm thử của nền tảng" in page
    response = client.post("/courses/c/tin-hoc-van-phong/enrol")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/c/tin-hoc-van-phong/resume")
    response = client.get(response.headers["Location"])
    assert response.headers["Location"].endswith("/a/bai-1")
    lesson = client.get("/courses/c/tin-hoc-van-phong/a/bai-1").get_data(as_text=True)
    assert "<table>" in lesson and "/courses/c/tin-hoc-van-phong/assets/files/bo-cuc.png" in lesson
    assert _done(learner, imported, "bai-1")
    client.get("/courses/c/tin-hoc-van-phong/a/bai-2")
    response = client.get("/courses/c/tin-hoc-van-phong/a/cong-dich-vu-cong/go")
    assert response.status_code == 302 and response.headers["Location"] == "https://dichvucong.gov.vn/"
    assert [name for name, _p in recorded_events if name == "course_completed"] == ["course_completed"]
    mine = client.get("/courses/my").get_data(as_text=True)
    assert "Tin học văn phòng" in mine and "100 %" in mine and "Xem lại" in mine
    # The last activity opened is where "resume" goes.
    client.get("/courses/c/tin-hoc-van-phong/a/so-tay")
    assert client.get("/courses/c/tin-hoc-van-phong/resume").headers["Location"].endswith("/a/so-tay")


def test_lesson_language_follows_the_interface(imported, learner, login):
    enrol(learner.id, imported)
    client = login(learner)
    client.post("/lang", data={"lang": "en"})
    page = client.get("/courses/c/tin-hoc-van-phong/a/bai-1").get_data(as_text=True)
    assert "Writing administrative documents" in page and "Lesson 1. Writing documents" in page


def test_lessons_need_an_enrolment_and_drafts_stay_hidden(imported, learner, login):
    draft = make_course("ban-nhap", status="draft")
    db.session.commit()
    client = login(learner)
    assert client.get("/courses/c/tin-hoc-van-phong/a/bai-1").status_code == 403
    assert client.get("/courses/c/tin-hoc-van-phong/assets/files/bo-cuc.png").status_code == 403
    assert client.get(f"/courses/c/{draft.key}").status_code == 404
    assert client.get(f"/courses/c/{draft.key}/a/bai-1").status_code == 404
    closed = make_course("dong", self_enrol=False)
    db.session.commit()
    response = client.post("/courses/c/dong/enrol", follow_redirects=True)
    assert "không mở ghi danh" in response.get_data(as_text=True)
    assert db.session.scalar(select(Enrolment).where(Enrolment.course_id == closed.id)) is None


def _fetch(client, url, **kw):
    """GET a file response and close it (file responses hold the file open until closed)."""
    with client.get(url, **kw) as response:
        response.get_data()
        return response


def test_files_open_inline_or_download_and_complete(imported, learner, login):
    enrol(learner.id, imported)
    client = login(learner)
    inline = _fetch(client, "/courses/c/tin-hoc-van-phong/a/so-tay/file?inline=1")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.headers["Content-Disposition"].startswith("inline")
    attached = _fetch(client, "/courses/c/tin-hoc-van-phong/a/so-tay/file")
    assert attached.headers["Content-Disposition"].startswith("attachment") and attached.data.startswith(b"%PDF")
    assert _done(learner, imported, "so-tay")
    image = _fetch(client, "/courses/c/tin-hoc-van-phong/assets/files/bo-cuc.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client.get("/courses/c/tin-hoc-van-phong/assets/files/nothing.png").status_code == 404


def test_embedded_video_is_marked_done_by_hand(imported, learner, login):
    enrol(learner.id, imported)
    client = login(learner)
    page = client.get("/courses/c/tin-hoc-van-phong/a/video-gioi-thieu").get_data(as_text=True)
    assert 'src="https://www.youtube.com/embed/dQw4w9WgXcQ"' in page and "Đánh dấu đã xong" in page
    client.post("/courses/c/tin-hoc-van-phong/a/video-gioi-thieu/done")
    assert _done(learner, imported, "video-gioi-thieu")
    assert client.post("/courses/c/tin-hoc-van-phong/a/bai-1/done").status_code == 400


@pytest.fixture
def video_course(app, school, course_folder):
    (course_folder / "files/gioi-thieu.mp4").write_bytes(MP4)
    data = yaml.safe_load((course_folder / "course.yaml").read_text("utf-8"))
    video = data["sections"][1]["activities"][0]
    video.pop("url")
    video["source"] = "files/gioi-thieu.mp4"
    video["settings"] = {"complete_at_percent": 75}
    (course_folder / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = import_course(course_folder)
    db.session.commit()
    return db.session.get(Course, report.course_id)


def test_uploaded_video_streams_with_ranges_and_completes_when_watched(video_course, learner, login):
    enrol(learner.id, video_course)
    client = login(learner)
    page = client.get("/courses/c/tin-hoc-van-phong/a/video-gioi-thieu").get_data(as_text=True)
    assert "<video" in page and "courses/video.js" in page
    whole = _fetch(client, "/courses/c/tin-hoc-van-phong/a/video-gioi-thieu/stream")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes" and whole.data == MP4
    part = _fetch(client, "/courses/c/tin-hoc-van-phong/a/video-gioi-thieu/stream", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == MP4[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    url = "/courses/c/tin-hoc-van-phong/a/video-gioi-thieu/watched"
    assert client.post(url, json={"percent": 40}).get_json() == {"percent": 40.0, "completed": False}
    assert client.post(url, json={"percent": 20}).get_json() == {"percent": 40.0, "completed": False}
    assert client.post(url, json={"percent": 76}).get_json() == {"percent": 76.0, "completed": True}
    assert client.post(url, json={"percent": "lots"}).status_code == 400
    assert _done(learner, video_course, "video-gioi-thieu")


def test_course_and_lesson_pages_run_a_fixed_number_of_queries(app, school, learner, login, make_user,
                                                               make_official, count_queries, tmp_path):
    def sized(key, n_lessons, n_learners):
        course = make_course(key, items=[(f"bai-{i}", "page", True) for i in range(n_lessons)])
        for _ in range(n_learners):
            enrol(make_user(official=make_official(), password="x").id, course)
        enrol(learner.id, course)
        return course
    small, big = sized("nho", 3, 1), sized("lon", 12, 5)
    client = login(learner)
    for course in (small, big):  # first views write progress; measure the steady state
        client.get(f"/courses/c/{course.key}/a/bai-1")
    counts = {}

    def get(url):  # as in production, a request starts with an empty session (here they share the test's)
        db.session.expunge_all()
        assert client.get(url).status_code == 200
    for key in (small.key, big.key):
        with count_queries() as course_page:
            get(f"/courses/c/{key}")
        with count_queries() as lesson:
            get(f"/courses/c/{key}/a/bai-1")
        counts[key] = (course_page.count, lesson.count)
    assert counts["nho"] == counts["lon"]
    with count_queries() as first_small:
        get("/courses/c/nho/a/bai-0")
    with count_queries() as first_big:
        get("/courses/c/lon/a/bai-0")
    assert first_small.count == first_big.count
    assert counts["nho"][1] < first_small.count  # a repeat view writes nothing


def test_csrf_is_on_outside_tests(app_factory, imported, learner):
    import re
    db.session.commit()
    strict = app_factory(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    login = client.post("/login", data={"identifier": learner.email, "password": "correct horse", "csrf_token": token})
    assert login.status_code == 302
    assert client.post("/courses/c/tin-hoc-van-phong/enrol").status_code == 400
    page = client.get("/courses/c/tin-hoc-van-phong").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/courses/c/tin-hoc-van-phong/enrol", data={"csrf_token": token}).status_code == 302
