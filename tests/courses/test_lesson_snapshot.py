"""The lesson page reads a course's outline and contents from a per-process snapshot: a change made by
any process (another worker, the import command) shows at the next view, in every process."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.courses.models import Activity, CourseStatus, Enrolment, EnrolmentStatus, LessonContent, Section
from lms.courses.services.enrolment import enrol
from tests.courses.helpers import activity, make_course


def _other_worker(app_factory, learner):
    """A second app over the same database, as another gunicorn worker is, with the learner logged in."""
    other = app_factory(fresh=True)
    client = other.test_client()
    response = client.post("/login", data={"identifier": learner.email or learner.login_code,
                                           "password": "correct horse"})
    assert response.status_code == 302
    return client


def test_changes_made_elsewhere_show_at_the_next_view(app, app_factory, learner):
    course = make_course("khoa-a", items=(("bai-1", "page", True), ("bai-2", "page", True)))
    enrol(learner.id, course)
    db.session.commit()
    worker = _other_worker(app_factory, learner)
    page = worker.get("/courses/c/khoa-a/a/bai-1").get_data(as_text=True)
    assert "<p>bai-1</p>" in page and "Bài bai-2" in page

    # Here (the lecturer's worker): new text for the first lesson, a new title for the second, a third one.
    db.session.get(LessonContent, int(activity(course, "bai-1").ref)).html_vi = "<p>Nội dung đã sửa</p>"
    activity(course, "bai-2").title_vi = "Bài hai, tên mới"
    section = db.session.scalar(select(Section).where(Section.course_id == course.id))
    content = LessonContent(course_id=course.id, kind="page", html_vi="<p>bài ba</p>", source_vi="bài ba")
    db.session.add(content)
    db.session.flush()
    section.activities.append(Activity(course_id=course.id, key="bai-3", type="page", ref=str(content.id),
                                       title_vi="Bài thứ ba", position=9))
    db.session.commit()

    page = worker.get("/courses/c/khoa-a/a/bai-1").get_data(as_text=True)
    assert "Nội dung đã sửa" in page and "<p>bai-1</p>" not in page
    assert "Bài hai, tên mới" in page and "Bài thứ ba" in page
    assert worker.get("/courses/c/khoa-a/a/bai-3").status_code == 200

    db.session.delete(activity(course, "bai-3"))
    db.session.commit()
    assert worker.get("/courses/c/khoa-a/a/bai-3").status_code == 404
    assert "Bài thứ ba" not in worker.get("/courses/c/khoa-a/a/bai-1").get_data(as_text=True)


def test_a_course_closed_elsewhere_is_closed_at_once(app, app_factory, learner):
    course = make_course("khoa-b")
    enrol(learner.id, course)
    db.session.commit()
    worker = _other_worker(app_factory, learner)
    assert worker.get("/courses/c/khoa-b/a/bai-1").status_code == 200
    db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id)).status = EnrolmentStatus.withdrawn
    course.status = CourseStatus.draft
    db.session.commit()
    assert worker.get("/courses/c/khoa-b/a/bai-1").status_code == 404


def test_a_repeat_view_writes_nothing_and_a_move_writes_the_position(app, learner, login, count_queries):
    course = make_course("khoa-c", items=(("bai-1", "page", True), ("bai-2", "page", True)))
    enrol(learner.id, course)
    client = login(learner)
    client.get("/courses/c/khoa-c/a/bai-1")  # the first view completes the lesson
    with count_queries() as repeat:
        assert client.get("/courses/c/khoa-c/a/bai-1").status_code == 200
    assert not [s for s in repeat.statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not [s for s in repeat.statements if "courses_sections" in s or "courses_contents" in s]  # kept
    client.get("/courses/c/khoa-c/a/bai-2")
    db.session.expire_all()
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id))
    assert enrolment.last_activity_id == activity(course, "bai-2").id
    assert client.get("/courses/c/khoa-c/resume").headers["Location"].endswith("/a/bai-2")
