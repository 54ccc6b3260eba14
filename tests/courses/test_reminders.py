"""Reminders of due dates and class starts: sent once each, in the reader's language, by a declared job."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.notifications.models import Notification, OutboxMessage
from lms.core.notifications.rendering import render_notification
from lms.courses.models import ClassMode, CourseClass, EnrolmentStatus
from lms.courses.progress_dates import today
from lms.courses.services.enrolment import enrol
from lms.courses.services.reminders import remind_class_starts, remind_due_courses
from tests.courses.helpers import make_course


def _notices(template):
    return list(db.session.scalars(select(Notification).where(Notification.template == template)
                                   .order_by(Notification.id)))


def test_due_reminders_go_out_once_per_threshold(app, learner, make_user, make_official):
    course = make_course("chuyen-doi-so")
    day = date(2025, 10, 1)
    enrolment, _ = enrol(learner.id, course, due_on=day + timedelta(days=5))
    done_user = make_user(official=make_official(), password="x")
    done, _ = enrol(done_user.id, course, due_on=day + timedelta(days=5))
    done.completed_at = utcnow()
    gone_user = make_user(official=make_official(), password="x")
    gone, _ = enrol(gone_user.id, course, due_on=day + timedelta(days=2))
    gone.status = EnrolmentStatus.withdrawn
    late_user = make_user(official=make_official(), password="x")
    enrol(late_user.id, course, due_on=day - timedelta(days=1))

    assert remind_due_courses(day) == 1
    assert remind_due_courses(day) == 0  # the same day again: nothing new
    assert remind_due_courses(day + timedelta(days=2)) == 0  # still the 7-day reminder
    assert remind_due_courses(day + timedelta(days=4)) == 1  # one day before: the last reminder
    assert remind_due_courses(day + timedelta(days=5)) == 0
    notices = _notices("courses/due_soon")
    assert [n.user_id for n in notices] == [learner.id, learner.id]
    assert notices[0].params == {"course_vi": "Khóa chuyen-doi-so", "course_en": "Course chuyen-doi-so",
                                 "due_on": "06/10/2025", "days": 5}
    assert notices[0].link == "/courses/c/chuyen-doi-so/resume"
    assert db.session.scalar(
        select(OutboxMessage.to_address).where(OutboxMessage.user_id == learner.id)) == learner.email

    vi = render_notification("courses/due_soon", notices[0].params, locale="vi", link=notices[0].link,
                             recipient_name="Trần Thị Bình")
    assert vi.subject == "Hạn 06/10/2025: Khóa chuyen-doi-so"
    assert "Khóa học \"Khóa chuyen-doi-so\" có hạn hoàn thành ngày 06/10/2025, còn 5 ngày" in vi.body
    en = render_notification("courses/due_soon", notices[1].params, locale="en", link=notices[1].link)
    assert en.subject == "Due 06/10/2025: Course chuyen-doi-so" and "in 1 day(s)" in en.body


def test_class_start_reminders(app, school, learner, make_user, make_official):
    course = make_course(school=school)
    soon = CourseClass(course_id=course.id, code="L-SOON", title_vi="Lớp sắp học", title_en="Upcoming class",
                       school_id=school.id, mode=ClassMode.in_person, starts_on=today() + timedelta(days=2),
                       place="Hội trường A")
    later = CourseClass(course_id=course.id, code="L-LATER", title_vi="Lớp sau", school_id=school.id,
                        mode=ClassMode.online, starts_on=today() + timedelta(days=20))
    db.session.add_all([soon, later])
    db.session.flush()
    enrol(learner.id, course, course_class=soon, source="class")
    other = make_user(official=make_official(), password="x")
    other_course = make_course("khac", school=school)
    later.course_id = other_course.id
    enrol(other.id, other_course, course_class=later, source="class")
    assert remind_class_starts() == 1 and remind_class_starts() == 0
    [notice] = _notices("courses/class_starts")
    assert notice.user_id == learner.id and notice.params["place"] == "Hội trường A"
    text = render_notification("courses/class_starts", notice.params, locale="vi", link=notice.link)
    assert "Lớp sắp học" in text.subject and "Địa điểm: Hội trường A" in text.body


def test_the_reminder_job_is_declared_and_runs(app, learner):
    from lms.core.plugins import enabled_plugins
    [job] = [j for j in enabled_plugins()["courses"].jobs() if j.id == "courses.reminders"]
    enrol(learner.id, make_course(), due_on=today())
    assert job.func() == {"due": 1, "class_starts": 0}
    assert job.func() == {"due": 0, "class_starts": 0}
