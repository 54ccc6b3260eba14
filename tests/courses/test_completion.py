"""Progress and completion rules: required activities, quizzes, prerequisites, attendance; exactly once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from lms.core import activities
from lms.core.db import db, utcnow
from lms.courses.models import (
    Attendance,
    AttendanceStatus,
    ClassMode,
    ClassSession,
    CourseClass,
    Enrolment,
    EnrolmentStatus,
)
from lms.courses.services import progress
from lms.courses.services.enrolment import enrol
from tests.courses.helpers import activity, make_course


def _completed(recorded_events, name="course_completed"):
    return [payload for event, payload in recorded_events if event == name]


def _graded(user, quiz_id, passed, grade):
    """A quiz grade, reported as a graded type's plugin does: it supersedes the earlier outcomes."""
    activities.report_outcome(user.id, "quiz", str(quiz_id), completed=passed, passed=passed, score=grade,
                              supersedes=True)


def test_required_activities_complete_the_course_once(app, learner, recorded_events):
    course = make_course(items=(("bai-1", "page", True), ("bai-2", "page", True), ("doc-them", "link", False)))
    enrolment, _ = enrol(learner.id, course)
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)
    activities.report_outcome(learner.id, "link", activity(course, "doc-them").ref, completed=True)
    assert enrolment.progress == 0.5 and enrolment.completed_at is None
    assert _completed(recorded_events) == []
    activities.report_outcome(learner.id, "page", activity(course, "bai-2").ref, completed=True)
    [done] = _completed(recorded_events)
    assert (done.user_id, done.course_id, done.course_key, done.enrolment_id, done.class_id) == (
        learner.id, course.id, course.key, enrolment.id, None)
    assert enrolment.progress == 1.0 and enrolment.completed_version == course.version
    # Replays and re-evaluations record nothing new.
    activities.report_outcome(learner.id, "page", activity(course, "bai-2").ref, completed=True)
    assert progress.evaluate_completion(enrolment) is False
    assert len(_completed(recorded_events)) == 1


def test_a_course_without_required_activities_needs_all_of_them(app, learner):
    course = make_course(items=(("a", "page", False), ("b", "link", False)))
    enrolment, _ = enrol(learner.id, course)
    activities.report_outcome(learner.id, "page", activity(course, "a").ref, completed=True)
    assert enrolment.progress == 0.5 and enrolment.completed_at is None


def test_a_stale_second_completion_is_refused_by_the_database(app, learner, recorded_events):
    course = make_course()
    enrolment, _ = enrol(learner.id, course)
    progress.record(activity(course, "bai-1"), learner.id, completed=True)
    # Another request completed it a moment ago; this one still holds the old row in memory.
    db.session.execute(update(Enrolment).where(Enrolment.id == enrolment.id).values(completed_at=utcnow())
                       .execution_options(synchronize_session=False))
    assert enrolment.completed_at is None
    assert progress.evaluate_completion(enrolment) is False
    assert _completed(recorded_events) == []


def test_quiz_passed_completes_and_a_failing_regrade_undoes_only_the_activity(app, learner, recorded_events):
    course = make_course(items=(("bai-1", "page", True), ("kiem-tra", "quiz", True, "42")))
    enrolment, _ = enrol(learner.id, course)
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)
    _graded(learner, 42, False, 0.3)
    row = progress.progress_map(learner.id, [activity(course, "kiem-tra").id])[activity(course, "kiem-tra").id]
    assert (row.score, row.passed, row.completed_at) == (0.3, False, None)
    assert enrolment.final_score == 0.3 and enrolment.completed_at is None
    _graded(learner, 99, True, 1.0)  # another quiz: nothing here
    assert enrolment.completed_at is None
    _graded(learner, 42, True, 0.8)
    [done] = _completed(recorded_events)
    assert done.final_score == 0.8 and row.completed_at is not None
    _graded(learner, 42, False, 0.4)  # regraded below the pass mark
    assert row.completed_at is None and row.score == 0.4
    assert enrolment.completed_at is not None and len(_completed(recorded_events)) == 1


def test_prerequisites_must_be_complete_first(app, learner, recorded_events):
    basic = make_course("co-ban")
    advanced = make_course("nang-cao", prerequisites=["co-ban"])
    later, _ = enrol(learner.id, advanced)
    activities.report_outcome(learner.id, "page", activity(advanced, "bai-1").ref, completed=True)
    assert later.progress == 1.0 and later.completed_at is None
    first, _ = enrol(learner.id, basic)
    activities.report_outcome(learner.id, "page", activity(basic, "bai-1").ref, completed=True)
    assert [p.course_key for p in _completed(recorded_events)] == ["co-ban", "nang-cao"]
    assert first.completed_at is not None and later.completed_at is not None


def test_progress_before_enrolment_counts_when_enrolling(app, learner, recorded_events):
    course = make_course()
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)
    enrolment, _ = enrol(learner.id, course)
    assert enrolment.completed_at is not None and len(_completed(recorded_events)) == 1


def test_withdrawn_enrolments_do_not_complete(app, learner, recorded_events):
    course = make_course()
    enrolment, _ = enrol(learner.id, course)
    enrolment.status = EnrolmentStatus.withdrawn
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)
    assert _completed(recorded_events) == []


def _class(course, school, mode, *, sessions=3, credit=False, min_attendance=None):
    course_class = CourseClass(course_id=course.id, code=f"L-{mode.value}", title_vi="Lớp 1", title_en="Class 1",
                               school_id=school.id, mode=mode, credit_on_attendance=credit,
                               min_attendance=min_attendance)
    db.session.add(course_class)
    db.session.flush()
    start = datetime(2025, 9, 1, 1, 0, tzinfo=timezone.utc)
    made = []
    for n in range(sessions):
        made.append(ClassSession(class_id=course_class.id, starts_at=start + timedelta(days=n)))
        db.session.add(made[-1])
    db.session.flush()
    return course_class, made


def _attend(enrolment, session, status):
    db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment.id, status=status))
    db.session.flush()
    progress.refresh_enrolment(enrolment)
    return progress.evaluate_completion(enrolment)



def test_only_types_that_declare_themselves_graded_count_in_the_final_score(app, learner):
    assert activities.is_graded("quiz") and not activities.is_graded("page") and not activities.is_graded("nope")
    course = make_course(items=(("bai-1", "page", True), ("kiem-tra", "quiz", True, "42")))
    enrolment, _ = enrol(learner.id, course)
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True, score=0.1)
    _graded(learner, 42, True, 0.9)
    assert enrolment.completed_at is not None and enrolment.final_score == 0.9


@pytest.mark.parametrize("credit", [False, True])
def test_in_person_attendance_completes_and_credits_without_certificate(app, school, learner, recorded_events, credit):
    course = make_course(items=(("kiem-tra", "quiz", True, "7"),), min_attendance=0.6)
    course_class, sessions = _class(course, school, ClassMode.in_person, credit=credit)
    enrolment, _ = enrol(learner.id, course, course_class=course_class, source="class")
    assert _attend(enrolment, sessions[0], AttendanceStatus.present) is False
    assert _attend(enrolment, sessions[1], AttendanceStatus.excused) is False  # excused is not attended
    assert enrolment.progress == pytest.approx(1 / 3)
    assert _attend(enrolment, sessions[2], AttendanceStatus.late) is True  # 2 of 3 >= 0.6, quiz not needed
    [done] = _completed(recorded_events)
    assert done.class_id == course_class.id and done.attendance_rate == pytest.approx(2 / 3)
    attended = _completed(recorded_events, "class_attended")
    if credit:
        [payload] = attended
        assert (payload.official_id, payload.class_id, payload.school_id, payload.periods) == (
            learner.official_id, course_class.id, school.id, 8.0)
        assert payload.topics == ("public_administration",) and payload.content_area == "state_management"
    else:
        assert attended == []


def test_in_person_without_sessions_never_completes_and_class_minimum_wins(app, school, learner, recorded_events):
    course = make_course(min_attendance=0.5)
    course_class, _ = _class(course, school, ClassMode.in_person, sessions=0)
    enrolment, _ = enrol(learner.id, course, course_class=course_class)
    assert progress.evaluate_completion(enrolment) is False
    strict, sessions = _class(make_course("khac", min_attendance=0.5), school, ClassMode.blended, min_attendance=1.0)
    other, _ = enrol(learner.id, strict.course, course_class=strict)
    activities.report_outcome(learner.id, "page", activity(strict.course, "bai-1").ref, completed=True)
    assert other.progress == pytest.approx(1 / 4)
    for session in sessions[:2]:
        assert _attend(other, session, AttendanceStatus.present) is False
    assert _attend(other, sessions[2], AttendanceStatus.present) is True


def test_blended_needs_activities_and_attendance(app, school, learner, recorded_events):
    course = make_course(min_attendance=0.5)
    course_class, sessions = _class(course, school, ClassMode.blended, sessions=2)
    enrolment, _ = enrol(learner.id, course, course_class=course_class)
    assert _attend(enrolment, sessions[0], AttendanceStatus.present) is False  # activity still missing
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)
    assert enrolment.completed_at is not None
    assert _completed(recorded_events, "class_attended") == []


def test_refresh_course_progress_runs_a_fixed_number_of_queries(app, make_official, make_user, count_queries):
    course = make_course(items=(("a", "page", True), ("b", "page", True)))

    def enrol_people(n):
        for _ in range(n):
            user = make_user(official=make_official())
            enrol(user.id, course)
            progress.record(activity(course, "a"), user.id, completed=True)
    enrol_people(1)
    with count_queries() as few:
        progress.refresh_course_progress(course)
    enrol_people(3)
    with count_queries() as many:
        progress.refresh_course_progress(course)
    assert few.count == many.count
    assert {e.progress for e in db.session.scalars(select(Enrolment))} == {0.5}
