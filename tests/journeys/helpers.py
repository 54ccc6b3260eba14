"""Helpers of the journeys: a person's browser context, screenshots, the quiz's answer key."""
from __future__ import annotations

import re
import time
from pathlib import Path

from tests.a11y import assert_accessible
from tests.browser_support import login

TIMEOUT_MS = 30_000  # the CI machine has 2 cores: be generous, never sleep
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "sonha-demo-2026"  # every demo account's (lms/core/demo.py)


class Actor:
    """One person's browser context, logged in through the log-in form."""

    def __init__(self, browser, server, identifier: str, *, viewport=DESKTOP, password: str = PASSWORD):
        self.server = server
        self.viewport = dict(viewport)
        self.context = browser.new_context(viewport=self.viewport, locale="vi-VN", accept_downloads=True,
                                           device_scale_factor=1)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.set_default_navigation_timeout(TIMEOUT_MS * 2)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        login(self.page, server, identifier, password)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.accept()

    def url(self, path: str = "") -> str:
        return self.server.url + path

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def check(self, label: str) -> None:
        """No serious or critical axe violation on the page as it is now; at phone width, nothing wider
        than the screen (which would make the page scroll sideways on a phone)."""
        page = self.page
        page.wait_for_load_state("load")
        assert_accessible(page, f"{label} ({self.path()} at {page.viewport_size['width']}px)")
        width = page.viewport_size["width"]
        if width <= PHONE["width"]:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{label} ({self.path()}) is {scroll}px wide on a {width}px screen"
        assert not self.errors, f"script errors on {label}: {self.errors}"

    def shot(self, name: str, label: str | None = None, show=None) -> None:
        """Check the page and save it at phone and desktop sizes (the viewport only), then go back to the
        actor's own size. `show`: a locator to scroll to the top of the screenshot (else the page's top)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        page = self.page
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.evaluate("window.scrollTo(0, 0)")
            if show is not None:
                show.first.evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -12); }")
            self.check(f"{label or name} at {size} size")
            target = SHOTS / f"{name}-{size}.png"
            page.screenshot(path=str(target), animations="disabled", caret="hide")
            _shrink(target)
        page.set_viewport_size(self.viewport)

    def close(self) -> None:
        self.context.close()


def _shrink(path: Path) -> None:
    """Keep committed screenshots small: a 256-colour palette is plenty for these pages."""
    from PIL import Image
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def follow_menu(page, name: str) -> None:
    """Follow a link of the main menu as a person does: on a phone, open the menu with its button first."""
    from playwright.sync_api import expect
    toggle = page.get_by_role("button", name="Trình đơn")
    if toggle.is_visible():
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name, exact=True).click()


def answer_key(server, attempt_id: int) -> dict[int, tuple[str, list[str]]]:
    """For each question of the attempt (by its field id `q<id>` on the page), the type and the values of
    the inputs to pick for a full mark. Read from the server's database: the journey still answers by
    clicking or typing."""
    def read():
        from sqlalchemy import select

        from lms.core.db import db
        from lms.quizzes.models import AttemptQuestion
        key = {}
        for aq in db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)):
            data, qtype = aq.question.data, aq.question.qtype
            if qtype == "true_false":
                key[aq.id] = (qtype, ["true" if data["answer"] else "false"])
            elif qtype == "single_choice":
                best = max(o["fraction"] for o in data["options"])
                key[aq.id] = (qtype, [next(o["id"] for o in data["options"] if o["fraction"] >= best - 1e-9)])
            elif qtype == "multiple_choice":
                key[aq.id] = (qtype, [o["id"] for o in data["options"] if o["fraction"] > 0])
            else:
                raise AssertionError(f"the journey cannot answer a {qtype} question")
        return key
    return server.seed(read)


def attempt_id_of(page) -> int:
    found = re.search(r"/quizzes/attempts/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def wait_until(check, what: str, seconds: float = 30):
    """Poll the server's database (not the page) until `check()` is true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"never happened: {what}")


def questions_on_page(page) -> list[int]:
    """The attempt questions shown on the page, by their ids (fieldset `#q<id>`)."""
    return [int(i[1:]) for i in page.locator("fieldset.question").evaluate_all("els => els.map(e => e.id)")]


def answer_by_tapping(page, key, question_id: int) -> None:
    """Pick the right answer(s) of one question by clicking their labels, as a finger would."""
    qtype, values = key[question_id]
    for value in values:
        choice = page.locator(f"#q{question_id} input[value='{value}']")
        choice.check()


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches `selector` (fails if it is never reached)."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def answer_by_keyboard(page, key, question_id: int) -> None:
    """Reach the question with Tab and answer it with the keys alone: arrows move the choice within a
    radio group, Space ticks a checkbox."""
    qtype, values = key[question_id]
    if qtype == "multiple_choice":
        for value in values:
            tab_to(page, f"#q{question_id} input[value='{value}']")
            page.keyboard.press("Space")
        return
    target = page.locator(f"#q{question_id} input[value='{values[0]}']")
    tab_to(page, f"#q{question_id} input[type=radio]")
    count = page.locator(f"#q{question_id} input[type=radio]").count()
    for _ in range(count + 1):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never picked {values[0]} in question {question_id}")
