"""Pages and endpoints: upload, package page, content, player, commits (JSON and beacon), reports, reset."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import AuditEntry, Role, StoredFile, User
from lms.scorm import tracking
from lms.scorm.models import ScormAttempt, ScormPackage
from tests.scorm.helpers import MULTI_ASSET_12, PAGE, RUNTIME_2004, SINGLE_SCO_12, build_zip, in_course, package_zip


def upload(client, school, path, name=None):
    with open(path, "rb") as stream:
        return client.post("/scorm/packages/new", data={"school_id": school.id, "title": "",
                                                         "package": (io.BytesIO(stream.read()), name or path.name)},
                           content_type="multipart/form-data")


def state_of(response) -> dict:
    found = re.search(r'<script type="application/json" id="scorm-state">(.*?)</script>', response.get_data(True), re.S)
    return json.loads(found.group(1))


def post_commit(client, package, **payload):
    body = {"item": "item_1", "attempt": 1, "session": "s1", "seq": 1, "values": [], **payload}
    return client.post(f"/scorm/{package.id}/commit", json=body)


def test_a_lecturer_uploads_a_package(login, lecturer, school):
    client = login(lecturer)
    page = client.get("/scorm/packages/new")
    assert page.status_code == 200 and "Trường Chính trị tỉnh Sơn Hà" in page.get_data(True)
    response = upload(client, school, SINGLE_SCO_12)
    assert response.status_code == 302
    package = db.session.scalar(select(ScormPackage))
    assert response.headers["Location"].endswith(f"/scorm/packages/{package.id}")
    shown = client.get(f"/scorm/packages/{package.id}").get_data(True)
    assert "Golf Explained - Run-time Basic Calls" in shown and "shared/launchpage.html" in shown
    listed = client.get("/scorm/packages").get_data(True)
    assert f"/scorm/packages/{package.id}" in listed


def test_a_bad_zip_is_refused_with_its_reason_and_nothing_is_kept(login, lecturer, school, tmp_path):
    client = login(lecturer)
    path = build_zip(tmp_path / "course.zip", {"course/imsmanifest.xml": "<manifest/>", "course/index.html": PAGE})
    response = upload(client, school, path)
    assert response.status_code == 422
    text = response.get_data(True)
    assert "imsmanifest.xml is not at the root of the zip (it is at course/imsmanifest.xml)" in text
    assert db.session.scalar(select(func.count()).select_from(ScormPackage)) == 0
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_file_that_is_not_a_zip_is_refused(login, lecturer, school, tmp_path):
    client = login(lecturer)
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 not a package")
    response = upload(client, school, path)
    assert response.status_code == 422 and "notes.pdf is not a zip file" in response.get_data(True)


def test_the_upload_messages_are_in_vietnamese_by_default(login, lecturer, school, tmp_path):
    client = login(lecturer)
    lecturer.locale = "vi"
    db.session.commit()
    path = tmp_path / "x.zip"
    path.write_bytes(b"plain text")
    text = upload(client, school, path).get_data(True)
    assert "không phải là tệp zip" in text


def test_only_authors_may_upload_or_manage(login, learner, make_package, client):
    package = make_package(SINGLE_SCO_12)
    login(learner)
    assert client.get("/scorm/packages/new").status_code == 403
    assert client.get("/scorm/packages").status_code == 403
    assert client.get(f"/scorm/packages/{package.id}").status_code == 403
    assert client.get(f"/scorm/{package.id}/report").status_code == 403


def test_a_lecturer_of_another_school_may_not_manage(client, login, make_user, make_school, make_package):
    package = make_package(SINGLE_SCO_12)
    other = make_user(roles=[(Role.lecturer, {"school_id": make_school("Trường khác").id})])
    login(other)
    assert client.get(f"/scorm/packages/{package.id}").status_code == 403
    assert client.post(f"/scorm/packages/{package.id}/replace").status_code == 403


def test_uploading_a_new_version(login, lecturer, make_package, tmp_path):
    package = make_package(package_zip(tmp_path / "v1.zip"))
    client = login(lecturer)
    changed = package_zip(tmp_path / "v2.zip", extra={"extra.html": PAGE})
    with open(changed, "rb") as stream:
        response = client.post(f"/scorm/packages/{package.id}/replace",
                               data={"package": (io.BytesIO(stream.read()), "v2.zip")},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(package)
    assert package.revision == 2


def fetch(client, url):
    """(status, content type, body) of a GET, with the response closed (files are streamed)."""
    with client.get(url) as response:
        return response.status_code, response.headers.get("Content-Type"), response.get_data()


def content_base(client, package) -> str:
    """The package's folder under the token URL the player page gives its learner."""
    url = state_of(client.get(f"/scorm/{package.id}/play"))["items"]["item_1"]["url"]
    return url[:url.index("/shared/")] + "/"


def test_package_files_are_served_by_token_with_their_types_in_a_sandbox(app, client, login, learner, make_package):
    package = make_package(SINGLE_SCO_12)
    in_course(package.id, learner)
    login(learner)
    base = content_base(client, package)
    assert base.startswith("/content/")
    anonymous = app.test_client(use_cookies=False)  # the token authorises, not the session
    with anonymous.get(base + "shared/launchpage.html") as response:
        body = response.get_data()
        assert (response.status_code, response.content_type) == (200, "text/html; charset=utf-8")
        assert b"ScormProcessInitialize" in body
        policy = response.headers["Content-Security-Policy"]
        assert policy.startswith("sandbox allow-scripts") and "allow-same-origin" not in policy
        assert "Set-Cookie" not in response.headers and response.headers["X-Content-Type-Options"] == "nosniff"
    # The cross-frame client and its bridge come first in the head, the doctype stays first.
    head = body[:body.index(b"ScormProcessInitialize")]
    assert b"/static/vendor/scorm-again/cross-frame-api.min.js" in head and b"/static/scorm/bridge.js" in head
    assert body.lstrip().lower().startswith((b"<!doctype", b"<html"))
    assert fetch(anonymous, base + "shared/scormfunctions.js")[1] == "text/javascript"  # not UTF-8: no charset
    assert b"bridge.js" not in fetch(anonymous, base + "shared/scormfunctions.js")[2]
    assert fetch(anonymous, base + "Playing/playing.jpg")[1] == "image/jpeg"
    assert fetch(anonymous, base + "shared/style.css")[1] == "text/css; charset=utf-8"
    assert fetch(anonymous, base + "imsmanifest.xml")[1] == "application/xml; charset=utf-8"
    for missing in ("shared/nothing.html", "../../../etc/passwd", "%2e%2e/%2e%2e/lms.sqlite3", "shared/",
                    "..%2f..%2f..%2fetc/passwd", "shared/../../r1/imsmanifest.xml"):
        assert fetch(anonymous, base + missing)[0] == 404, missing
    assert fetch(anonymous, "/scorm/1/content/shared/launchpage.html")[0] == 404  # the old same-origin route


def test_a_replaced_package_s_old_token_reads_nothing(client, login, learner, lecturer, make_package):
    package = make_package(SINGLE_SCO_12)
    in_course(package.id, learner)
    login(learner)
    base = content_base(client, package)
    package.revision += 1
    db.session.flush()
    assert fetch(client, base + "shared/launchpage.html")[0] == 404


def test_the_player_page_carries_the_launch_state(client, login, learner, make_package):
    package = make_package(MULTI_ASSET_12)
    in_course(package.id, learner)
    login(learner)
    response = client.get(f"/scorm/{package.id}/play")
    assert response.status_code == 200
    text = response.get_data(True)
    assert "/static/vendor/scorm-again/scorm12.min.js" in text and "/static/scorm/player.js" in text
    assert re.search(r'<iframe id="scorm-frame"[^>]* sandbox="allow-scripts[^"]*"', text)
    assert "allow-same-origin" not in text
    assert text.count("data-item=") == 18
    state = state_of(response)
    assert state["version"] == "1.2" and state["attempt"] == 1 and state["start"] == "playing_playing_item"
    quiz = state["items"]["playing_quiz_item"]
    assert re.fullmatch(r"/content/[^/]+/shared/assessmenttemplate\.html\?questions=Playing", quiz["url"])
    assert quiz["values"]["cmi.core.student_id"] == str(learner.id)
    assert quiz["previous"] == "playing_rules_item" and quiz["next"] == "etiquette_course_item"
    chosen = state_of(client.get(f"/scorm/{package.id}/play?item=etiquette_play_item"))
    assert chosen["start"] == "etiquette_play_item"


def test_2004_flow_and_choice_reach_the_player(client, login, learner, make_package):
    package = make_package(RUNTIME_2004)
    in_course(package.id, learner)
    login(learner)
    state = state_of(client.get(f"/scorm/{package.id}/play"))
    assert state["version"] == "2004" and state["choice"] == {"item_1": "true"}
    assert state["items"]["item_1"]["context"]["entry"] == "ab-initio"


def test_commits_by_fetch_and_by_beacon(app_factory, make_user, make_official, school, lecturer):
    """With CSRF protection on: the fetch sends the token as a header, the beacon in the form body."""
    person = make_user(official=make_official("Trần Thị Bình"), password="mat khau dai")
    person_id, email, school_id, lecturer_id = person.id, person.email, school.id, lecturer.id
    db.session.commit()  # the second app below writes to the same database
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.scorm import services
        with open(SINGLE_SCO_12, "rb") as stream:
            package, _ = services.create_package(stream, "s.zip", school_id=school_id, user_id=lecturer_id)
        in_course(package.id, db.session.get(User, person_id))
        db.session.commit()
        package_id = package.id
    # Requests run in their own app contexts, as in production (Flask-WTF keeps the token in `g`).
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(True)).group(1)
    assert client.post("/login", data={"identifier": email, "password": "mat khau dai",
                                       "csrf_token": token}).status_code == 302
    player = client.get(f"/scorm/{package_id}/play").get_data(True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', player).group(1)
    body = {"item": "item_1", "attempt": 1, "session": "s1", "seq": 1, "values": [["cmi.core.lesson_location", "4"]]}
    assert client.post(f"/scorm/{package_id}/commit", json=body).status_code == 400  # no token: refused
    answer = client.post(f"/scorm/{package_id}/commit", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.json["ok"] is True
    beacon = {**body, "seq": 2, "final": True, "initialized": True,
              "values": [["cmi.core.lesson_location", "5"], ["cmi.core.exit", "suspend"]]}
    answer = client.post(f"/scorm/{package_id}/commit", data={"csrf_token": token, "payload": json.dumps(beacon)})
    assert answer.status_code == 200
    assert client.post(f"/scorm/{package_id}/commit", data={"payload": json.dumps(beacon)}).status_code == 400
    # A new log-in (another tab) renews the session: the open player fetches a fresh token and goes on.
    login_page = client.get("/login")
    if login_page.status_code == 302:  # still logged in: log out first, as a session expiry would
        client.post("/logout", data={"csrf_token": token})
        login_page = client.get("/login")
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.get_data(True)).group(1)
    client.post("/login", data={"identifier": email, "password": "mat khau dai", "csrf_token": fresh})
    retry = {**body, "seq": 3, "values": [["cmi.core.lesson_location", "6"]]}
    assert client.post(f"/scorm/{package_id}/commit", json=retry, headers={"X-CSRFToken": token}).status_code == 400
    renewed = client.get("/scorm/token").json["token"]
    assert client.post(f"/scorm/{package_id}/commit", json=retry, headers={"X-CSRFToken": renewed}).status_code == 200
    with app.app_context():
        track = tracking.current_attempt(package_id, person_id).tracks[0]
        assert track.cmi["cmi.core.lesson_location"] == "6" and track.exit == "suspend"


def test_the_commit_answer_tells_the_player_what_was_kept(client, login, learner, make_package):
    package = make_package(SINGLE_SCO_12)
    in_course(package.id, learner)
    login(learner)
    answer = post_commit(client, package, values=[["cmi.core.lesson_status", "completed"], ["cmi.core.bogus", "1"]])
    assert answer.status_code == 200
    data = answer.json
    assert data["rejected"] == [{"element": "cmi.core.bogus", "error": 201}]
    assert data["item"]["status"] == "completed" and data["item"]["completed"] is True
    assert data["item"]["context"]["entry"] == ""
    assert data["package"] == {"done": 1, "total": 1, "completed": True, "passed": None, "score": None}
    assert post_commit(client, package).json["stale"] is True


@pytest.mark.parametrize("payload, status", [
    ({"item": "nowhere"}, 404), ({"attempt": 7}, 409), ({"seq": "x"}, 400), ({"values": "oops"}, 400)])
def test_commits_the_server_cannot_apply(client, login, learner, make_package, payload, status):
    package = make_package(SINGLE_SCO_12)
    in_course(package.id, learner)
    login(learner)
    answer = post_commit(client, package, **payload)
    assert answer.status_code == status and answer.json["ok"] is False and answer.json["error"]


def test_a_commit_without_a_session_asks_to_log_in(client, make_package):
    package = make_package(SINGLE_SCO_12)
    assert post_commit(client, package).status_code == 401
    assert client.get("/scorm/token").status_code == 401


def test_a_commit_for_someone_else_is_refused(client, login, learner, make_user, make_package):
    """Another person logged in on the same browser while the player was open: nothing goes to their record."""
    package = make_package(SINGLE_SCO_12)
    other = make_user()
    in_course(package.id, learner)
    login(learner)
    answer = post_commit(client, package, learner=other.id, values=[["cmi.core.lesson_location", "2"]])
    assert answer.status_code == 409 and "Someone else is now logged in" in answer.json["error"]
    assert post_commit(client, package, learner=learner.id).status_code == 200


def test_an_oversized_commit_is_refused(app_factory, school, lecturer, learner):
    school_id, lecturer_id, email, learner_id = school.id, lecturer.id, learner.email, learner.id
    db.session.commit()  # the second app below writes to the same database
    app = app_factory(SCORM_MAX_COMMIT_BYTES=100)
    with app.app_context():
        from lms.scorm import services
        with open(SINGLE_SCO_12, "rb") as stream:
            package, _ = services.create_package(stream, "s.zip", school_id=school_id, user_id=lecturer_id)
        in_course(package.id, db.session.get(User, learner_id))
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"identifier": email, "password": "correct horse"})
        answer = post_commit(client, package, values=[["cmi.suspend_data", "x" * 500]])
        assert answer.status_code == 413


def _learners_with_progress(make_user, make_official, package, count):
    people = []
    for number in range(count):
        person = make_user(official=make_official(f"Học viên {number}"))
        tracking.record_commit(package, person, tracking.Commit(
            item="item_1", attempt=1, session="s", seq=1,
            values=[("cmi.core.lesson_status", "passed"), ("cmi.core.score.raw", str(70 + number)),
                    ("cmi.core.session_time", "0000:05:00")]))
        people.append(person)
    db.session.commit()
    return people


def test_the_report_lists_each_official_and_item(login, lecturer, make_user, make_official, make_package):
    package = make_package(SINGLE_SCO_12)
    people = _learners_with_progress(make_user, make_official, package, 2)
    client = login(lecturer)
    text = client.get(f"/scorm/{package.id}/report").get_data(True)
    assert "Học viên 0" in text and "Học viên 1" in text and people[0].official.employee_code in text
    assert "Golf Explained" in text and "0:05:00" in text and "71.0" in text
    detail = client.get(f"/scorm/{package.id}/report/{people[0].id}").get_data(True)
    assert "Attempt 1" in detail and "Whole package" not in detail


def test_the_report_runs_a_fixed_number_of_queries(login, lecturer, make_user, make_official, make_package,
                                                   count_queries):
    package = make_package(SINGLE_SCO_12)
    _learners_with_progress(make_user, make_official, package, 1)
    client = login(lecturer)
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/scorm/{package.id}/report")
    _learners_with_progress(make_user, make_official, package, 4)
    with count_queries() as many:
        client.get(f"/scorm/{package.id}/report")
    assert many.count == few.count


def test_a_lecturer_resets_an_attempt_once(login, lecturer, learner, make_package):
    package = make_package(SINGLE_SCO_12)
    tracking.record_commit(package, learner, tracking.Commit(item="item_1", attempt=1, session="s", seq=1,
                                                             values=[("cmi.core.lesson_location", "9")]))
    db.session.commit()
    client = login(lecturer)
    url = f"/scorm/{package.id}/report/{learner.id}/reset"
    first = client.post(url, data={"attempt": "1"}, follow_redirects=True)
    assert first.status_code == 200 and "Attempt 1 was reset" in first.get_data(True)
    again = client.post(url, data={"attempt": "1"}, follow_redirects=True)  # a double click: nothing more happens
    assert again.status_code == 200
    attempt = db.session.scalar(select(ScormAttempt))
    assert attempt.reset_at is not None and attempt.reset_by == lecturer.id
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "scorm.attempt_reset")) == 1
    assert client.post(url, data={"attempt": "x"}).status_code == 400


def test_the_navigation_shows_packages_to_authors_only(login, lecturer, learner, client):
    login(learner)
    assert "/scorm/packages" not in client.get("/").get_data(True)
    client.post("/logout")
    login(lecturer)
    assert "/scorm/packages" in client.get("/").get_data(True)


def test_the_package_list_runs_a_fixed_number_of_queries(login, lecturer, make_package, count_queries, tmp_path):
    make_package(SINGLE_SCO_12)
    client = login(lecturer)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/scorm/packages").status_code == 200
    for number in range(3):
        make_package(package_zip(tmp_path / f"p{number}.zip", extra={f"extra{number}.html": PAGE}))
    db.session.expire_all()
    with count_queries() as many:
        text = client.get("/scorm/packages").get_data(True)
    assert text.count("/scorm/packages/") >= 4 and many.count == few.count


def test_a_package_with_unsupported_sequencing_says_so_and_still_plays(login, lecturer, learner, make_package,
                                                                       tmp_path):
    from tests.scorm.test_manifest import manifest_2004
    body = ('<item identifier="a" identifierref="r1"><title>A</title><imsss:sequencing><imsss:sequencingRules>'
            '<imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/>'
            '</imsss:ruleConditions><imsss:ruleAction action="skip"/></imsss:preConditionRule>'
            '</imsss:sequencingRules><imsss:limitConditions attemptLimit="1"/></imsss:sequencing></item>')
    text = manifest_2004(body, resources='<resource identifier="r1" type="webcontent" adlcp:scormType="sco" '
                                         'href="index.html"/>')
    package = make_package(package_zip(tmp_path / "p.zip", manifest=text))
    client = login(lecturer)
    page = client.get(f"/scorm/packages/{package.id}").get_data(True)
    assert "sequencing rules (pre-, post- and exit-condition rules)" in page
    assert "limit conditions (attempt limits and time limits)" in page
    client.post("/logout")
    in_course(package.id, learner)
    login(learner)
    state = state_of(client.get(f"/scorm/{package.id}/play"))
    assert state["start"] == "a" and re.fullmatch(r"/content/[^/]+/index\.html", state["items"]["a"]["url"])
    assert post_commit(client, package, item="a", values=[["cmi.completion_status", "completed"]]).json["ok"]


def test_the_player_offers_the_way_back_to_the_page_that_opened_it(client, login, learner, make_package):
    package = make_package(SINGLE_SCO_12)
    in_course(package.id, learner)
    login(learner)
    opened = client.get(f"/scorm/{package.id}/play", headers={"Referer": "http://localhost/courses/c/k/a/golf"})
    assert '<a href="/courses/c/k/a/golf">Back to where you came from</a>' in opened.get_data(True)
    for referrer in ("http://evil.example/courses/", f"http://localhost/scorm/{package.id}/play?item=x", None):
        headers = {"Referer": referrer} if referrer else {}
        page = client.get(f"/scorm/{package.id}/play", headers=headers)
        assert "Back to where you came from" not in page.get_data(True)


def test_a_package_outside_the_learners_courses_is_neither_played_nor_tracked(client, login, learner, make_package):
    package = make_package(SINGLE_SCO_12)
    login(learner)
    assert client.get(f"/scorm/{package.id}/play").status_code == 404
    assert post_commit(client, package, values=[["cmi.core.lesson_status", "completed"]]).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ScormAttempt)) == 0
    in_course(package.id, learner)
    assert client.get(f"/scorm/{package.id}/play").status_code == 200
