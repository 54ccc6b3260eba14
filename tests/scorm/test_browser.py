"""Browser journeys with the real packages: upload, play through their own pages, close the tab, resume, complete.

The app runs in a subprocess (`lms run`) on a fresh SQLite database; Debian's Chromium drives it
headless. The packages run in the sandboxed frame (an opaque origin) and reach the run-time (scorm-again,
in the player page) by postMessage only.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.a11y import assert_accessible
from tests.browser_support import login, require_chromium, set_expect_timeout, start_server
from tests.scorm.helpers import MULTI_ASSET_12, RUNTIME_2004, SINGLE_SCO_12, in_course, navigation_package

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LECTURER = ("giangvien@example.vn", "mat-khau-giang-vien")
OFFICIAL = ("CB000123", "mat-khau-can-bo")
TIMEOUT_MS = 20_000


def _seed_people():
    from lms.core.db import db
    from lms.core.models import Official, OfficialKind, Role, School, Unit, UnitLevel, User
    from lms.core.permissions import grant
    unit = Unit(code="SH", name_vi="Tỉnh Sơn Hà", level=UnitLevel.province, path="/")
    db.session.add(unit)
    db.session.flush()
    school = School(code="TCT-SH", name_vi="Trường Chính trị tỉnh Sơn Hà", unit_id=unit.id)
    official = Official(employee_code=OFFICIAL[0], full_name="Nguyễn Văn An", unit_id=unit.id,
                        kind=OfficialKind.civil_servant)
    db.session.add_all([school, official])
    db.session.flush()
    lecturer = User(email=LECTURER[0], display_name="Lê Thị Hoa")
    lecturer.set_password(LECTURER[1])
    grant(lecturer, Role.lecturer, school_id=school.id)
    learner = User(login_code=OFFICIAL[0], display_name="Nguyễn Văn An", official_id=official.id)
    learner.set_password(OFFICIAL[1])
    db.session.add_all([lecturer, learner])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    live = start_server(tmp_path_factory.mktemp("scorm-browser"))
    try:
        live.seed(_seed_people)
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def browser(server, chromium):
    set_expect_timeout(TIMEOUT_MS)
    return chromium


class Learner:
    """An official's browser context: opens the player, accepts the packages' "resume?" questions, and
    keeps every dialog so that a test can fail on an error alert from a SCO."""

    def __init__(self, browser, server):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page = self.context.new_page()
        login(page, server, *OFFICIAL)
        page.close()

    def open(self, package_id: int):
        page = self.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(f"{self.server.url}/scorm/{package_id}/play")
        return page

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    def alerts(self) -> list[str]:
        return [d for d in self.dialogs if d.startswith("alert")]

    def close(self):
        self.context.close()


def upload(browser, server, path) -> int:
    """The lecturer uploads the zip through the upload page; returns the package's id (the same zip
    uploaded again for the school opens the package it made the first time)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    login(page, server, *LECTURER)
    page.goto(server.url + "/scorm/packages/new")
    page.set_input_files("input[name=package]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    found = re.search(r"/scorm/packages/(\d+)$", page.url)
    assert found and page.locator(".flash-error").count() == 0, page.inner_text("main")[:500]
    assert_accessible(page, "the package page")
    context.close()
    server.seed(lambda: _in_a_course_of_the_learner(int(found.group(1))))
    return int(found.group(1))


def _in_a_course_of_the_learner(package_id: int) -> None:
    from sqlalchemy import select

    from lms.core.db import db
    from lms.core.models import User
    in_course(package_id, db.session.scalar(select(User).where(User.login_code == OFFICIAL[0])))


def stored(server, package_id: int) -> dict:
    """What the server has kept for the package: the latest attempt and its tracks by item."""
    def read():
        from sqlalchemy import select

        from lms.core.db import db
        from lms.scorm.models import ScormAttempt
        attempt = db.session.scalar(select(ScormAttempt).where(ScormAttempt.package_id == package_id)
                                    .order_by(ScormAttempt.number.desc()).limit(1))
        if attempt is None:
            return {}
        return {"attempt": {"number": attempt.number, "completed": attempt.completed, "passed": attempt.passed,
                            "score": attempt.score, "items_done": attempt.items_done, "last_item": attempt.last_item,
                            "reported": attempt.reported},
                "tracks": {t.item_identifier: {"cmi": dict(t.cmi), "status": t.status, "success": t.success,
                                               "completed": t.completed, "exit": t.exit, "score_raw": t.score_raw,
                                               "score_scaled": t.score_scaled, "seconds": t.total_seconds,
                                               "sessions": t.session_count}
                           for t in attempt.tracks}}
    return server.seed(read)


def wait_for(server, package_id: int, check, what: str, seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    data = {}
    while time.monotonic() < deadline:
        data = stored(server, package_id)
        try:
            if data and check(data):
                return data
        except KeyError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server never stored {what}: {data}")


def messages(page) -> dict:
    """The player's messages in the page's language (Vietnamese, the default)."""
    return page.evaluate("JSON.parse(document.getElementById('scorm-messages').textContent)")


def progress(page, done: int, total: int) -> str:
    return messages(page)["progress"] % {"done": done, "total": total}


def answer_the_quiz(quiz) -> None:
    """Tick every answer the golf quiz marks as correct (class correctAnswer) and submit."""
    quiz.locator("#frmTest").wait_for()
    radios = quiz.locator(".correctAnswer input[type=radio]")
    for index in range(radios.count()):
        radios.nth(index).check()
    numbers = quiz.locator(".correctAnswer input[type=text]")
    for index in range(numbers.count()):
        field = numbers.nth(index)
        expected = re.search(r"\((\d+)\)", field.locator("xpath=..").inner_text()).group(1)
        field.fill(expected)
    quiz.locator("input[type=button][value='Submit Answers']").click()


def golf_pages(version: str) -> int:
    return 16 if version == "1.2" else 15


@pytest.mark.parametrize("package, version, close_runs_beforeunload", [
    (SINGLE_SCO_12, "1.2", True), (RUNTIME_2004, "2004", False)], ids=["scorm12-single-sco", "scorm2004-runtime"])
def test_a_single_sco_package_resumes_after_the_tab_is_closed_and_completes(browser, server, package, version,
                                                                            close_runs_beforeunload):
    from playwright.sync_api import expect
    package_id = upload(browser, server, package)
    learner = Learner(browser, server)
    location = "cmi.core.lesson_location" if version == "1.2" else "cmi.location"
    try:
        page = learner.open(package_id)
        sco = page.frame_locator("#scorm-frame")
        lesson = sco.frame_locator("#contentFrame")
        expect(lesson.locator("h1")).to_have_text("Play of the game")
        assert_accessible(page, "the player")
        for title in ("Par", "Scoring", "Other Scoring Systems"):
            sco.locator("#butNext").click()
            expect(lesson.locator("h1")).to_have_text(title)
        # Close the tab without leaving the SCO: the bookmark must still reach the server.
        page.close(run_before_unload=close_runs_beforeunload)
        data = wait_for(server, package_id, lambda d: d["tracks"]["item_1"]["cmi"].get(location) == "3",
                        "the bookmark after the tab was closed")
        track = data["tracks"]["item_1"]
        assert track["status"] == "incomplete" and not track["completed"]
        if close_runs_beforeunload:
            # What the SCO sets in its own beforeunload (exit=suspend) crosses the frame by message, which the
            # closing page may not process before its last beacon; the time spent is the player's own.
            assert track["seconds"] > 0 and track["exit"] in ("suspend", "")

        page = learner.open(package_id)
        sco = page.frame_locator("#scorm-frame")
        lesson = sco.frame_locator("#contentFrame")
        expect(lesson.locator("h1")).to_have_text("Other Scoring Systems")  # resumed where the official left
        assert any("resume from where you previously left off" in d for d in learner.dialogs)
        for _ in range(golf_pages(version) - 4):
            sco.locator("#butNext").click()
        expect(sco.locator("#butNext")).to_be_disabled()
        expect(lesson.locator("h1")).to_have_text("Knowledge Check")
        answer_the_quiz(lesson)
        expect(lesson.locator("#test")).to_contain_text("Score: 100")
        sco.locator("#butExit").click()
        if version == "2004":
            expect(page.locator("#scorm-ended")).to_be_visible()  # the SCO asked to exit: the content goes
        data = wait_for(server, package_id, lambda d: d["attempt"]["completed"], "the completed attempt")
        track = data["tracks"]["item_1"]
        if version == "1.2":
            assert (track["status"], track["score_raw"]) == ("passed", 100.0)
        else:
            assert (track["status"], track["success"], track["score_scaled"]) == ("completed", "passed", 1.0)
        assert data["attempt"]["passed"] is True and data["attempt"]["score"] == 1.0
        assert data["attempt"]["reported"] == "1:True:1.0"  # activity_completed was sent with this outcome
        expect(page.locator("#scorm-progress")).to_have_text(progress(page, 1, 1))
        assert learner.alerts() == [] and learner.errors == []
    finally:
        learner.close()


def test_a_multi_item_package_moves_resumes_and_completes(browser, server):
    from playwright.sync_api import expect
    package_id = upload(browser, server, MULTI_ASSET_12)
    learner = Learner(browser, server)
    current = 'a[data-item][aria-current]'
    try:
        page = learner.open(package_id)
        content = page.frame_locator("#scorm-frame")
        expect(page.locator(current)).to_have_text("How to Play")
        expect(content.locator("h1")).to_have_text("Play of the game")
        assert page.locator("a[data-item]").count() == 18
        page.click('a[data-item="playing_par_item"]')
        expect(page.locator(current)).to_have_attribute("data-item", "playing_par_item")
        expect(content.locator("h1")).to_have_text("Par")
        page.click("#scorm-next")
        expect(page.locator(current)).to_have_attribute("data-item", "playing_scoring_item")
        expect(content.locator("h1")).to_have_text("Scoring")
        page.close()
        wait_for(server, package_id, lambda d: d["attempt"]["last_item"] == "playing_scoring_item"
                 and d["attempt"]["items_done"] == 3, "the items seen before the tab was closed")

        page = learner.open(package_id)
        content = page.frame_locator("#scorm-frame")
        expect(page.locator(current)).to_have_attribute("data-item", "playing_scoring_item")
        expect(content.locator("h1")).to_have_text("Scoring")
        expect(page.locator("#scorm-progress")).to_have_text(progress(page, 3, 18))
        page.click('a[data-item="playing_playing_item"]')  # back to the start, then Next through everything
        expect(page.locator(current)).to_have_attribute("data-item", "playing_playing_item")
        order = page.evaluate("JSON.parse(document.getElementById('scorm-state').textContent).order")
        for item in order[1:]:
            page.click("#scorm-next")
            expect(page.locator(current)).to_have_attribute("data-item", item)
            if item == "playing_quiz_item":  # launched with parameters="?questions=Playing"
                expect(content.locator("body")).to_contain_text("The rules of golf are maintained by")
        expect(page.locator("#scorm-next")).to_be_disabled()
        data = wait_for(server, package_id, lambda d: d["attempt"]["completed"], "the completed package")
        assert data["attempt"]["items_done"] == 18 and all(t["completed"] for t in data["tracks"].values())
        expect(page.locator("#scorm-progress")).to_have_text(progress(page, 18, 18))
        assert learner.alerts() == [] and learner.errors == []
        page.close()

        # The lecturer reads the report, then resets the official's attempt; the next launch starts afresh.
        lecturer = browser.new_context()
        report = lecturer.new_page()
        report.set_default_timeout(TIMEOUT_MS)
        login(report, server, *LECTURER)
        report.goto(f"{server.url}/scorm/{package_id}/report")
        rows = report.locator("table.scorm-report tbody tr")
        expect(rows).to_have_count(19)  # the package as a whole, then its 18 items
        expect(rows.first).to_contain_text(OFFICIAL[0])
        assert_accessible(report, "the report")
        report.locator("table.scorm-report a").first.click()  # the official's attempts
        expect(report.locator("h1")).to_contain_text("Nguyễn Văn An")
        assert_accessible(report, "the official's attempts")
        with report.expect_navigation():
            report.locator("form[action$='/reset'] button").click()
        expect(report.locator(".flash-success")).to_be_visible()
        lecturer.close()
        page = learner.open(package_id)
        expect(page.locator(current)).to_have_attribute("data-item", "playing_playing_item")
        fresh = page.evaluate("JSON.parse(document.getElementById('scorm-state').textContent)")
        assert (fresh["attempt"], fresh["done"]) == (2, 0)
        wait_for(server, package_id, lambda d: d["attempt"]["number"] == 2 and d["attempt"]["items_done"] == 1,
                 "the new attempt")
    finally:
        learner.close()


def test_on_a_phone_the_contents_fold_away(browser, server):
    from playwright.sync_api import expect
    package_id = upload(browser, server, MULTI_ASSET_12)
    learner = Learner(browser, server)
    try:
        phone = learner.context.browser.new_context(viewport={"width": 360, "height": 740})
        page = phone.new_page()
        login(page, server, *OFFICIAL)
        page.goto(f"{server.url}/scorm/{package_id}/play")
        expect(page.frame_locator("#scorm-frame").locator("h1")).to_have_text(re.compile(r"\S"))
        assert page.evaluate("document.getElementById('scorm-contents').open") is False
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
        assert_accessible(page, "the player on a phone")
        phone.close()
    finally:
        learner.close()


def test_2004_navigation_requests_flow_and_choice(browser, server, tmp_path):
    """A package of our own: SCOs move by navigation requests; the contents follow the control modes."""
    from playwright.sync_api import expect
    package_id = upload(browser, server, navigation_package(tmp_path / "navigation.zip"))
    learner = Learner(browser, server)
    try:
        page = learner.open(package_id)
        sco = page.frame_locator("#scorm-frame")
        expect(sco.locator("#name")).to_have_text("intro")
        expect(sco.locator("#valid")).to_have_text("continue=true previous=false choice-intro=true "
                                                    "choice-lesson=false")
        assert page.locator('a[data-item="extra"]').count() == 0  # hidden from the contents
        expect(page.locator('a[data-item="lesson"]')).to_have_attribute("aria-disabled", "true")
        page.click('a[data-item="lesson"]', force=True)  # aria-disabled: its cluster does not allow choice
        expect(page.locator("#scorm-message")).to_have_text(messages(page)["notAllowed"])
        sco.locator("#continue").click()
        expect(sco.locator("#name")).to_have_text("lesson")
        expect(page.locator("#scorm-previous")).to_be_hidden()  # hideLMSUI previous
        sco.locator("#continue").click()
        expect(sco.locator("#name")).to_have_text("extra")  # hidden, yet in the flow
        sco.locator("#intro").click()
        expect(sco.locator("#name")).to_have_text("intro")
        expect(sco.locator("#entry")).to_have_text("entry=resume location=seen-intro")
        sco.locator("#exit-all").click()
        expect(page.locator("#scorm-ended")).to_be_visible()
        page.click("#scorm-resume")
        expect(sco.locator("#name")).to_have_text("intro")
        data = wait_for(server, package_id, lambda d: d["attempt"]["completed"], "the completed package")
        assert {k: t["cmi"]["cmi.location"] for k, t in data["tracks"].items()} == {
            "intro": "seen-intro", "lesson": "seen-lesson", "extra": "seen-extra"}
        assert learner.alerts() == [] and learner.errors == []
    finally:
        learner.close()
