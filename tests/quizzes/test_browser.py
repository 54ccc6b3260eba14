"""A real Chromium takes a timed quiz: answers saved as given, kept on the device while offline, sent
after the browser is closed and opened again, and the attempt submits itself when the server's time is up.

The app is served by a werkzeug server on a free port in a thread, over the test database.
"""
from __future__ import annotations

import shutil
import threading
import time
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from lms.core.db import db, utcnow
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState
from tests.browser_support import CSP_WATCH
from tests.quizzes.conftest import in_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT_MS = 20_000


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if path is None:
        pytest.skip("Chromium is not installed on this machine")
    return path


class Network:
    """The network between the phone and the server. Chromium's offline emulation alone cannot stand for it:
    it belongs to the DevTools session, which ends as a page or context closes; the dying page then sees
    "online" and its handler sends what it kept. While the network is down here, nothing reaches the app."""

    def __init__(self, app):
        self.app = app
        self.down = threading.Event()

    def __call__(self, environ, start_response):
        if self.down.is_set():
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the network is down"]
        return self.app(environ, start_response)


@pytest.fixture
def network(app):
    return Network(app)


@pytest.fixture
def live_server(app, network):
    server = make_server("127.0.0.1", 0, network, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _log_in(page, base, user):
    page.goto(f"{base}/login")
    page.fill("input[name=identifier]", user.email)
    page.fill("input[name=password]", "correct horse")
    page.locator("main form button").first.click()
    page.wait_for_load_state()


def _response(aq_id):
    db.session.expire_all()
    return db.session.get(AttemptQuestion, aq_id).response


def _wait_for(predicate, seconds=15):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.usefixtures("chromium")  # its CSP watch fails the test on a violation in this browser too
def test_a_timed_attempt_survives_a_closed_browser_and_submits_itself(app, live_server, network, official_user,
                                                                      make_quiz, make_question, tmp_path,
                                                                      playwright_driver):
    from playwright.sync_api import expect
    expect.set_options(timeout=TIMEOUT_MS)
    quiz = make_quiz([make_question("true_false", name=n) for n in "ABC"], time_limit_minutes=30,
                     questions_per_page=0)
    in_course(quiz, official_user)
    quiz_id = quiz.id
    db.session.commit()
    profile = tmp_path / "profile"
    # A browser of its own, with a profile on disk: closing it must close the whole browser, as a phone does.
    options = dict(executable_path=chromium_path(), headless=True, args=["--no-sandbox"],
                   viewport={"width": 390, "height": 844})
    context = playwright_driver.chromium.launch_persistent_context(str(profile), **options)
    CSP_WATCH.watch(context)
    page = context.new_page()
    _log_in(page, live_server, official_user)
    page.goto(f"{live_server}/quizzes/{quiz_id}")
    page.locator("main form button.button").first.click()
    page.wait_for_url("**/quizzes/attempts/*")
    attempt = db.session.scalar(db.select(Attempt).where(Attempt.quiz_id == quiz_id))
    first, second, third = [aq.id for aq in attempt.questions]
    page.locator(f"#q{first} input[value=true]").check()
    expect(page.locator(f"#q{first} [data-save-state]")).to_have_text("Đã lưu")
    assert _response(first) is True

    context.set_offline(True)  # the network drops
    network.down.set()
    page.locator(f"#q{second} input[value=false]").check()
    expect(page.locator(f"#q{second} [data-save-state]")).to_contain_text("Mất kết nối")
    page.locator("[name=go][value=summary]").first.click()  # moving on while offline keeps the page
    expect(page.locator("[data-connection]")).to_contain_text("mất kết nối")
    context.close()  # ... and the browser is closed
    assert _response(second) is None
    network.down.clear()

    context = playwright_driver.chromium.launch_persistent_context(str(profile), **options)
    CSP_WATCH.watch(context)
    page = context.new_page()
    _log_in(page, live_server, official_user)
    page.goto(f"{live_server}/quizzes/attempts/{attempt.id}")
    expect(page.locator(f"#q{second} input[value=false]")).to_be_checked()  # kept on the device
    assert _wait_for(lambda: _response(second) is False), "the answer kept offline was never sent"

    page.locator(f"#q{third} input[value=true]").check()
    expect(page.locator(f"#q{third} [data-save-state]")).to_have_text("Đã lưu")

    # The time runs out on the server's clock: the page counts down what the server says and submits.
    db.session.execute(Attempt.__table__.update().where(Attempt.id == attempt.id)
                       .values(deadline=utcnow() + timedelta(seconds=6)))
    db.session.commit()
    page.reload()
    expect(page.locator("[data-countdown-text]")).not_to_have_text("29:", timeout=5000)
    page.wait_for_url("**/review", timeout=TIMEOUT_MS)
    context.close()
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert done.state is AttemptState.graded and done.submit_reason == "timeout"
    assert [aq.response for aq in done.questions] == [True, False, True]
    assert done.score == pytest.approx(2 / 3)
