"""The learner's and the lecturer's pages in a real Chromium at phone width: nothing wider than the
screen, no serious accessibility problem (axe-core), and the lesson editor's live preview works."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timezone

import pytest
from werkzeug.serving import make_server

from lms.core.db import db
from lms.courses.models import ClassMode, ClassSession, CourseClass
from lms.courses.services import classes
from lms.courses.services.enrolment import enrol
from tests.a11y import AXE, assert_accessible

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None or not AXE.exists():
    pytest.skip("Chromium or axe-core is missing (make test installs both)", allow_module_level=True)


@pytest.fixture
def server(app):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    try:
        yield context.new_page()
    finally:
        context.close()


def _log_in(page, base, identifier):
    page.goto(f"{base}/login")
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=password]", "correct horse")
    page.click("form button[type=submit], form .button")
    page.wait_for_load_state()


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide at a 360px screen"


def test_learner_and_lecturer_pages_on_a_phone(app, imported, learner, make_user, school, server, phone):
    enrol(learner.id, imported)
    teacher = make_user("gv@example.vn", name="ThS. Phạm Quang Huy",
                        roles=[("lecturer", {"school_id": school.id}), ("school_admin", {"school_id": school.id})])
    course_class = CourseClass(course_id=imported.id, code="L-01", title_vi="Lớp tin học", school_id=school.id,
                               mode=ClassMode.in_person)
    db.session.add(course_class)
    db.session.flush()
    classes.set_lecturers(course_class, [teacher.id])
    classes.enrol_users(course_class, [(learner.id, "CB1")], classes.EnrolReport())
    session = ClassSession(class_id=course_class.id, starts_at=datetime(2025, 9, 2, 0, 30, tzinfo=timezone.utc))
    db.session.add(session)
    db.session.commit()

    _log_in(phone, server, learner.email)
    for path in ("/courses/my", "/courses/", "/courses/c/tin-hoc-van-phong", "/courses/c/tin-hoc-van-phong/a/bai-1"):
        phone.goto(server + path)
        _fits(phone)
        assert_accessible(phone, path)
    assert phone.locator("table").count() >= 1  # the lesson's table is there, inside the page's width

    phone.context.clear_cookies()
    _log_in(phone, server, teacher.email)
    for path in (f"/courses/classes/{course_class.id}", f"/courses/classes/{course_class.id}/sessions/{session.id}",
                 f"/courses/classes/{course_class.id}/report", "/courses/author/c/tin-hoc-van-phong"):
        phone.goto(server + path)
        _fits(phone)
        assert_accessible(phone, path)
    phone.goto(f"{server}/courses/classes/{course_class.id}/sessions/{session.id}")
    phone.check("input[type=radio][value=late]")
    phone.click("text=Lưu điểm danh")
    assert phone.locator("input[type=radio][value=late]").is_checked()

    phone.goto(f"{server}/courses/author/c/tin-hoc-van-phong/a/bai-1")
    phone.fill("#body_vi", "## Xem trước\n\n<script>alert(1)</script>**đậm**")
    phone.wait_for_selector("#preview h2")
    shown = phone.inner_html("#preview")
    assert "<h2>Xem trước</h2>" in shown and "<strong>đậm</strong>" in shown and "script" not in shown
