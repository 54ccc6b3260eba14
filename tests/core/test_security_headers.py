"""The security headers of every route: an admin GETs every GET route of the URL map over the demo province
(plus what the demo lacks: a course with a file, a video and a link, a passed quiz and its certificate, a SCORM
package, an outside credit with evidence, a transcript, an API token) and each response carries the headers its
kind needs. A route the table below does not know makes the test fail: add it, with how to build its URL."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import Headers

from lms.core.db import db
from lms.core.security_headers import content_security_policy, csp_nonce

TESTS = Path(__file__).resolve().parents[1]
POST = "POST only"  # routes no GET reaches: nothing to fetch
ADMIN = "admin@sonha.example.vn"
LEARNER = "CB00001"
PASSWORD = "demo12345"
REQUIRED_DIRECTIVES = {
    "default-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'self'",
    "form-action": "'self'", "connect-src": "'self'", "font-src": "'self'",
}
REFERRER_POLICIES = ("same-origin", "no-referrer")  # no-referrer: a link out to another site

# endpoint -> the URL the admin GETs (a path, or built from the ids the site fixture made), or (who, URL) when
# the page is someone else's (the demo official's own attempt, the HR system's API), or POST.
ROUTES = {
    "admin.add_grant": POST,
    "admin.edit_school": lambda s: f"/admin/schools/{s['school']}",
    "admin.edit_user": lambda s: f"/admin/users/{s['learner_user']}",
    "admin.index": "/admin/",
    "admin.remove_grant": POST,
    "admin.schools": "/admin/schools",
    "admin.users": "/admin/users",
    "auth.change_password": "/account/password",
    "auth.login": "/login",
    "auth.logout": POST,
    "certificates.badge": lambda s: f"/certificates/{s['certificate']}/badge.json",
    "certificates.badge_jwt": lambda s: f"/certificates/{s['certificate']}/badge.jwt",
    "certificates.class_page": lambda s: f"/certificates/classes/{s['class']}",
    "certificates.class_zip": lambda s: f"/certificates/classes/{s['class']}/certificates.zip",
    "certificates.classes": "/certificates/classes",
    "certificates.copy": POST,
    "certificates.correct": POST,
    "certificates.detail": lambda s: f"/certificates/{s['certificate']}",
    "certificates.edit_rule": lambda s: f"/certificates/rules/{s['rule']}",
    "certificates.edit_template": lambda s: f"/certificates/templates/{s['template']}",
    "certificates.index": "/certificates/",
    "certificates.issue_class": POST,
    "certificates.mine": "/certificates/mine",
    "certificates.pdf": lambda s: f"/certificates/{s['certificate']}/pdf",
    "certificates.preview_template": lambda s: f"/certificates/templates/{s['template']}/preview.pdf",
    "certificates.register": "/certificates/register",
    "certificates.register_xlsx": "/certificates/register.xlsx",
    "certificates.revoke": POST,
    "certificates.rules": "/certificates/rules",
    "certificates.templates": "/certificates/templates",
    "certificates_public.keys": lambda s: f"/verify/keys/{s['school_code']}",
    "certificates_public.lookup": "/verify/",
    "certificates_public.verify": lambda s: f"/verify/{s['certificate_code']}",
    "core.healthz": "/healthz",
    "core.home": "/",
    "core.ping": "/ping",
    "core.set_language": POST,
    "courses.add_activity": POST,
    "courses.add_lecturer": POST,
    "courses.add_section": POST,
    "courses.add_session": POST,
    "courses.asset": lambda s: f"/courses/c/{s['course']}/assets/files/bo-cuc.png",
    "courses.attendance": lambda s: f"/courses/classes/{s['class']}/sessions/{s['session']}",
    "courses.authoring": "/courses/author",
    "courses.catalogue": "/courses/",
    "courses.class_page": lambda s: f"/courses/classes/{s['class']}",
    "courses.class_report_download": lambda s: f"/courses/classes/{s['class']}/report.xlsx",
    "courses.class_report_page": lambda s: f"/courses/classes/{s['class']}/report",
    "courses.classes": "/courses/classes",
    "courses.course": lambda s: f"/courses/c/{s['course']}",
    "courses.course_status": POST,
    "courses.delete_activity": POST,
    "courses.delete_file": POST,
    "courses.delete_section": POST,
    "courses.delete_session": POST,
    "courses.edit_activity": lambda s: f"/courses/author/c/{s['course']}/a/bai-1",
    "courses.edit_class": lambda s: f"/courses/classes/{s['class']}/edit",
    "courses.edit_course": lambda s: f"/courses/author/c/{s['course']}",
    "courses.enrol": POST,
    "courses.enrol_file": POST,
    "courses.enrol_one": POST,
    "courses.enrol_unit": POST,
    "courses.export_course_zip": lambda s: f"/courses/author/c/{s['course']}/export",
    "courses.follow_link": lambda s: f"/courses/c/{s['course']}/a/cong-dich-vu-cong/go",
    "courses.import_zip": POST,
    "courses.lesson": lambda s: f"/courses/c/{s['course']}/a/video-gioi-thieu",
    "courses.mark_done": POST,
    "courses.move_activity": POST,
    "courses.move_section": POST,
    "courses.my_learning": "/courses/my",
    "courses.new_class": "/courses/classes/new",
    "courses.new_course": "/courses/author/new",
    "courses.open_file": lambda s: f"/courses/c/{s['course']}/a/so-tay/file",
    "courses.preview": POST,
    "courses.remove_lecturer": POST,
    "courses.rename_section": POST,
    "courses.resume": lambda s: f"/courses/c/{s['course']}/resume",
    "courses.stream_video": lambda s: f"/courses/c/{s['course']}/a/video-gioi-thieu/stream",
    "courses.upload_file": POST,
    "courses.video_watched": POST,
    "courses.withdraw": POST,
    "notifications.index": "/notifications",
    "notifications.open_notification": ("learner", lambda s: f"/notifications/{s['notification']}"),
    "notifications.preferences": "/account/preferences",
    "notifications.read": POST,
    "notifications.read_all": POST,
    "notifications_admin.mail": "/admin/mail/",
    "notifications_admin.retry": POST,
    "org.edit_official": lambda s: f"/org/officials/{s['official']}/edit",
    "org.edit_unit": lambda s: f"/org/units/{s['unit']}",
    "org.import_file": "/org/import/officials",
    "org.merge_unit": POST,
    "org.official": lambda s: f"/org/officials/{s['official']}",
    "org.officials": "/org/officials",
    "org.units": "/org/units",
    "password_reset.forgot": "/password/forgot",
    "password_reset.reset": "/password/reset/not-a-token",
    "quizzes.add_category": POST,
    "quizzes.answer": POST,
    "quizzes.attempt": ("learner", lambda s: f"/quizzes/attempts/{s['attempt']}"),
    "quizzes.attempt_state": ("learner", lambda s: f"/quizzes/attempts/{s['attempt']}/state"),
    "quizzes.bank": lambda s: f"/quizzes/banks/{s['bank']}",
    "quizzes.bank_settings": POST,
    "quizzes.banks": "/quizzes/banks",
    "quizzes.change_questions": POST,
    "quizzes.edit_question": lambda s: f"/quizzes/questions/{s['question']}/edit",
    "quizzes.edit_quiz": lambda s: f"/quizzes/{s['quiz']}/edit",
    "quizzes.export_bank": lambda s: f"/quizzes/banks/{s['bank']}/export",
    "quizzes.grade_answer": lambda s: f"/quizzes/grading/{s['answer']}",
    "quizzes.grading_queue": "/quizzes/grading",
    "quizzes.hide_question": POST,
    "quizzes.import_file": POST,
    "quizzes.mine": "/quizzes/mine",
    "quizzes.question_usage": lambda s: f"/quizzes/questions/{s['question']}",
    "quizzes.quiz": lambda s: f"/quizzes/{s['quiz']}",
    "quizzes.quiz_questions": lambda s: f"/quizzes/{s['quiz']}/questions",
    "quizzes.quiz_results": lambda s: f"/quizzes/{s['quiz']}/results",
    "quizzes.quiz_results_xlsx": lambda s: f"/quizzes/{s['quiz']}/results.xlsx",
    "quizzes.regrade_question": POST,
    "quizzes.regrade_quiz": POST,
    "quizzes.rename_category": POST,
    "quizzes.review": lambda s: f"/quizzes/attempts/{s['attempt']}/review",
    "quizzes.save_page": POST,
    "quizzes.start": POST,
    "quizzes.submit": POST,
    "quizzes.summary": ("learner", lambda s: f"/quizzes/attempts/{s['attempt']}/summary"),
    "quizzes.xlsx_template": "/quizzes/template.xlsx",
    "records.add_example_requirement": POST,
    "records.api_tokens": "/records/api-tokens",
    "records.behind": lambda s: f"/records/dashboard/behind?{s['behind']}",
    "records.behind_xlsx": lambda s: f"/records/dashboard/behind.xlsx?{s['behind']}",
    "records.dashboard": "/records/dashboard",
    "records.delete_plan": POST,
    "records.delete_requirement": POST,
    "records.edit_plan": "/records/plans/edit",
    "records.edit_requirement": "/records/requirements/new",
    "records.evidence": lambda s: f"/records/credits/{s['outside_credit']}/evidence",
    "records.my_record": "/records/",
    "records.official_record": lambda s: f"/records/officials/{s['official']}",
    "records.outside_import": "/records/outside/import",
    "records.outside_index": "/records/outside",
    "records.outside_new": "/records/outside/new",
    "records.outside_template": "/records/outside/template.xlsx",
    "records.outside_withdraw": POST,
    "records.plans_index": "/records/plans",
    "records.record_xlsx": lambda s: f"/records/officials/{s['official']}/record.xlsx",
    "records.remind": POST,
    "records.report": "/records/report",
    "records.report_xlsx": "/records/report.xlsx",
    "records.requirements_index": "/records/requirements",
    "records.revoke_api_token": POST,
    "records.switch_requirement": POST,
    # Before the verify pages: printing the transcript makes the code they look up.
    "records.transcript_pdf": lambda s: f"/records/officials/{s['official']}/transcript.pdf",
    "records.verify": lambda s: f"/records/verify/{_transcript_code()}",
    "records.verify_json": lambda s: f"/records/verify/{_transcript_code()}/signed.json",
    "records_api.official_record": ("api", f"/api/v1/officials/{LEARNER}/record"),
    "records_api.openapi": "/api/v1/openapi.json",
    "records_api.unit_summary": ("api", lambda s: f"/api/v1/units/{s['unit_code']}/summary"),
    "scheduler_admin.job": lambda s: f"/admin/jobs/{s['job']}",
    "scheduler_admin.jobs": "/admin/jobs/",
    "scorm.commit": POST,
    "scorm.content": lambda s: f"/scorm/{s['package']}/content/{s['package_launch']}",
    "scorm.learner": lambda s: f"/scorm/{s['package']}/report/{s['learner_user']}",
    "scorm.new_package": "/scorm/packages/new",
    "scorm.package": lambda s: f"/scorm/packages/{s['package']}",
    "scorm.packages": "/scorm/packages",
    "scorm.play": lambda s: f"/scorm/{s['package']}/play",
    "scorm.replace": POST,
    "scorm.report": lambda s: f"/scorm/{s['package']}/report",
    "scorm.reset": POST,
    "scorm.token": "/scorm/token",
    "static": "/static/css/app.css",
}
# Answers other than 200, and why.
EXPECTED_STATUS = {
    "auth.login": 302,  # signed in already: home
    "certificates.index": 302,  # to the register
    "certificates.class_zip": 302,  # the class has no certificate yet: back to its page, with a message
    "courses.follow_link": 302,  # to the linked site
    "courses.resume": 302,  # to the next activity
    "notifications.open_notification": 302,  # marked read, to what it is about
    "courses.stream_video": 404,  # the fixture course's video is on YouTube: nothing to stream (the 404 page)
    "password_reset.reset": 404,  # no real token is ever shown
    "quizzes.attempt": 302,  # submitted: to its review
    "quizzes.summary": 302,
}


def _transcript_code() -> str:
    from lms.records.models import Transcript
    return db.session.scalar(select(Transcript.code).order_by(Transcript.id.desc()))


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
        "package": package.id, "package_launch": package.launchable_items[0].launch.split("?")[0],
        "outside_credit": outside_credit, "job": collected_jobs(app)[0].id, "api_token": api_token,
        "behind": f"unit={unit.id}&year={local_today().year}&requirement={requirement.id}",
    }


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
    clients = {"admin": _log_in(app, ADMIN), "learner": _log_in(app, LEARNER),
               "api": app.test_client()}
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
