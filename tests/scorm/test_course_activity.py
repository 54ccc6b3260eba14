"""A SCORM package as an activity of a course (with the courses plugin on): imported from the course folder,
launched from the lesson page, completed through the player's commits; the course completes.

Only the courses plugin's public surfaces are used (its CLI and pages), never its modules."""
from __future__ import annotations

import json
import shutil
import textwrap

from sqlalchemy import select

from lms.core.db import db
from lms.scorm import tracking
from lms.scorm.models import ScormPackage
from tests.scorm.helpers import SINGLE_SCO_12

COURSE = textwrap.dedent("""\
    key: goi-scorm-thu
    version: 1
    title: {vi: "Khóa học có gói SCORM", en: "A course with a SCORM package"}
    summary: {vi: "Thử nghiệm", en: "Test"}
    content_area: state_management
    topics: []
    periods: 2
    level: all
    self_enrol: true
    status: published
    completion: {prerequisites: [], min_attendance: null}
    sections:
      - key: phan-1
        title: {vi: "Phần 1", en: "Part 1"}
        activities:
          - key: golf
            type: scorm
            title: {vi: "Gôn nhập môn", en: "Golf explained"}
            source: scorm/golf.zip
            required: true
    """)


def test_a_course_completes_when_its_scorm_package_does(runner, client, login, learner, tmp_path, recorded_events):
    folder = tmp_path / "goi-scorm-thu"
    (folder / "scorm").mkdir(parents=True)
    (folder / "course.yaml").write_text(COURSE, encoding="utf-8")
    shutil.copy(SINGLE_SCO_12, folder / "scorm" / "golf.zip")
    db.session.commit()
    imported = runner.invoke(args=["courses", "import", str(folder), "--json"])
    assert imported.exit_code == 0, imported.output
    package = db.session.scalar(select(ScormPackage))
    assert package.title == "Gôn nhập môn"

    login(learner)
    assert client.post("/courses/c/goi-scorm-thu/enrol").status_code == 302
    lesson = client.get("/courses/c/goi-scorm-thu/a/golf").get_data(True)
    assert f'href="/scorm/{package.id}/play"' in lesson

    for seq, values in enumerate([[("cmi.core.lesson_status", "incomplete")],
                                  [("cmi.core.score.raw", "90"), ("cmi.core.lesson_status", "passed")]], start=1):
        tracking.record_commit(package, learner, tracking.Commit(item="item_1", attempt=1, session="s", seq=seq,
                                                                 values=values))
        db.session.commit()
    names = [name for name, _payload in recorded_events]
    assert names.count("activity_completed") == 2 and "course_completed" in names
    completed = next(p for name, p in recorded_events if name == "course_completed")
    assert (completed.user_id, completed.course_key) == (learner.id, "goi-scorm-thu")

    exported = runner.invoke(args=["courses", "export", "goi-scorm-thu", "-o", str(tmp_path / "out"), "--json"])
    assert exported.exit_code == 0 and json.loads(exported.output)["ok"]
    assert (tmp_path / "out" / "scorm" / "golf.zip").read_bytes() == SINGLE_SCO_12.read_bytes()
