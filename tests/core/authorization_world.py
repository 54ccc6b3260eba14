"""The world the authorization matrix runs in: two schools in two branches of one province, a person for each
role on side A, and on side B (another school, another unit, another official) one object of every kind.

Every object of side B carries FOREIGN in its name, so that a page which shows it to someone of side A is
found by looking for that word. Built through services and models, never through the pages under test.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from lms.core import events, storage
from lms.core.db import db, utcnow
from lms.core.models import Official, OfficialKind, Role, School, Unit, UnitLevel, User
from lms.core.permissions import grant
from lms.core.services.org import set_parent

FOREIGN = "XENOFOREIGN"
PASSWORD = "correct horse"
SCORM_ZIP = Path(__file__).parents[1] / "scorm" / "packages" / "singlescobasic.zip"
ROLES = ("anonymous", "official", "lecturer", "school_admin", "unit_manager", "admin", "api_token")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)  # role -> the person of side A who holds it
    ids: dict[str, object] = field(default_factory=dict)  # what a URL of side B is built from
    api_token: str = ""  # a token of unit A


def _unit(name: str, code: str, level: UnitLevel, parent: Unit | None) -> Unit:
    unit = Unit(code=code, name_vi=name, name_en="", level=level, path="/")
    db.session.add(unit)
    db.session.flush()
    set_parent(unit, parent)
    db.session.flush()
    return unit


def _school(name: str, code: str, unit: Unit) -> School:
    school = School(code=code, name_vi=name, unit_id=unit.id, place="Sơn Hà", signer_title="HIỆU TRƯỞNG",
                    signer_name="Trần Minh Đức")
    db.session.add(school)
    db.session.flush()
    return school


def _official(name: str, code: str, unit: Unit) -> Official:
    person = Official(employee_code=code, full_name=name, date_of_birth=date(1985, 3, 14), unit_id=unit.id,
                      kind=OfficialKind.civil_servant, gender="Nữ")
    db.session.add(person)
    db.session.flush()
    return person


def _user(email: str, name: str, *, official: Official | None = None, roles=()) -> User:
    user = User(email=email, display_name=name, official_id=official.id if official else None,
                login_code=official.employee_code if official else None, locale="vi")
    user.set_password(PASSWORD)
    db.session.add(user)
    for role, scope in roles:
        grant(user, role, **scope)
    db.session.flush()
    return user


def _course(key: str, title: str, school: School, *, items: list[tuple[str, str, str | None]]):
    """A published course of `school` with one section; `items` are (key, type, ref or None for own content)."""
    from lms.courses.models import Activity, Course, CourseStatus, LessonContent, Section
    course = Course(key=key, title_vi=title, title_en=title, content_area="state_management",
                    topics=["public_administration"], periods=8, status=CourseStatus.published, self_enrol=False,
                    prerequisites=[], school_id=school.id, sources=[])
    db.session.add(course)
    db.session.flush()
    section = Section(course_id=course.id, key="phan-1", title_vi=f"Phần {title}", position=0)
    course.sections.append(section)
    for position, (item_key, kind, ref) in enumerate(items):
        if ref is None:
            content = LessonContent(course_id=course.id, kind=kind, html_vi=f"<p>{title} {item_key}</p>",
                                    source_vi=f"{title} {item_key}",
                                    url="https://chinhphu.vn/" if kind == "link" else "",
                                    asset_path="tai-lieu.pdf" if kind == "file" else "")
            db.session.add(content)
            db.session.flush()
            ref = str(content.id)
        section.activities.append(Activity(course_id=course.id, key=item_key, type=kind, ref=ref,
                                           title_vi=f"Bài {title} {item_key}", required=True, position=position))
    db.session.flush()
    return course, section


def _asset(course, title: str, user_id: int) -> None:
    from lms.courses.models import Asset
    stored = storage.save_bytes(b"%PDF-1.4\n% " + title.encode() + b"\n%%EOF\n", "tai-lieu.pdf", "application/pdf",
                                uploaded_by=user_id)
    db.session.add(Asset(course_id=course.id, path="tai-lieu.pdf", file_id=stored.id))
    db.session.flush()


def _quiz(bank, title: str):
    from lms.quizzes.services.banks import ensure_category, save_question
    from lms.quizzes.services.quizzes import add_questions, create_quiz
    category = ensure_category(bank, f"Nhóm {title}")
    question = save_question(bank, None, qtype="single_choice", name=f"Câu {title}", category=category,
                             text=f"Câu hỏi {title}?", data={"options": [{"text": "Có", "fraction": 1},
                                                                         {"text": "Không", "fraction": 0}]},
                             default_mark=None)
    quiz = create_quiz(bank, title_vi=f"Bài kiểm tra {title}", settings={})
    add_questions(quiz, [question])
    return quiz, category, question


def _package(school: School, user: User, title: str):
    from lms.scorm import services
    with SCORM_ZIP.open("rb") as stream:
        package, _created = services.create_package(stream, SCORM_ZIP.name, school_id=school.id, user_id=user.id,
                                                    title=title)
    return package


def _side(prefix: str, label: str, province: Unit, n: int) -> dict:
    """A district with a commune, a school, an official with an account, and a lecturer: one branch."""
    district = _unit(f"Huyện {label}", f"{prefix}-H", UnitLevel.district, province)
    commune = _unit(f"Xã {label}", f"{prefix}-X", UnitLevel.commune, district)
    school = _school(f"Trường {label}", f"{prefix}-T", district)
    official = _official(f"Cán bộ {label}", f"{prefix}CB{n:04d}", commune)
    learner = _user(f"hocvien{n}@example.vn", f"Học viên {label}", official=official)
    lecturer = _user(f"giangvien{n}@example.vn", f"Giảng viên {label}",
                     roles=[(Role.lecturer, {"school_id": school.id})])
    return {"district": district, "commune": commune, "school": school, "official": official, "learner": learner,
            "lecturer": lecturer}


def build() -> World:
    """Side A: the roles; side B: the foreign objects. Flushed, not committed."""
    province = _unit("Tỉnh Sơn Hà", "MX-P", UnitLevel.province, None)
    a = _side("MXA", "An Bình", province, 1)
    b = _side("MXB", FOREIGN, province, 2)
    world = World()
    world.users = {
        "official": a["learner"], "lecturer": a["lecturer"],
        "school_admin": _user("quantri@example.vn", "Quản trị trường An Bình",
                              roles=[(Role.school_admin, {"school_id": a["school"].id})]),
        "unit_manager": _user("quanly@example.vn", "Quản lý huyện An Bình",
                              roles=[(Role.unit_manager, {"unit_id": a["district"].id})]),
        "admin": _user("admin@example.vn", "Quản trị hệ thống", roles=[(Role.admin, {})]),
    }
    _side_a_learning(a)
    world.ids.update(_foreign_learning(b))
    world.ids.update(_foreign_certificates(b, world.ids))
    world.ids.update(_foreign_records(b, a, world))
    world.ids.update({"official_id": b["official"].id, "unit_id": b["district"].id, "school_id": b["school"].id,
                      "user_id": b["learner"].id, "employee_code": b["official"].employee_code,
                      "unit_code": b["district"].code, "school_code": b["school"].code})
    db.session.flush()
    return world


def _side_a_learning(a: dict) -> None:
    """The official of side A learns in a course of their own school (their own scope)."""
    from lms.courses.services.enrolment import enrol
    course, _section = _course("khoa-an-binh", "An Bình", a["school"], items=[("bai-1", "page", None)])
    enrol(a["learner"].id, course, source="admin")


def _foreign_learning(b: dict) -> dict:
    from lms.courses.models import ClassLecturer, CourseClass, CourseLecturer
    from lms.courses.services.classes import add_session
    from lms.courses.services.enrolment import enrol
    from lms.quizzes.models import AttemptQuestion
    from lms.quizzes.services import attempts
    from lms.quizzes.services.banks import create_bank
    bank = create_bank("ngan-hang-xeno", f"Ngân hàng {FOREIGN}", school_id=b["school"].id)
    quiz, category, question = _quiz(bank, FOREIGN)
    loose_quiz, _c, _q = _quiz(bank, f"{FOREIGN} rời")  # in no course at all
    package = _package(b["school"], b["lecturer"], f"Gói {FOREIGN}")
    course, section = _course("khoa-xeno", f"Khóa {FOREIGN}", b["school"], items=[
        ("trang", "page", None), ("tep", "file", None), ("phim", "video", None), ("lien-ket", "link", None),
        ("kiem-tra", "quiz", str(quiz.id)), ("goi", "scorm", str(package.id))])
    _asset(course, FOREIGN, b["lecturer"].id)
    db.session.add(CourseLecturer(course_id=course.id, user_id=b["lecturer"].id))
    klass = CourseClass(course_id=course.id, code="LOP-XENO", title_vi=f"Lớp {FOREIGN}", school_id=b["school"].id,
                        unit_id=b["district"].id, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 31))
    db.session.add(klass)
    db.session.flush()
    db.session.add(ClassLecturer(class_id=klass.id, user_id=b["lecturer"].id))
    session = add_session(klass, datetime(2025, 3, 2, 1, tzinfo=timezone.utc), None, f"Phòng {FOREIGN}",
                          f"Buổi {FOREIGN}")
    enrolment, _changed = enrol(b["learner"].id, course, course_class=klass, source="class")
    finished = attempts.start_attempt(quiz, b["learner"].id)
    attempts.submit_attempt(finished.id)
    open_attempt = attempts.start_attempt(quiz, b["learner"].id, now=utcnow() + timedelta(seconds=1))
    answer_id = db.session.scalar(select(AttemptQuestion.id).where(AttemptQuestion.attempt_id == finished.id))
    open_answer_id = db.session.scalar(select(AttemptQuestion.id).where(AttemptQuestion.attempt_id == open_attempt.id))
    return {"course_key": course.key, "section_id": section.id, "class_id": klass.id, "session_id": session.id,
            "enrolment_id": enrolment.id, "bank_id": bank.id, "category_id": category.id, "question_id": question.id,
            "quiz_id": quiz.id, "loose_quiz_id": loose_quiz.id, "attempt_id": open_attempt.id,
            "finished_attempt_id": finished.id, "answer_id": answer_id,
            "open_answer_id": open_answer_id, "package_id": package.id,
            "lecturer_b_id": b["lecturer"].id, "lecturer_b_grant_id": b["lecturer"].grants[0].id,
            "course_id": course.id}


def _foreign_certificates(b: dict, ids: dict) -> dict:
    """A template and rule of school B, and the certificate its official earned by completing the course."""
    from lms.certificates.models import Certificate, CertificateKind, CertificateRule, CertificateTemplate
    from lms.courses.models import Enrolment
    template = CertificateTemplate(school_id=b["school"].id, name=f"Mẫu {FOREIGN}", kind=CertificateKind.completion,
                                   title="GIẤY CHỨNG NHẬN", subtitle=f"HOÀN THÀNH {FOREIGN}",
                                   body=f"Đã hoàn thành {FOREIGN}")
    db.session.add(template)
    db.session.flush()
    rule = CertificateRule(scope=f"course:{ids['course_key']}", school_id=b["school"].id, template_id=template.id,
                           course_key=ids["course_key"], course_id=ids["course_id"])
    db.session.add(rule)
    db.session.flush()
    enrolment = db.session.get(Enrolment, ids["enrolment_id"])
    enrolment.completed_at = datetime(2025, 3, 30, 3, tzinfo=timezone.utc)
    enrolment.progress = 1.0
    db.session.flush()
    events.send(events.course_completed, events.CourseCompleted(
        user_id=b["learner"].id, course_id=ids["course_id"], course_key=ids["course_key"],
        enrolment_id=enrolment.id, completed_at=enrolment.completed_at, class_id=ids["class_id"]))
    certificate = db.session.scalar(select(Certificate).where(Certificate.official_id == b["official"].id))
    assert certificate is not None, "the world's certificate was not issued"
    return {"certificate_id": certificate.id, "certificate_code": certificate.verification_code,
            "template_id": template.id, "rule_id": rule.id}


def _foreign_records(b: dict, a: dict, world: World) -> dict:
    from lms.core.notifications.models import Notification, OutboxMessage
    from lms.core.notifications.services import notify
    from lms.records import outside, tokens
    from lms.records.plans import PlanInput, save_plan
    from lms.records.requirements import RequirementInput, save_requirement
    plan = save_plan(PlanInput(year=utcnow().year, unit_id=b["district"].id, targets={"state_management": (3, 40)},
                               note=f"Kế hoạch {FOREIGN}"))
    requirement = save_requirement(RequirementInput(name_vi=f"Yêu cầu {FOREIGN}", year_from=2025,
                                                    unit_id=b["district"].id, min_periods=40))
    evidence = storage.save(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "minh-chung.pdf", ["application/pdf"])
    credit_id = outside.record_outside(outside.OutsideRecord(
        official_id=b["official"].id, title_vi=f"Lớp ngoài {FOREIGN}", content_area="state_management", periods=8,
        earned_on=date(2025, 2, 1), provider=f"Học viện {FOREIGN}"), evidence_file_id=evidence.id,
        recorded_by=None, school_id=b["school"].id)
    token_b, _secret = tokens.create_token(f"Hệ thống {FOREIGN}", b["district"], actor_id=None)
    _token_a, world.api_token = tokens.create_token("Hệ thống An Bình", a["district"], actor_id=None)
    notify(b["learner"].id, "core/welcome", {}, dedupe_key="matrix")
    notification = db.session.scalar(select(Notification).where(Notification.user_id == b["learner"].id))
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == b["learner"].id))
    return {"plan_id": plan.id, "requirement_id": requirement.id, "credit_id": credit_id, "token_id": token_b.id,
            "notification_id": notification.id, "message_id": message.id}
