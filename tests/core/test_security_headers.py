"""The security headers of every route: an admin GETs every GET route of the URL map over the demo province
(plus what the demo lacks: a course with a file, a video and a link, a passed quiz and its certificate, a SCORM
package, an outside credit with evidence, a transcript, an API token) and each response carries the headers its
kind needs. A route the table (tests/core/header_routes.py) does not know makes the test fail: add it, with how
to build its URL."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import Headers

from lms.core import untrusted
from lms.core.db import db
from lms.core.security_headers import content_security_policy, csp_nonce
from lms.scorm import sandbox
from tests.core.header_routes import EXPECTED_STATUS, LEARNER, POST, ROUTES, UNTRUSTED

TESTS = Path(__file__).resolve().parents[1]
ADMIN = "admin@sonha.example.vn"
PASSWORD = "sonha-demo-2026"
REQUIRED_DIRECTIVES = {
    "default-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'self'",
    "form-action": "'self'", "connect-src": "'self'", "font-src": "'self'",
}
REFERRER_POLICIES = ("same-origin", "no-referrer")  # no-referrer: a link out to another site, untrusted content


def _log_in(app, identifier: str):
    client = app.test_client()
    answer = client.post("/login", data={"identifier": identifier, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def _pass_the_quiz(app, course_key: str) -> int:
    """The demo official takes the course's final quiz and answers everything right; returns the attempt."""
    from lms.quizzes.models import Attempt
    learner = _log_in(app, LEARNER)
    outline = learner.get(f"/courses/c/{course_key}").get_data(as_text=True)
    for lesson in set(re.findall(rf'href="/courses/c/{course_key}/a/(bai-\d+)"', outline)):
        learner.get(f"/courses/c/{course_key}/a/{lesson}")  # read: the quiz then completes the course
    page = learner.get(f"/courses/c/{course_key}/a/kiem-tra-cuoi-khoa").get_data(as_text=True)
    quiz = re.search(r'href="(/quizzes/\d+)"', page).group(1)
    attempt_id = int(re.search(r"/attempts/(\d+)", learner.post(quiz + "/start").headers["Location"]).group(1))
    for question in db.session.get(Attempt, attempt_id).questions:
        data, field = question.question.data, f"q{question.id}"
        if question.question.qtype == "true_false":
            answer = {field: "true" if data["answer"] else "false"}
        elif question.question.qtype == "single_choice":
            answer = {field: max(data["options"], key=lambda option: option["fraction"])["id"]}
        else:
            answer = {field: [option["id"] for option in data["options"] if option["fraction"] > 0]}
        learner.post(f"/quizzes/attempts/{attempt_id}/answer", data={"slot": question.id, **answer})
    assert learner.post(f"/quizzes/attempts/{attempt_id}/submit").status_code == 302
    return attempt_id


def _outside_credit(official_id: int, admin_id: int) -> int:
    from lms.core import storage
    from lms.records.outside import OutsideRecord, record_outside
    evidence = storage.save_bytes(b"%PDF-1.4\n%%EOF\n", "chung-nhan.pdf", "application/pdf", uploaded_by=admin_id)
    return record_outside(OutsideRecord(official_id=official_id, title_vi="Bồi dưỡng kỹ năng số", periods=8,
                                        content_area="state_management", earned_on=date(2025, 3, 10),
                                        provider="Học viện Hành chính"), evidence_file_id=evidence.id,
                          recorded_by=admin_id, school_id=None)


@pytest.fixture
def site(app, runner, tmp_path):
    """The demo province and everything else a route needs an id of; returns the ids."""
    from lms.certificates.models import Certificate, CertificateRule, CertificateTemplate
    from lms.core.models import School, Unit, User
    from lms.core.notifications.models import Notification
    from lms.core.scheduler.registry import collected_jobs
    from lms.courses.models import ClassSession, Course, CourseClass
    from lms.courses.services.importer import import_course
    from lms.quizzes.models import Attempt
    from lms.records.dates import local_today
    from lms.records.requirements import ensure_example
    from lms.records.tokens import create_token
    from lms.scorm import services as scorm
    from lms.scorm.models import ScormAttempt

    app.config["STORAGE_PATH"] = str(tmp_path / "storage")
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    folder = shutil.copytree(TESTS / "courses" / "fixtures" / "tin-hoc-van-phong", tmp_path / "course")
    course = db.session.get(Course, import_course(folder).course_id)
    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    learner = db.session.scalar(select(User).where(User.login_code == LEARNER))
    school = db.session.scalar(select(School).order_by(School.id))
    with open(TESTS / "scorm" / "packages" / "scorm12.zip", "rb") as stream:
        package, _ = scorm.create_package(stream, "scorm12.zip", school_id=school.id, user_id=admin.id)
    _, api_token = create_token("Phần mềm nhân sự", db.session.get(Unit, learner.official.unit_id),
                                actor_id=admin.id)
    outside_credit = _outside_credit(learner.official_id, admin.id)
    db.session.commit()
    demo_course = db.session.scalar(select(Course.key).where(Course.key != course.key).order_by(Course.key))
    attempt = _pass_the_quiz(app, demo_course)
    db.session.add(ScormAttempt(package_id=package.id, user_id=learner.id))  # the learner opened the package
    requirement = ensure_example(local_today().year, actor_id=admin.id)
    requirement.active = True  # the dashboard's pages need one in force
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).order_by(Certificate.id))
    unit = db.session.get(Unit, learner.official.unit_id)
    attempt_row = db.session.get(Attempt, attempt)
    return {
        "course": course.key, "school": school.id, "school_code": school.code, "learner_user": learner.id,
        "official": learner.official_id, "unit": unit.id, "unit_code": unit.code,
        "class": db.session.scalar(select(CourseClass.id)), "session": db.session.scalar(select(ClassSession.id)),
        "certificate": certificate.id, "certificate_code": certificate.verification_code,
        "rule": db.session.scalar(select(CertificateRule.id)),
        "template": db.session.scalar(select(CertificateTemplate.id)),
        "notification": db.session.scalar(select(Notification.id).where(Notification.user_id == learner.id)),
        "attempt": attempt,
        "quiz": attempt_row.quiz_id, "bank": attempt_row.quiz.bank_id,
        "question": attempt_row.questions[0].question_id, "answer": attempt_row.questions[0].id,
        "package": package.id, "package_content": _content_url(app, package),
        "outside_credit": outside_credit, "job": collected_jobs(app)[0].id, "api_token": api_token,
        "behind": f"unit={unit.id}&year={local_today().year}&requirement={requirement.id}",
    }


def _content_url(app, package) -> str:
    """A token URL of the package's launch file, as the player gives it."""
    with app.test_request_context():
        launch = package.launchable_items[0].launch.split("?")[0]
        return untrusted.content_url(sandbox.KIND, sandbox.key(package), launch)


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def _check_page(answer) -> list[str]:
    """What is missing from the headers of one response (HTML: the whole set; others: what fits them)."""
    headers, problems = answer.headers, []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy: {headers.get('Referrer-Policy')!r}")
    if "Permissions-Policy" not in headers:
        problems.append("no Permissions-Policy")
    policy = headers.get("Content-Security-Policy")
    if not policy:
        return problems + ["no Content-Security-Policy"]
    directives = _directives(policy)
    if "sandbox" in directives:  # untrusted content: an opaque origin whatever else it says
        return problems + (["sandbox allows same origin"] if "allow-same-origin" in directives["sandbox"] else [])
    problems += [f"{name} is {directives.get(name)!r}, not {value!r}" for name, value in REQUIRED_DIRECTIVES.items()
                 if directives.get(name) != value]
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", directives.get("script-src", ""))
    if not nonce:
        return problems + [f"script-src is {directives.get('script-src')!r}"]
    if answer.mimetype == "text/html":
        page = answer.get_data(as_text=True)
        scripts = re.findall(r"<script\b([^>]*)>", page)
        problems += [f"an inline script without the nonce: <script{attrs}>" for attrs in scripts
                     if "src=" not in attrs and "application/json" not in attrs and nonce.group(1) not in attrs]
        if headers.get("X-Frame-Options") != "SAMEORIGIN":
            problems.append(f"X-Frame-Options: {headers.get('X-Frame-Options')!r}")
    return problems


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - ROUTES.keys()) == [], "routes without an entry in ROUTES: say how to GET them"
    assert sorted(ROUTES.keys() - endpoints) == [], "entries of ROUTES that no longer are routes"
    for rule in app.url_map.iter_rules():
        if ROUTES[rule.endpoint] == POST:
            assert "GET" not in rule.methods, f"{rule.endpoint} answers GET: give it a URL in ROUTES"


def test_every_route_sends_its_security_headers(app, site):
    clients = {"admin": _log_in(app, ADMIN), "learner": _log_in(app, LEARNER), "api": app.test_client(),
               "anonymous": app.test_client(use_cookies=False)}
    clients["api"].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {site['api_token']}"
    problems, unexpected = {}, {}
    for endpoint, entry in ROUTES.items():
        if entry == POST:
            continue
        who, url = entry if isinstance(entry, tuple) else ("admin", entry)
        url = url(site) if callable(url) else url
        answer = clients[who].get(url)
        if answer.status_code != EXPECTED_STATUS.get(endpoint, 200):
            unexpected[f"{endpoint} {url}"] = answer.status_code
        found = _check_page(answer)
        if endpoint in UNTRUSTED and "sandbox" not in answer.headers.get("Content-Security-Policy", ""):
            found.append("files the platform did not write are served without a sandbox policy")
        answer.close()
        if found:
            problems[f"{endpoint} {url}"] = found
    assert unexpected == {}, f"every route should answer with the site's ids: {unexpected}"
    assert problems == {}


def test_the_policy_names_the_content_host_and_the_video_hosts():
    policy = _directives(content_security_policy(
        {"CONTENT_BASE_URL": "https://noidung.sonha.gov.vn/lms/", "COURSES_VIDEO_HOSTS": ["video.sonha.gov.vn"]},
        "abc"))
    assert policy["frame-src"] == "'self' https://noidung.sonha.gov.vn https://video.sonha.gov.vn"
    assert policy["img-src"] == "'self' data: https://noidung.sonha.gov.vn"
    assert policy["script-src"] == "'self' 'nonce-abc'"
    assert _directives(content_security_policy({"CONTENT_BASE_URL": None}, "abc"))["frame-src"] == "'self'"


def test_a_view_that_sets_its_own_policy_keeps_it(app):
    with app.test_request_context("/"):
        own = app.make_response(("<p>gói</p>", 200, Headers({"Content-Security-Policy": "sandbox allow-scripts"})))
        answer = app.process_response(own)
    assert answer.headers.getlist("Content-Security-Policy") == ["sandbox allow-scripts"]
    assert "X-Frame-Options" not in answer.headers  # its policy decides where it may be framed
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_each_request_has_its_own_nonce_and_the_page_uses_it(client):
    first, second = client.get("/login"), client.get("/login")
    nonces = [re.search(r"'nonce-([\w-]+)'", a.headers["Content-Security-Policy"]).group(1) for a in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    assert f'<script nonce="{nonces[1]}">' in second.get_data(as_text=True)
    with client.application.test_request_context("/"):
        assert csp_nonce() == csp_nonce()  # one per request, however often a template asks


@pytest.mark.parametrize(("scheme", "seconds", "expected"), [
    ("https", 365 * 24 * 3600, "max-age=31536000"),
    ("https", 0, None),
    ("http", 365 * 24 * 3600, None),
])
def test_hsts_only_over_https_and_when_the_setting_allows_it(app, client, scheme, seconds, expected):
    app.config["HSTS_SECONDS"] = seconds
    answer = client.get("/healthz", base_url=f"{scheme}://lms.sonha.gov.vn")
    assert answer.headers.get("Strict-Transport-Security") == expected


def test_hsts_behind_the_proxy_that_says_https(app_factory):
    proxied = app_factory(PROXY_COUNT=1)
    answer = proxied.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https",
                                                             "X-Forwarded-For": "10.0.0.9"})
    assert answer.headers.get("Strict-Transport-Security") == "max-age=31536000"
