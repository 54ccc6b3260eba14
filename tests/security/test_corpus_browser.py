"""The hostile corpus pushed through every field a user can fill or import, then every page that shows
them opened in Chromium, as an administrator and as a learner: nothing may run.

The browser context bypasses the Content-Security-Policy, so what is checked here is the platform's own
escaping and its sanitiser, not the policy that would stop a slip. A page fails on any detector call
(`top.__xss(ID)`, alert, confirm, prompt, print, window.open), any dialog, pop-up or navigation away, any
request a payload aims at, any hostile construct left in its DOM for a click or a hover to fire, and any
server error. The pages are the ones seeding names (every page that shows a field of the corpus) and, from
them, one page of each route their links reach.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from lms.core.db import db
from lms.quizzes.models import Question
from tests.security.payloads import PAYLOADS, one_line, printable
from tests.security.seed import Seeded, seed_corpus

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

HERE = Path(__file__).parent
DETECTOR = (HERE / "detector.js").read_text()
DOM_AUDIT = (HERE / "dom_audit.js").read_text()
PER_ENDPOINT = 1  # pages visited per route found by following links: each template seen, time bounded
MAX_PAGES = 160
# Downloads and endpoints that answer with something other than a page (or act on a GET).
NOT_A_PAGE = re.compile(r"\.(pdf|xlsx|zip|json|jwt|png|csv|txt|xml)$|/(pdf|export|file|stream|go|state|token|logout|"
                        r"evidence|resume)$|/assets/|/content/|/verify/keys/")
AIMED_AT = re.compile(r"attacker\.invalid|nav-away-|popup-")


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


class Watch:
    """One person's browser context with the detector in every frame and every way of running noted."""

    def __init__(self, chromium, base: str, app) -> None:
        self.base = base
        self.routes = app.url_map.bind("127.0.0.1")
        self.hits: list[str] = []
        self.expected = ""  # the page being visited, to name it in a hit
        self.visited: dict[str, list[str]] = {}
        self.context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        self.context.add_init_script(DETECTOR)
        self.context.on("request", self._request)
        self.page = self.context.new_page()
        self.context.on("page", lambda page: self.hits.append(f"pop-up {page.url} from {self.expected}"))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        self.page.on("framenavigated", self._navigated)

    def _request(self, request) -> None:
        if AIMED_AT.search(request.url):
            self.hits.append(f"request {request.url} from {self.expected}")

    def _console(self, message) -> None:
        if message.text.startswith("XSS-HIT"):
            self.hits.append(f"{message.text} on {self.expected}")

    def _dialog(self, dialog) -> None:
        self.hits.append(f"dialog {dialog.type} {dialog.message!r} on {self.expected}")
        dialog.dismiss()

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and self.expected and urlsplit(frame.url).netloc != urlsplit(self.base).netloc:
            self.hits.append(f"navigated away to {frame.url} from {self.expected}")

    def log_in(self, identifier: str) -> None:
        self.page.goto(f"{self.base}/login")
        self.page.fill("input[name=identifier]", identifier)
        self.page.fill("input[name=password]", "correct horse")
        with self.page.expect_navigation():
            self.page.click("form button[type=submit]")
        assert not self.page.url.rstrip("/").endswith("/login"), f"{identifier} could not log in"

    def endpoint(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc != urlsplit(self.base).netloc or NOT_A_PAGE.search(parts.path):
            return None
        try:
            endpoint, _ = self.routes.match(parts.path, method="GET")
        except Exception:  # noqa: BLE001  (a link to a POST-only route, a redirect rule, an unknown path)
            return None
        return endpoint

    def visit(self, url: str) -> list[str]:
        """Open `url`, let its payloads have their chance, audit every frame; returns the page's links."""
        self.expected = url
        try:
            answer = self.page.goto(url, wait_until="load")
        except Exception as error:  # noqa: BLE001
            if "Download is starting" in str(error):
                return []  # a file, not a page
            raise
        self.page.wait_for_timeout(50)  # autofocus and animation events (images' errors come before load)
        for frame in self.page.frames:
            try:
                left = frame.evaluate(DOM_AUDIT)
            except Exception:  # noqa: BLE001  (a sandboxed or cross-origin frame: nothing of ours can run there)
                continue
            self.hits.extend(f"{item} on {url}" for item in left)
        if answer is not None and answer.status >= 500:
            self.hits.append(f"server error {answer.status} on {url}")  # a payload must not break a page either
        if answer is None or "text/html" not in (answer.headers.get("content-type") or ""):
            return []
        return self.page.eval_on_selector_all(
            "a[href]", "links => links.filter(a => a instanceof HTMLAnchorElement).map(a => a.href)")

    def crawl(self, start: list[str]) -> None:
        """Every page of `start`, then breadth first over their same-origin links, at most PER_ENDPOINT
        pages of each route found that way."""
        queue = [(urljoin(self.base, path), True) for path in start]
        seen: set[str] = set()
        while queue and sum(len(v) for v in self.visited.values()) < MAX_PAGES:
            url, chosen = queue.pop(0)
            url = url.split("#")[0]
            endpoint = self.endpoint(url)
            if url in seen or endpoint is None or (not chosen and len(self.visited.get(endpoint, [])) >= PER_ENDPOINT):
                continue
            seen.add(url)
            self.visited.setdefault(endpoint, []).append(url)
            queue.extend((link, False) for link in self.visit(url))

    def close(self) -> None:
        self.context.close()


def test_nothing_in_the_corpus_runs_on_any_page(app, server, chromium, tmp_path):
    seeded: Seeded = seed_corpus(tmp_path)
    db.session.commit()

    admin = Watch(chromium, server, app)
    learner = Watch(chromium, server, app)
    try:
        _detector_works(admin)
        admin.log_in(seeded.admin_email)
        _edit_in_the_browser(admin, seeded)
        admin.crawl(seeded.admin_pages)
        learner.log_in(seeded.learner_email)
        learner.crawl(seeded.learner_pages)
        _titles_reach_the_page(admin, seeded)
        hits = admin.hits + learner.hits
        assert not hits, "\n".join(sorted(set(hits))[:60])
        for watch, pages in ((admin, seeded.admin_must_see), (learner, seeded.learner_must_see)):
            missing = set(pages) - set(watch.visited)
            assert not missing, f"pages with the corpus that the crawl did not reach: {sorted(missing)}"
    finally:
        admin.close()
        learner.close()


def _edit_in_the_browser(admin: Watch, seeded: Seeded) -> None:
    """The lesson editor's live preview and its save, and the question form, with the whole corpus."""
    page = admin.page
    admin.visit(f"{admin.base}{seeded.lesson_editor}")
    page.fill("#body_vi", seeded.joined)
    page.wait_for_selector("#preview hr")
    page.wait_for_timeout(300)
    admin.hits.extend(f"{item} in the live preview" for item in page.evaluate(DOM_AUDIT))
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    admin.visit(page.url)

    admin.visit(f"{admin.base}{seeded.question_form}")
    page.fill("#name", one_line(PAYLOADS[-1].text))
    page.fill("#text", seeded.joined)
    page.select_option("#text_format", "html")
    page.fill("#general_feedback", seeded.joined)
    rows = page.locator("input[id$='-text'][id^='row-']")
    for index in range(rows.count()):
        payload = PAYLOADS[index * 7 % len(PAYLOADS)]
        page.fill(f"#row-{index}-text", one_line(payload.text))
        page.fill(f"#row-{index}-feedback", one_line(payload.text))
        page.fill(f"#row-{index}-fraction", "100" if index == 0 else "0")
    with page.expect_navigation():
        page.click("form button.button:not(.secondary)")
    saved = db.session.scalars(select(Question).order_by(Question.id.desc()).limit(1)).one()
    assert saved.text_format == "html" and saved.text.count("<hr>") == len(PAYLOADS) - 1, "the form did not save"
    for path in (f"/quizzes/questions/{saved.id}", f"/quizzes/questions/{saved.id}/edit"):
        admin.visit(admin.base + path)


def _titles_reach_the_page(admin: Watch, seeded: Seeded) -> None:
    """The test is only as good as its fields: every payload's text reaches the course page, as text, in
    its section's and activity's titles."""
    admin.visit(f"{admin.base}{seeded.course_page}")
    shown = admin.page.inner_text("main")
    missing = [p.name for p in PAYLOADS if p.call() in printable(p.text) and p.call() not in shown]
    assert not missing, f"payloads missing from the course page: {missing}"


def _detector_works(watch: Watch) -> None:
    """The hooks see a payload that does run (here, on a page of our own making) and are then reset."""
    watch.page.set_content("<img src=x onerror=top.__xss(1)><script>alert(2)</script>")
    watch.page.wait_for_timeout(100)
    assert any("call 1" in hit for hit in watch.hits) and any("alert 2" in hit for hit in watch.hits), watch.hits
    watch.hits.clear()
