"""A package that tries to act as its learner gets nothing, and still plays and tracks.

Its script reads cookies, storage and the player page, posts to the platform's routes (log-out, an admin
page, the commit endpoint), opens a platform page and reads the home page; then it plays as a SCO should.
It also sends the player a broken message and a flood. Asserted from the package, from the player page,
from what reached the server (no session cookie) and from the server's state (nothing changed but the
package's own tracking)."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.scorm.helpers import package_zip
from tests.scorm.test_browser import (  # noqa: F401  (the module's fixtures)
    TIMEOUT_MS,
    Learner,
    browser,
    messages,
    server,
    stored,
    upload,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Gói thử</title></head><body>
<h1>Gói thử nghiệm</h1>
<pre id="report"></pre>
<button type="button" id="broken">broken</button> <button type="button" id="flood">flood</button>
<script>
var PLATFORM = %(platform)s, PACKAGE = %(package)s, report = {};
function attempt(name, work) {
  try { report[name] = String(work()); } catch (error) { report[name] = "blocked: " + error.name; }
}
attempt("cookie", function () { return document.cookie; });
attempt("storage", function () { return localStorage.length; });
attempt("topTitle", function () { return window.top.document.title; });
attempt("topForms", function () { return window.top.document.forms.length; });
attempt("topApi", function () { return typeof window.top.API; });
attempt("opened", function () { return window.open(PLATFORM + "/").document.title; });
var body = JSON.stringify({item: "i1", attempt: 1, session: "evil", seq: 1,
                           values: [["cmi.core.lesson_location", "evil"]]});
var requests = ["/logout", "/admin/", "/scorm/" + PACKAGE + "/commit"].map(function (path) {
  return fetch(PLATFORM + path, {method: "POST", credentials: "include", mode: "no-cors", body: body})
    .then(function () { return path + ": sent"; }, function (error) { return path + ": " + error.name; });
});
requests.push(fetch(PLATFORM + "/", {credentials: "include"}).then(function (answer) { return answer.text(); })
  .then(function (text) { return "home: read " + text.length; }, function (error) { return "home: " + error.name; }));
Promise.all(requests).then(function (results) {
  report.requests = results;
  report.initialized = API.LMSInitialize("");
  API.LMSSetValue("cmi.core.lesson_location", "page-2");
  API.LMSSetValue("cmi.core.score.raw", "90");
  API.LMSSetValue("cmi.core.lesson_status", "passed");
  API.LMSCommit("");
  document.getElementById("report").textContent = JSON.stringify(report);
});
document.getElementById("broken").onclick = function () {
  window.top.postMessage({messageId: 7, method: ["LMSSetValue"]}, "*");
};
document.getElementById("flood").onclick = function () {
  for (var i = 0; i < 3000; i++) {
    window.top.postMessage({messageId: "f" + i, method: "LMSGetValue", params: ["cmi.core.lesson_location"]}, "*");
  }
};
</script></body></html>
"""


def hostile_package(path, platform: str, package_id: int):
    page = HOSTILE % {"platform": json.dumps(platform), "package": package_id}
    return package_zip(path, extra={"index.html": page})


def test_a_hostile_package_gets_nothing_and_still_plays_and_tracks(browser, server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect
    # Its id is known before the upload: the ids of this module's server are counted.
    upload(browser, server, package_zip(tmp_path / "first.zip"))
    package_id = upload(browser, server, hostile_package(tmp_path / "hostile.zip", server.url, 2))
    assert package_id == 2
    learner = Learner(browser, server)
    seen = []
    try:
        page = learner.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda request: seen.append(request))  # before the package loads: it acts at once
        page.on("dialog", learner._dialog)
        page.goto(f"{server.url}/scorm/{package_id}/play")
        sco = page.frame_locator("#scorm-frame")
        expect(sco.locator("#report")).not_to_be_empty(timeout=TIMEOUT_MS)
        report = json.loads(sco.locator("#report").text_content())

        # From the package: nothing of the platform's is readable.
        assert "session=" not in report["cookie"]
        for name in ("storage", "topTitle", "topForms", "topApi", "opened"):
            assert report[name].startswith("blocked: "), (name, report[name])
        assert "home: TypeError" in report["requests"]  # the platform's page is not the package's to read
        assert report["initialized"] == "true"

        # The package still tracks, through the run-time only.
        data = wait_for(server, package_id, lambda d: d["tracks"]["i1"]["cmi"].get("cmi.core.lesson_location")
                        == "page-2", "the package's own commit")
        assert data["tracks"]["i1"]["status"] == "passed" and data["tracks"]["i1"]["score_raw"] == 90.0

        # The player takes calls from its package frame only: not from its own window.
        page.evaluate("""window.postMessage({messageId: 'forged', method: 'LMSSetValue',
                                             params: ['cmi.core.lesson_location', 'forged']}, '*')""")
        # A broken call and a flood get a message; what was saved stays saved.
        sco.locator("#broken").click()
        expect(page.locator("#scorm-message")).to_have_text(messages(page)["broken"])
        sco.locator("#flood").click()
        expect(page.locator("#scorm-message")).to_have_text(messages(page)["flooded"])
        page.click("#scorm-exit")
        expect(page.locator("#scorm-ended")).to_be_visible()  # once the session's last commit is answered
        track = stored(server, package_id)["tracks"]["i1"]
        assert track["cmi"]["cmi.core.lesson_location"] == "page-2" and track["status"] == "passed"

        # What reached the platform from the package carried no session cookie.
        platform = [r for r in seen if r.url.startswith(server.url) and r.frame != page.main_frame
                    and not r.url.startswith(server.url + "/content/") and "/static/" not in r.url]
        assert {"/logout", "/admin/", f"/scorm/{package_id}/commit", "/"} <= {urlsplit(r.url).path for r in platform}
        for request in platform:
            assert "session=" not in (request.all_headers().get("cookie") or ""), request.url
        # ... and changed nothing: the learner is still logged in, and the commit endpoint took none of it.
        page.goto(f"{server.url}/scorm/{package_id}/play")
        assert page.url.endswith(f"/scorm/{package_id}/play")
        assert learner.alerts() == []
    finally:
        learner.close()
