"""The CatalogProvider that certificates and the training record read: frozen facts, never our models."""
from __future__ import annotations

from datetime import date

from lms.core import activities
from lms.core.catalog import ClassCounts, ClassFacts, CourseFacts, RosterEntry, catalog
from lms.core.db import db
from lms.courses.models import ClassLecturer, ClassMode, CourseClass, EnrolmentStatus
from lms.courses.services.enrolment import enrol
from tests.courses.helpers import activity, make_course


def test_course_and_class_facts(app, school, make_user, learner):
    provider = catalog()
    course = make_course("an-toan-thong-tin", school=school, periods=12)
    draft = make_course("ban-nhap", status="draft")
    lecturer = make_user(roles=[("lecturer", {"school_id": school.id})])
    course_class = CourseClass(course_id=course.id, code="ATTT-01", title_vi="Lớp ATTT", title_en="InfoSec class",
                               school_id=school.id, mode=ClassMode.blended, starts_on=date(2025, 10, 1),
                               ends_on=date(2025, 10, 3), capacity=30)
    db.session.add(course_class)
    db.session.flush()
    db.session.add(ClassLecturer(class_id=course_class.id, user_id=lecturer.id))
    db.session.flush()

    facts = provider.course(course.id)
    assert facts == CourseFacts(id=course.id, key="an-toan-thong-tin", version=1, title_vi="Khóa an-toan-thong-tin",
                                title_en="Course an-toan-thong-tin", content_area="state_management",
                                topics=("public_administration",), periods=12.0, level="all", school_id=school.id,
                                status="published")
    assert provider.course(999999) is None
    assert [c.key for c in provider.courses()] == ["an-toan-thong-tin"]
    assert [c.key for c in provider.courses(status=None)] == ["an-toan-thong-tin", "ban-nhap"]
    assert provider.courses(school_id=school.id, status="draft") == []
    assert provider.course(draft.id).status == "draft"

    assert provider.class_(course_class.id) == ClassFacts(
        id=course_class.id, course_id=course.id, code="ATTT-01", title_vi="Lớp ATTT", title_en="InfoSec class",
        school_id=school.id, unit_id=None, mode="blended", starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 3),
        capacity=30, lecturer_user_ids=(lecturer.id,))
    assert [c.code for c in provider.classes(school_id=school.id, year=2025)] == ["ATTT-01"]
    assert provider.classes(year=2024) == [] and provider.classes(course_id=draft.id) == []


def test_roster_enrolment_and_counts(app, school, learner, make_user, make_official):
    provider = catalog()
    course = make_course(school=school)
    course_class = CourseClass(course_id=course.id, code="L1", title_vi="Lớp 1", school_id=school.id,
                               mode=ClassMode.online, starts_on=date(2025, 3, 1))
    db.session.add(course_class)
    db.session.flush()
    mine, _ = enrol(learner.id, course, course_class=course_class, source="class")
    other = make_user(official=make_official("Lê Văn Cường"))
    theirs, _ = enrol(other.id, course, course_class=course_class, source="class")
    gone = make_user(official=make_official("Phạm Thị Dung"))
    left, _ = enrol(gone.id, course, course_class=course_class, source="class")
    left.status = EnrolmentStatus.withdrawn
    activities.report_outcome(learner.id, "page", activity(course, "bai-1").ref, completed=True)

    roster = provider.roster(course_class.id)
    assert [r.user_id for r in roster] == [learner.id, other.id]
    first = roster[0]
    assert isinstance(first, RosterEntry) and first.official_id == learner.official_id
    assert first.progress == 1.0 and first.completed_at is not None and first.attendance_rate is None
    assert provider.enrolment(theirs.id).progress == 0.0
    assert provider.enrolment(123456) is None
    assert provider.class_counts(2025) == [ClassCounts(
        class_id=course_class.id, school_id=school.id, unit_id=None, content_area="state_management", level="all",
        starts_on=date(2025, 3, 1), enrolled=2, completed=1)]
    assert provider.class_counts(2026) == []
