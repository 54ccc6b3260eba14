"""Every list page runs a fixed number of SQL statements, whatever the number of rows it shows.

The database is seeded twice with `lms bench seed`, small then big (more officials per class, more credits
per official, more classes), with every table emptied in between. At each size every list page is
requested, as a user who sees rows there (found by query at that size), once to warm first-request
caches and once counted (a `before_cursor_execute` listener, as the `count_queries` fixture does).
Each page then gets a test of its own that compares its two counts; a failure prints the page, both
counts and a diff of the statements.

Requests run outside any app context, as in production: each has a fresh session, so nothing loaded
by an earlier request is served from the identity map.
"""
from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import String, event, func, select

from lms.core.app import create_app
from lms.core.db import db
from tests.conftest import _empty_tables, make_config

PASSWORD = "bench12345"
ADMIN = "bench-admin@binhson.example.vn"
SCHOOL_ADMIN = "bench-school@binhson.example.vn"
MANAGER = "bench-manager@binhson.example.vn"
YEAR = date.today().year

# Small, then big: more officials per class (bigger rosters), more credits per official, more classes.
SIZES = {
    "small": ["--officials", "100", "--classes", "4", "--credits", "300", "--seed", "7"],
    "big": ["--officials", "480", "--classes", "8", "--credits", "4800", "--seed", "7"],
}


@dataclass
class Targets:
    """What each page is asked about at one size: found by query, the fullest one of its kind."""

    course_key: str = ""  # a seed course of content/ (pages, a final quiz): chosen at the small size, kept
    page_key: str = ""  # its first page
    quiz_key: str = ""  # its quiz activity
    learner: str = ""  # login code of the official with the most enrolments
    holder: str = ""  # ... with the most certificates
    credited: str = ""  # ... with the most credits this year
    course_learner: str = ""  # ... enrolled in the course with the most activities done
    taker: str = ""  # ... with the most attempts at the course's quiz (enrolled in the course)
    quiz_manager: str = ""  # a lecturer of the quiz's bank's school (else the admin)
    official_id: int = 0  # the official with the most credits this year (seen by the manager)
    class_id: int = 0  # the school admin's class with the most active learners
    session_class_id: int = 0  # ... of those with sessions
    session_id: int = 0
    quiz_id: int = 0
    bank_id: int = 0
    question_id: int = 0  # the quiz's bank's question asked most
    attempt_id: int = 0  # the taker's last attempt
    unit_id: int = 0  # the unit (not the province) with the most officials
    unit_code: str = ""
    official_code: str = ""  # employee code of official_id
    api: str = ""  # an API token of the province
    numbers: dict = field(default_factory=dict)  # what the targets hold, to show they grow


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # a field of Targets naming a login code, an e-mail, or "api" (no log-in, the API token)
    path: str  # formatted with the Targets
    grows: bool = False  # the big size shows more table rows than the small one (asserted)
    status: int = 200


def _user(t: Targets, who: str) -> str:
    return getattr(t, who) if who in Targets.__dataclass_fields__ else who


P = Page
PAGES = [
    # parameterless GET pages
    P("home", "learner", "/"),
    P("admin index", ADMIN, "/admin/"),
    P("admin schools", ADMIN, "/admin/schools"),
    P("admin users", ADMIN, "/admin/users"),
    P("admin users found", ADMIN, "/admin/users?q=Nguyễn", grows=True),  # fewer than a page at both sizes
    P("admin jobs", ADMIN, "/admin/jobs/"),
    P("admin mail", ADMIN, "/admin/mail/"),
    P("certificates classes", SCHOOL_ADMIN, "/certificates/classes", grows=True),
    P("certificates index", "holder", "/certificates/", status=302),  # to /certificates/mine
    P("certificates mine", "holder", "/certificates/mine"),
    P("certificates register", SCHOOL_ADMIN, "/certificates/register", grows=True),
    P("certificates rules", SCHOOL_ADMIN, "/certificates/rules"),
    P("certificates templates", SCHOOL_ADMIN, "/certificates/templates"),
    P("courses authoring", ADMIN, "/courses/author"),
    P("courses catalogue", "learner", "/courses/"),
    P("courses classes", SCHOOL_ADMIN, "/courses/classes", grows=True),
    P("courses my learning", "learner", "/courses/my"),
    P("notifications", "holder", "/notifications"),
    P("org officials", MANAGER, "/org/officials"),
    P("org officials found", MANAGER, "/org/officials?q=nguyen", grows=True),
    P("org units", ADMIN, "/org/units"),
    P("quizzes banks", "quiz_manager", "/quizzes/banks"),
    P("quizzes grading", "quiz_manager", "/quizzes/grading"),
    P("quizzes mine", "taker", "/quizzes/mine"),
    P("records behind", MANAGER, f"/records/dashboard/behind?year={YEAR}&all=1"),  # a full page at both sizes
    P("records dashboard", MANAGER, f"/records/dashboard?year={YEAR}"),  # the province's units: as many
    P("records my record", "credited", f"/records/?year={YEAR}", grows=True),
    P("records outside", SCHOOL_ADMIN, "/records/outside"),
    P("records plans", MANAGER, f"/records/plans?year={YEAR}"),
    P("records report", MANAGER, f"/records/report?year={YEAR}"),
    P("records requirements", ADMIN, "/records/requirements"),
    P("records api tokens", ADMIN, "/records/api-tokens"),
    P("scorm packages", ADMIN, "/scorm/packages"),
    # list pages with a parameter
    P("course page", "course_learner", "/courses/c/{t.course_key}"),
    P("lesson page", "course_learner", "/courses/c/{t.course_key}/a/{t.page_key}"),
    P("quiz lesson page", "taker", "/courses/c/{t.course_key}/a/{t.quiz_key}"),
    P("course editor", ADMIN, "/courses/author/c/{t.course_key}"),
    P("class page", SCHOOL_ADMIN, "/courses/classes/{t.class_id}", grows=True),
    P("class report", SCHOOL_ADMIN, "/courses/classes/{t.class_id}/report", grows=True),
    P("attendance list", SCHOOL_ADMIN, "/courses/classes/{t.session_class_id}/sessions/{t.session_id}", grows=True),
    P("certificates class page", SCHOOL_ADMIN, "/certificates/classes/{t.class_id}", grows=True),
    P("quiz page", "taker", "/quizzes/{t.quiz_id}"),
    P("quiz results", "quiz_manager", "/quizzes/{t.quiz_id}/results", grows=True),
    P("quiz results (admin)", ADMIN, "/quizzes/{t.quiz_id}/results", grows=True),
    P("quiz questions", "quiz_manager", "/quizzes/{t.quiz_id}/questions"),
    P("attempt review", "taker", "/quizzes/attempts/{t.attempt_id}/review"),
    P("bank questions", "quiz_manager", "/quizzes/banks/{t.bank_id}"),
    P("question usage", "quiz_manager", "/quizzes/questions/{t.question_id}"),
    P("records dashboard of a unit", MANAGER, "/records/dashboard?unit={t.unit_id}&year=" + str(YEAR), grows=True),
    P("records behind of a unit", MANAGER, "/records/dashboard/behind?unit={t.unit_id}&all=1&year=" + str(YEAR),
      grows=True),
    P("records plans of a unit", MANAGER, "/records/plans?unit={t.unit_id}&year=" + str(YEAR)),
    P("records report of a unit", MANAGER, "/records/report?unit={t.unit_id}&year=" + str(YEAR)),
    P("official record (manager)", MANAGER, "/records/officials/{t.official_id}?year=" + str(YEAR), grows=True),
    P("official record all years", MANAGER, "/records/officials/{t.official_id}?year=all", grows=True),
    # the JSON API for HR systems (a token of the province)
    P("api official record", "api", "/api/v1/officials/{t.official_code}/record?year=" + str(YEAR)),
    P("api unit summary", "api", "/api/v1/units/{t.unit_code}/summary?year=" + str(YEAR)),
]
# Pages known to run a query per row, {name: reason}: kept in the sweep, marked xfail(strict) until fixed.
KNOWN_N_PLUS_ONE: dict[str, str] = {}


@dataclass
class Measured:
    status: int
    count: int
    statements: list[str]
    rows: int  # table rows, list items and articles in the page's <main>
    url: str
    user: str


def _certify() -> None:
    """The seed issues no certificates: give the school's courses a rule and issue its classes, as its admin would."""
    from lms.certificates.models import CertificateKind, CertificateRule, CertificateTemplate
    from lms.certificates.services.issuing import issue_for_class
    from lms.core.models import School
    from lms.courses.models import Course, CourseClass

    school = db.session.scalar(select(School).where(School.code == "P01-TCT"))
    template = CertificateTemplate(school_id=school.id, name="Giấy chứng nhận", kind=CertificateKind.completion,
                                   title="GIẤY CHỨNG NHẬN", subtitle="HOÀN THÀNH KHÓA BỒI DƯỠNG",
                                   body="Đã hoàn thành khóa bồi dưỡng")
    db.session.add(template)
    db.session.flush()
    classes = list(db.session.scalars(select(CourseClass).where(CourseClass.school_id == school.id)
                                      .order_by(CourseClass.id)))
    for course in db.session.scalars(select(Course).where(Course.id.in_({c.course_id for c in classes}))
                                     .order_by(Course.id)):
        db.session.add(CertificateRule(scope=f"course:{course.key}", school_id=school.id, template_id=template.id,
                                       course_key=course.key, course_id=course.id))
    db.session.flush()
    for course_class in classes:
        issue_for_class(course_class.id, actor_id=None)
    db.session.commit()


def _targets(course_key: str | None) -> Targets:
    from lms.certificates.models import Certificate
    from lms.core.models import Official, School, Unit, User
    from lms.courses.models import (
        Activity,
        ActivityProgress,
        ClassSession,
        Course,
        CourseClass,
        Enrolment,
        EnrolmentStatus,
        Section,
    )
    from lms.quizzes.models import Attempt, AttemptQuestion, Question, QuestionBank, Quiz
    from lms.records import tokens
    from lms.records.models import TrainingCredit

    t = Targets()
    active = Enrolment.status == EnrolmentStatus.active
    by_count = func.count().desc()
    t.learner, t.numbers["learner enrolments"] = db.session.execute(
        select(User.login_code, func.count()).join(Enrolment, Enrolment.user_id == User.id).where(active)
        .group_by(User.id, User.login_code).order_by(by_count, User.id).limit(1)).one()
    t.holder, t.numbers["holder certificates"] = db.session.execute(
        select(User.login_code, func.count()).join(Certificate, Certificate.official_id == User.official_id)
        .group_by(User.id, User.login_code).order_by(by_count, User.id).limit(1)).one()
    t.numbers["certificates"] = db.session.scalar(select(func.count()).select_from(Certificate))
    current = (TrainingCredit.year == YEAR) & TrainingCredit.withdrawn_at.is_(None)
    t.official_id, t.numbers["official credits"] = db.session.execute(
        select(TrainingCredit.official_id, func.count()).where(current).group_by(TrainingCredit.official_id)
        .order_by(by_count, TrainingCredit.official_id).limit(1)).one()
    t.credited = db.session.scalar(select(User.login_code).where(User.official_id == t.official_id))
    t.official_code = db.session.get(Official, t.official_id).employee_code

    if course_key is None:  # the seed course whose quiz its learners took most
        quiz_of = (select(Activity.ref).where(Activity.course_id == Course.id, Activity.type == "quiz")
                   .limit(1).scalar_subquery())
        taken = (select(func.count()).select_from(Attempt)
                 .join(Enrolment, (Enrolment.user_id == Attempt.user_id) & (Enrolment.course_id == Course.id))
                 .where(func.cast(Attempt.quiz_id, String) == quiz_of, active).scalar_subquery())
        course_key = db.session.scalar(select(Course.key).where(Course.sample.is_(True))
                                       .order_by(taken.desc(), Course.key).limit(1))
    course = db.session.scalar(select(Course).where(Course.key == course_key).order_by(Course.version.desc()))
    t.course_key = course.key
    ordered = list(db.session.scalars(select(Activity).join(Section, Section.id == Activity.section_id)
                                      .where(Activity.course_id == course.id)
                                      .order_by(Section.position, Activity.position)))
    t.page_key = next(a.key for a in ordered if a.type == "page")
    quiz_activity = next(a for a in ordered if a.type == "quiz")
    t.quiz_key = quiz_activity.key
    done = (select(func.count()).select_from(ActivityProgress)
            .join(Activity, Activity.id == ActivityProgress.activity_id)
            .where(ActivityProgress.user_id == User.id, Activity.course_id == course.id).scalar_subquery())
    t.course_learner, t.numbers["course learner progress"] = db.session.execute(
        select(User.login_code, done).join(Enrolment, Enrolment.user_id == User.id)
        .where(active, Enrolment.course_id == course.id).order_by(done.desc(), User.id).limit(1)).one()

    quiz = db.session.get(Quiz, int(quiz_activity.ref))
    t.quiz_id, t.bank_id = quiz.id, quiz.bank_id
    t.numbers["quiz attempts"] = db.session.scalar(select(func.count()).where(Attempt.quiz_id == quiz.id))
    t.taker, t.numbers["taker attempts"] = db.session.execute(
        select(User.login_code, func.count()).join(Attempt, Attempt.user_id == User.id)
        .join(Enrolment, (Enrolment.user_id == User.id) & (Enrolment.course_id == course.id))
        .where(Attempt.quiz_id == quiz.id, active).group_by(User.id, User.login_code)
        .order_by(by_count, User.id).limit(1)).one()
    t.attempt_id = db.session.scalar(select(Attempt.id).join(User, User.id == Attempt.user_id)
                                     .where(Attempt.quiz_id == quiz.id, User.login_code == t.taker)
                                     .order_by(Attempt.number.desc()).limit(1))
    bank = db.session.get(QuestionBank, quiz.bank_id)
    schools = list(db.session.scalars(select(School.id).order_by(School.id)))  # lecturer k teaches at school k % 2
    t.quiz_manager = (f"bench-lecturer{schools.index(bank.school_id)}@binhson.example.vn"
                      if bank.school_id in schools else ADMIN)
    t.question_id, t.numbers["question asked"] = db.session.execute(
        select(Question.id, func.count()).join(AttemptQuestion, AttemptQuestion.question_id == Question.id)
        .where(Question.bank_id == quiz.bank_id).group_by(Question.id).order_by(by_count, Question.id).limit(1)).one()

    school_id = db.session.scalar(select(School.id).where(School.code == "P01-TCT"))
    learners = func.count(Enrolment.id)
    rows = db.session.execute(
        select(CourseClass.id, learners).join(Enrolment, Enrolment.class_id == CourseClass.id)
        .where(CourseClass.school_id == school_id, active).group_by(CourseClass.id)
        .order_by(learners.desc(), CourseClass.id)).all()
    t.class_id, t.numbers["class learners"] = rows[0]
    with_sessions = set(db.session.scalars(select(ClassSession.class_id)))
    t.session_class_id, t.numbers["session class learners"] = next(r for r in rows if r[0] in with_sessions)
    t.session_id = db.session.scalar(select(ClassSession.id).where(ClassSession.class_id == t.session_class_id)
                                     .order_by(ClassSession.starts_at, ClassSession.id).limit(1))
    t.unit_id, t.numbers["unit officials"] = db.session.execute(
        select(Official.unit_id, func.count()).group_by(Official.unit_id)
        .order_by(by_count, Official.unit_id).limit(1)).one()
    t.unit_code = db.session.get(Unit, t.unit_id).code
    _row, t.api = tokens.create_token("Phần mềm nhân sự", db.session.scalar(select(Unit).where(Unit.code == "P01")),
                                      actor_id=None)
    db.session.commit()
    return t


def _login(app, identifier: str):
    client = app.test_client()
    response = client.post("/login", data={"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302, (identifier, response.get_data(as_text=True)[:500])
    return client


def _measure(app, engine, pages: list[Page], t: Targets) -> dict[str, Measured]:
    clients = {}
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    out = {}
    for page in pages:
        who = _user(t, page.user)
        headers = {}
        if page.user == "api":
            client, headers, who = app.test_client(), {"Authorization": f"Bearer {t.api}"}, "an API token"
        else:
            client = clients.get(who) or clients.setdefault(who, _login(app, who))
        url = page.path.format(t=t)
        try:
            client.get(url, headers=headers)  # warm: first-request caches, the first view of a lesson
            seen.clear()
            event.listen(engine, "before_cursor_execute", before)
            try:
                response = client.get(url, headers=headers)
            finally:
                event.remove(engine, "before_cursor_execute", before)
        except Exception as error:  # the page's own test reports it; the others still run
            out[page.name] = Measured(500, -1, [f"{type(error).__name__}: {error}"], 0, url, who)
            continue
        html = response.get_data(as_text=True)
        main = html.split("<main", 1)[-1].split("</main>", 1)[0]
        out[page.name] = Measured(response.status_code, len(seen), list(seen),
                                  len(re.findall(r"<(?:tr|li|article)[\s>]", main)), url, who)
    return out


@pytest.fixture(scope="module")
def measured(database_url, instance_root, migrated):
    """{size: ({page name: Measured}, Targets, seconds)} for both sizes, on a database emptied before and after."""
    results, course_key = {}, None
    for size, args in SIZES.items():
        started = time.perf_counter()
        app = create_app(make_config(database_url, instance_root))
        try:
            with app.app_context():
                _empty_tables(migrated)
                result = app.test_cli_runner().invoke(args=["bench", "seed", *args])
                assert result.exit_code == 0, result.output
                _certify()
                targets = _targets(course_key)
                course_key = targets.course_key
                engine = db.engine
                db.session.remove()
            pages = _measure(app, engine, PAGES, targets)
        finally:
            with app.app_context():
                db.session.rollback()
                _empty_tables(migrated)
                db.session.remove()
                db.engine.dispose()
        results[size] = (pages, targets, time.perf_counter() - started)
    return results


def _report(page: Page, small: Measured, big: Measured) -> str:
    diff = "\n".join(difflib.unified_diff(
        [" ".join(s.split()) for s in small.statements], [" ".join(s.split()) for s in big.statements],
        "small", "big", lineterm="", n=1))
    listing = "\n".join(f"--- {size} ({m.count} statements, {m.url} as {m.user})\n"
                        + "\n".join(f"{n:3}. {' '.join(s.split())[:300]}" for n, s in enumerate(m.statements, 1))
                        for size, m in (("small", small), ("big", big)))
    return (f"{page.name} ({page.path}): {small.count} statements at the small size, {big.count} at the big one\n"
            f"diff:\n{diff}\n{listing}")


def _params():
    for page in PAGES:
        marks = ([pytest.mark.xfail(strict=True, reason=f"N+1: {KNOWN_N_PLUS_ONE[page.name]}")]
                 if page.name in KNOWN_N_PLUS_ONE else [])
        yield pytest.param(page, id=page.name.replace(" ", "-"), marks=marks)


@pytest.mark.parametrize("page", list(_params()))
def test_the_page_runs_as_many_queries_at_both_sizes(measured, page):
    (small_pages, *_), (big_pages, *_) = measured["small"], measured["big"]
    small, big = small_pages[page.name], big_pages[page.name]
    assert small.status == big.status == page.status, (page.name, small.url, small.status, big.url, big.status,
                                                       small.statements[:1], big.statements[:1])
    assert small.count == big.count, _report(page, small, big)


def test_the_big_size_shows_more_rows(measured):
    """The sweep means something only if the lists really grow: the targets hold more, the pages show more.
    (`pytest -s` prints every page's counts.)"""
    (small_pages, small_t, small_s), (big_pages, big_t, big_s) = measured["small"], measured["big"]
    print(f"\nseeded and measured in {small_s:.1f} s (small), {big_s:.1f} s (big)")
    for p in PAGES:
        s, b = small_pages[p.name], big_pages[p.name]
        print(f"{p.name:30} {s.status} {b.status}  queries {s.count:3} {b.count:3}  rows {s.rows:4} {b.rows:4}")
    for name in ("official credits", "class learners", "session class learners", "quiz attempts", "unit officials",
                 "question asked"):
        assert big_t.numbers[name] > small_t.numbers[name], (name, small_t.numbers, big_t.numbers)
    flat = [(p.name, small_pages[p.name].rows, big_pages[p.name].rows) for p in PAGES if p.grows]
    assert all(big > small for _name, small, big in flat), [f for f in flat if f[2] <= f[1]]
    assert all(small_pages[p.name].rows > 0 for p in PAGES if p.grows)

