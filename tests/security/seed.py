"""Put the hostile corpus into every field a user can fill or import, through the services the views and
commands call: a course folder, question files of each format, unit and official lists, certificate
templates (and a certificate issued on one), and notices whose text carries a course's title."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select

from lms.core import events
from lms.core.db import db
from lms.core.models import Official, OfficialKind, School, Unit, UnitLevel, User
from lms.core.notifications.services import notify
from lms.core.permissions import grant
from lms.core.services.official_import import import_officials
from lms.core.services.org_import import import_units
from tests.security import corpus_files
from tests.security.payloads import PAYLOADS

PASSWORD = "correct horse"
TEMPLATE_FIELDS = {"name": 200, "national_heading": 120, "national_motto": 120, "title": 120, "subtitle": 160,
                   "body": 200, "signer_title": 200, "signer_name": 200}
NOTICES_PER_PAGE = 30  # the notifications page's page size
LIST_PAGE = 50  # at least the org lists' page size
# Each template's edit form shows its eight texts in inputs, escaped the same way: a third of them is
# enough to see every kind of breakout there, and the list shows all their names.
TEMPLATE_PAGES_STEP = 3


@dataclass
class Seeded:
    admin_email: str
    learner_email: str
    lesson_editor: str
    question_form: str
    course_page: str
    joined: str  # the whole corpus as one text, for the editors
    admin_pages: list[str] = field(default_factory=list)
    learner_pages: list[str] = field(default_factory=list)
    admin_must_see: list[str] = field(default_factory=list)  # endpoints
    learner_must_see: list[str] = field(default_factory=list)


def _people() -> tuple[School, User, User]:
    province = Unit(code="T-DH", name_vi="Tỉnh Độc Hại", level=UnitLevel.province)
    db.session.add(province)
    db.session.flush()
    school = School(code="TCT-DH", name_vi="Trường Chính trị tỉnh Độc Hại", unit_id=province.id, place="Độc Hại",
                    signer_title="HIỆU TRƯỞNG", signer_name="Trần Minh Đức")
    official = Official(employee_code="CB-HOCVIEN", full_name="Trần Thị Bình", unit_id=province.id,
                        kind=OfficialKind.civil_servant, date_of_birth=date(1987, 6, 15))
    db.session.add_all([school, official])
    db.session.flush()
    admin = User(email="quantri@dochai.vn", display_name="Quản trị")
    learner = User(email="hocvien@dochai.vn", display_name="Trần Thị Bình", official_id=official.id,
                   login_code=official.employee_code)
    for user in (admin, learner):
        user.set_password(PASSWORD)
        db.session.add(user)
    grant(admin, "admin")
    db.session.flush()
    return school, admin, learner


def _course(tmp_path: Path, school: School, admin: User, learner: User):
    from lms.courses.models import Course
    from lms.courses.services.enrolment import enrol
    from lms.courses.services.importer import import_course
    report = import_course(corpus_files.course_folder(tmp_path, school.code), user=admin)
    course = db.session.get(Course, report.course_id)
    enrolment, _ = enrol(learner.id, course)
    return course, enrolment


def _quiz(course, learner: User) -> list[int]:
    """The course's GIFT quiz gets the Aiken, Moodle XML and CSV questions too, all on one page; the learner
    has a submitted attempt (its review shows every feedback) and one in progress."""
    from lms.quizzes.models import Quiz
    from lms.quizzes.services.attempts import start_attempt, submit_attempt
    from lms.quizzes.services.importing import import_questions
    from lms.quizzes.services.quizzes import add_questions
    quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).one()
    for fmt, raw in (("aiken", corpus_files.aiken().encode()), ("moodle-xml", corpus_files.moodle_xml().encode()),
                     ("xlsx", corpus_files.questions_csv())):
        report = import_questions(quiz.bank, fmt, raw, filename="cau-hoi.csv", default_category="Độc hại")
        assert report.ok and report.imported == len(PAYLOADS), (fmt, report.as_dict())
        add_questions(quiz, report.questions)
    quiz.questions_per_page = 0
    quiz.review_answers_after = True
    quiz.shuffle_answers = False
    db.session.flush()
    done = start_attempt(quiz, learner.id)
    submit_attempt(done.id, user_id=learner.id)
    open_attempt = start_attempt(quiz, learner.id)
    return [quiz.id, quiz.bank_id, done.id, open_attempt.id]


def _org(province_code: str) -> None:
    units = import_units(io.BytesIO(corpus_files.units_xlsx(province_code)), "don-vi.xlsx")
    assert not units.problems, units.problems[:3]
    officials = import_officials(io.BytesIO(corpus_files.officials_csv()), "can-bo.csv")
    assert not officials.problems, officials.problems[:3]


def _templates(school: School, admin: User) -> list[int]:
    from lms.certificates.models import CertificateTemplate
    from lms.certificates.services.setup import save_template
    names = list(TEMPLATE_FIELDS)
    ids = []
    for start in range(0, len(PAYLOADS), len(names)):
        chunk = PAYLOADS[start:start + len(names)]
        fields = {name: p.text[:TEMPLATE_FIELDS[name]] for name, p in zip(names, chunk, strict=False)}
        fields.update(title=fields.get("title") or "GIẤY CHỨNG NHẬN", kind="completion", orientation="landscape",
                      serial_format="{school}-{year}-{seq:05d}")
        template = save_template(CertificateTemplate(school_id=school.id), fields=fields, uploads={}, remove=set(),
                                 actor_id=admin.id)
        ids.append(template.id)
    return ids


def _certificate(course, enrolment, template_id: int, learner: User) -> tuple[int, str]:
    from lms.certificates.models import Certificate, CertificateRule
    from lms.certificates.services.issuing import issue_for_completion
    db.session.add(CertificateRule(scope=f"course:{course.key}", school_id=course.school_id, template_id=template_id,
                                   course_key=course.key, course_id=course.id))
    db.session.flush()
    issued = issue_for_completion(events.CourseCompleted(
        user_id=learner.id, course_id=course.id, course_key=course.key, enrolment_id=enrolment.id,
        completed_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc), final_score=1.0))
    assert issued, "no certificate was issued"
    return issued[0], db.session.get(Certificate, issued[0]).verification_code


def _notices(learner: User) -> None:
    """The course-due reminder carries a course's title: one notice per payload."""
    for p in PAYLOADS:
        notify(learner.id, "courses/due_soon", {"course_vi": p.text, "course_en": p.text, "due_on": "09/03/2026",
                                                "days": 3},
               link="/courses/my", dedupe_key=f"corpus:{p.id}")


def seed_corpus(tmp_path: Path) -> Seeded:
    school, admin, learner = _people()
    course, enrolment = _course(tmp_path, school, admin, learner)
    quiz_id, bank_id, done_id, open_id = _quiz(course, learner)
    _org("T-DH")
    templates = _templates(school, admin)
    certificate_id, code = _certificate(course, enrolment, templates[0], learner)
    _notices(learner)
    key = course.key
    lists = range(1, math.ceil(len(PAYLOADS) / LIST_PAGE) + 1)
    notice_pages = range(1, math.ceil(len(PAYLOADS) / NOTICES_PER_PAGE) + 1)
    both = [f"/courses/c/{key}", f"/courses/c/{key}/a/bai-html", f"/courses/c/{key}/a/bai-md",
            f"/certificates/{certificate_id}", f"/verify/{code}", "/records/", "/"]
    admin_pages = [f"/courses/author/c/{key}", f"/courses/author/c/{key}/a/bai-html", "/courses/", "/courses/author",
                   f"/quizzes/{quiz_id}", f"/quizzes/{quiz_id}/questions", f"/quizzes/{quiz_id}/results",
                   "/quizzes/banks", "/certificates/templates", "/certificates/register", "/admin/mail/",
                   *[f"/certificates/templates/{t}" for t in templates[::TEMPLATE_PAGES_STEP]],
                   *[f"/org/units?page={n}" for n in lists], *[f"/org/officials?page={n}" for n in lists]]
    learner_pages = ["/courses/my", f"/quizzes/attempts/{open_id}", f"/quizzes/attempts/{done_id}/review",
                     "/certificates/mine", *[f"/notifications?page={n}" for n in notice_pages]]
    return Seeded(
        admin_email=admin.email, learner_email=learner.email,
        lesson_editor=f"/courses/author/c/{key}/a/bai-md",
        course_page=f"/courses/c/{key}",
        question_form=f"/quizzes/banks/{bank_id}/questions/new?type=single_choice",
        joined="\n\n<hr>\n\n".join(p.text for p in PAYLOADS),
        admin_pages=both + admin_pages, learner_pages=both + learner_pages,
        admin_must_see=["courses.course", "courses.lesson", "courses.edit_activity", "quizzes.bank", "org.units",
                        "org.officials", "org.edit_unit", "org.official", "certificates.templates",
                        "certificates.edit_template", "certificates.detail", "certificates_public.verify"],
        learner_must_see=["courses.lesson", "quizzes.attempt", "quizzes.review", "notifications.index",
                          "certificates.detail"],
    )
