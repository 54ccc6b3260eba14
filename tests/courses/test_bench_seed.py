"""The courses plugin's share of `lms bench seed`: courses, classes, enrolments, progress and completions that
the plugin's own rules agree with, the same for the same seed, and pages that work on them."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import School, User
from lms.courses.bench_seed import GENERATED_COURSES
from lms.courses.models import (
    ActivityProgress,
    Attendance,
    ClassLecturer,
    ClassMode,
    ClassSession,
    Course,
    CourseClass,
    Enrolment,
    LessonContent,
)
from lms.courses.services import progress

ARGS = ["bench", "seed", "--officials", "300", "--classes", "12", "--credits", "300", "--seed", "7"]


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    return result.output


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_courses_classes_and_enrolments_are_generated(seeded):
    seed_courses = _count(Course, Course.sample.is_(True))
    assert seed_courses == 4  # the folders of content/, imported for the generated province's school
    assert _count(Course) == seed_courses + GENERATED_COURSES
    assert {c.school.code for c in db.session.scalars(select(Course))} <= {"P01-TCT", "P01-TTBD"}
    pages = list(db.session.scalars(select(LessonContent).join(Course, Course.id == LessonContent.course_id)
                                    .where(Course.sample.is_(False))))
    assert pages and all(2_000 < len(p.source_vi.encode()) < 12_000 and "<h2>" in p.html_vi for p in pages)

    classes = list(db.session.scalars(select(CourseClass)))
    assert len(classes) == 12
    assert len({c.starts_on.year for c in classes}) > 1 and len({c.course_id for c in classes}) > 1
    assert all(_count(ClassLecturer, ClassLecturer.class_id == c.id) >= 1 for c in classes)
    for course_class in classes:
        sessions = _count(ClassSession, ClassSession.class_id == course_class.id)
        assert (sessions == 0) == (course_class.mode is ClassMode.online)

    in_classes = _count(Enrolment, Enrolment.class_id.is_not(None))
    assert 0.08 * 300 <= in_classes <= 0.24 * 300  # about 16 places per 100 officials over all classes
    assert _count(Enrolment, Enrolment.source == "self") > 0
    assert _count(Enrolment, Enrolment.completed_at.is_not(None)) > 0
    assert _count(ActivityProgress) > 0 and _count(Attendance) >= 0
    learners = db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id)).all()
    assert all(u.official_id is not None for u in learners)


def test_stored_progress_and_completions_follow_the_courses_rules(seeded):
    """What the seeder wrote is what the plugin itself would compute: refreshing changes nothing, and an
    enrolment is complete exactly when its rules (activities, attendance) hold."""
    enrolments = list(db.session.scalars(select(Enrolment).order_by(Enrolment.id)))
    stored = {e.id: (round(e.progress, 6), e.attendance_rate and round(e.attendance_rate, 6),
                     e.final_score and round(e.final_score, 6)) for e in enrolments}
    for enrolment in enrolments:
        assert progress.rules_hold(enrolment) == (enrolment.completed_at is not None), enrolment.id
        progress.refresh_enrolment(enrolment)
    again = {e.id: (round(e.progress, 6), e.attendance_rate and round(e.attendance_rate, 6),
                    e.final_score and round(e.final_score, 6)) for e in enrolments}
    assert again == stored
    scored = [e for e in enrolments if e.final_score is not None]
    assert scored  # the seed courses' quizzes were taken
    db.session.rollback()


def test_pages_work_on_the_generated_data(seeded, app, client, login):
    enrolment = db.session.scalar(select(Enrolment).join(Course, Course.id == Enrolment.course_id)
                                  .where(Course.sample.is_(True)).order_by(Enrolment.id))
    course = db.session.get(Course, enrolment.course_id)
    learner = db.session.get(User, enrolment.user_id)
    login(learner, password="bench12345")
    assert course.title_vi in client.get("/courses/my").get_data(as_text=True)
    assert client.get(f"/courses/c/{course.key}").status_code == 200
    page = next(a for s in course.sections for a in s.activities if a.type == "page")
    response = client.get(f"/courses/c/{course.key}/a/{page.key}")
    assert response.status_code == 200 and "<h2" in response.get_data(as_text=True)
    generated = db.session.scalar(select(Enrolment).join(Course, Course.id == Enrolment.course_id)
                                  .where(Course.sample.is_(False), Enrolment.user_id == learner.id))
    if generated is not None:
        other = db.session.get(Course, generated.course_id)
        assert client.get(f"/courses/c/{other.key}/resume").status_code == 302
    admin = app.test_client()
    assert admin.post("/login", data={"identifier": "bench-school@binhson.example.vn",
                                      "password": "bench12345"}).status_code == 302
    assert admin.get("/courses/classes").status_code == 200
    school = db.session.scalar(select(School).where(School.code == "P01-TCT"))
    course_class = db.session.scalar(select(CourseClass).where(CourseClass.school_id == school.id)
                                     .order_by(CourseClass.id))
    if course_class is not None:
        assert admin.get(f"/courses/classes/{course_class.id}").status_code == 200


def _sample():
    rows = db.session.execute(
        select(User.login_code, Course.key, CourseClass.code, Enrolment.progress, Enrolment.completed_at.is_(None),
               Enrolment.final_score)
        .join(User, User.id == Enrolment.user_id).join(Course, Course.id == Enrolment.course_id)
        .outerjoin(CourseClass, CourseClass.id == Enrolment.class_id).order_by(User.login_code, Course.key)).all()
    return [tuple(r) for r in rows]


@pytest.mark.commits  # the second database needs a session of its own
def test_the_same_seed_makes_the_same_courses(app, runner, tmp_path, instance_root):
    from tests.conftest import bench_seed_in_two_databases
    args = ["bench", "seed", "--officials", "120", "--classes", "4", "--credits", "100", "--seed", "3"]
    here, there = bench_seed_in_two_databases(runner, args, _sample, "sqlite:///" + str(tmp_path / "other.sqlite3"),
                                              instance_root)
    assert here and here == there
