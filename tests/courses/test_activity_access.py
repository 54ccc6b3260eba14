"""The courses plugin answers the core's `activities.may_take`: the thing behind an activity (a quiz, a
package) is a learner's to take only through a course they learn in, or one they may edit."""
from __future__ import annotations

from flask_login import AnonymousUserMixin

from lms.core import activities
from lms.core.models import Role
from lms.courses.models import CourseStatus, EnrolmentStatus
from lms.courses.services.enrolment import enrol
from tests.courses.helpers import make_course


def test_only_a_course_the_learner_may_see_opens_its_quiz(app, make_user, make_official, make_school):
    school, other_school = make_school(), make_school("Trường khác")
    learner = make_user(official=make_official())
    course = make_course("khoa-a", items=[("kt", "quiz", True, "41")], school=school)
    assert not activities.may_take(learner, "quiz", "41")  # not enrolled: the course is only in the catalogue
    enrolment, _ = enrol(learner.id, course, source="admin")
    assert activities.may_take(learner, "quiz", "41")
    assert not activities.may_take(learner, "quiz", "42")  # a quiz in none of their courses
    assert not activities.may_take(learner, "scorm", "41")  # the same ref under another type is another thing
    course.status = CourseStatus.draft
    assert not activities.may_take(learner, "quiz", "41")
    course.status = CourseStatus.published
    enrolment.status = EnrolmentStatus.withdrawn
    assert not activities.may_take(learner, "quiz", "41")
    assert not activities.may_take(AnonymousUserMixin(), "quiz", "41")
    own = make_user(roles=[(Role.lecturer, {"school_id": school.id})])
    other = make_user(roles=[(Role.lecturer, {"school_id": other_school.id})])
    assert activities.may_take(own, "quiz", "41") and not activities.may_take(other, "quiz", "41")
