"""In Chromium, the Content-Security-Policy holds on the pages each role reaches: every demo account follows the
links of its pages (one page per URL shape, so a list of fifty officials costs one visit) and the CSP watch
(tests/browser_support.py) fails the test on any securitypolicyviolation. The watch itself is tested first."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser_support import CSP_WATCH, LMS, login, require_chromium, start_server

pytestmark = pytest.mark.browser
PASSWORD = "sonha-demo-2026"
ROLES = ["admin@sonha.example.vn", "giangvien@sonha.example.vn", "truong@sonha.example.vn",
         "quanly@sonha.example.vn", "CB00001"]
PAGES_PER_ROLE = 60
# Links a crawl must not follow: they leave the site, or end the session.
SKIP = re.compile(r"^/(logout|static/)|\.(xlsx|pdf|zip|json|jwt)$|/export$|/go$|/file$|/stream$")


@pytest.fixture(scope="module")
def demo():
    require_chromium()
    folder = Path(tempfile.mkdtemp(prefix="lms-csp-"))
    live = start_server(folder / "instance")
    try:
        seeded = subprocess.run([str(LMS), "demo", "seed"], env=live.env, capture_output=True, text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        yield live
    finally:
        live.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/#", path.split("?")[0].split("#")[0])


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = [href[len(base):] if href.startswith(base) else href for href in hrefs]
    return [path for path in paths
            if path.startswith("/") and not path.startswith("//") and not SKIP.search(path.split("?")[0])]


def test_the_watch_fails_a_page_that_breaks_its_policy(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.route("http://csp.test/", lambda route: route.fulfill(
        body="<p>x</p><script>document.title = 'ran'</script>", content_type="text/html",
        headers={"Content-Security-Policy": "script-src 'none'"}))
    page.goto("http://csp.test/")
    page.wait_for_timeout(200)
    context.close()
    found, CSP_WATCH.violations[:] = list(CSP_WATCH.violations), []
    assert found and "script-src-elem blocked inline" in found[0]


@pytest.mark.parametrize("identifier", ROLES)
def test_the_pages_a_role_reaches_keep_the_policy(chromium, demo, identifier):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, demo, identifier, PASSWORD)
    queue, seen, visited = ["/"], set(), 0
    while queue and visited < PAGES_PER_ROLE:
        path = queue.pop(0)
        if _shape(path) in seen:
            continue
        seen.add(_shape(path))
        answer = page.goto(demo.url + path)
        visited += 1
        if answer is not None and answer.headers.get("content-type", "").startswith("text/html"):
            queue += _links(page, demo.url)
    context.close()
    assert visited > 5, f"{identifier} reached only {sorted(seen)}"
    assert not errors, f"script errors for {identifier}: {errors}"
