"""The whole chain with every plugin, as users make it: quiz passed > course completed > certificate issued >
credit on the training record; the school's revocation undoes it on the record and the verify page."""
from __future__ import annotations

import re

from sqlalchemy import select

from lms.certificates.models import Certificate, Status
from lms.core.db import db
from lms.core.models import User
from lms.courses.models import Course, Enrolment
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState
from lms.records.models import TrainingCredit

COURSE = "chuyen-doi-so-co-quan-nha-nuoc"  # the demo enrols CB00001 in it
QUIZ_ACTIVITY = "kiem-tra-cuoi-khoa"
PASSWORD = "sonha-demo-2026"


def _log_in(app, identifier):
    client = app.test_client()
    assert client.post("/login", data={"identifier": identifier, "password": PASSWORD}).status_code == 302
    return client


def _right_answer(aq: AttemptQuestion) -> dict:
    data, field = aq.question.data, f"q{aq.id}"
    if aq.question.qtype == "true_false":
        return {field: "true" if data["answer"] else "false"}
    if aq.question.qtype == "single_choice":
        return {field: max(data["options"], key=lambda option: option["fraction"])["id"]}
    assert aq.question.qtype == "multiple_choice", aq.question.qtype
    return {field: [option["id"] for option in data["options"] if option["fraction"] > 0]}


def _total_periods(record_page: str) -> float:
    total = re.search(r'<tr class="total"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>', record_page)
    return float(total.group(1).replace(".", "").replace(",", "."))  # Vietnamese numbers: 1.234,5


def _credits(official_id: int) -> list[TrainingCredit]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrainingCredit).where(TrainingCredit.official_id == official_id,
                                                                TrainingCredit.withdrawn_at.is_(None))))


def test_a_passed_quiz_ends_on_the_record_and_a_revocation_takes_it_off(app, runner):
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    official = _log_in(app, "CB00001")
    user = db.session.scalar(select(User).where(User.login_code == "CB00001"))
    course = db.session.scalar(select(Course).where(Course.key == COURSE))
    assert _credits(user.official_id) == []

    page = official.get(f"/courses/c/{COURSE}").get_data(as_text=True)
    lessons = sorted(set(re.findall(rf'href="/courses/c/{COURSE}/a/(bai-\d+)"', page)))
    assert lessons
    for lesson in lessons:
        assert official.get(f"/courses/c/{COURSE}/a/{lesson}").status_code == 200
    quiz_link = re.search(r'href="(/quizzes/\d+)"', official.get(f"/courses/c/{COURSE}/a/{QUIZ_ACTIVITY}").get_data(
        as_text=True))
    assert quiz_link, "the course offers no quiz"
    started = official.post(quiz_link.group(1) + "/start")
    attempt_id = int(re.search(r"/quizzes/attempts/(\d+)", started.headers["Location"]).group(1))
    for aq in db.session.get(Attempt, attempt_id).questions:
        saved = official.post(f"/quizzes/attempts/{attempt_id}/answer", data={"slot": aq.id, **_right_answer(aq)})
        assert saved.get_json()["ok"], saved.get_json()
    assert official.post(f"/quizzes/attempts/{attempt_id}/submit").status_code == 302

    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state is AttemptState.graded and attempt.score == 1.0
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == course.id))
    assert enrolment.completed_at is not None, "passing the quiz after the lessons completes the course"
    (cert,) = db.session.scalars(select(Certificate).where(Certificate.official_id == user.official_id))
    assert cert.status is Status.valid and cert.periods == course.periods
    (credit,) = _credits(user.official_id)
    assert credit.certificate_id == cert.id and float(credit.periods) == float(course.periods)
    assert credit.content_area == course.content_area

    record = official.get(f"/records/?year={credit.earned_on.year}").get_data(as_text=True)
    assert cert.course_title_vi in record and _total_periods(record) == float(course.periods)
    assert official.get(f"/verify/{cert.verification_code}").status_code == 200

    school_admin = _log_in(app, "truong@sonha.example.vn")
    revoked = school_admin.post(f"/certificates/{cert.id}/revoke", data={"ground": "school_error",
                                                                          "note": "Cấp nhầm người"})
    assert revoked.status_code == 302, revoked.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status is Status.revoked
    assert _credits(user.official_id) == [], "the revocation withdraws the credit"
    record = official.get(f"/records/?year={credit.earned_on.year}").get_data(as_text=True)
    assert _total_periods(record) == 0 and "Cấp nhầm người" in record  # listed as withdrawn, with the reason
    verdict = official.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "verdict-revoked" in verdict
