"""`lms scorm check` and `lms scorm import`, with their JSON reports."""
from __future__ import annotations

import json

from lms.core.db import db
from lms.scorm.models import ScormPackage
from tests.scorm.helpers import MULTI_ASSET_12, build_zip


def test_check_reports_a_good_package(runner):
    result = runner.invoke(args=["scorm", "check", str(MULTI_ASSET_12), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True and report["version"] == "1.2" and len(report["items"]) == 18
    assert report["items"][5] == {"identifier": "playing_quiz_item", "title": "Playing Golf Quiz", "type": "asset",
                                  "launch": "shared/assessmenttemplate.html?questions=Playing"}


def test_check_reports_a_bad_package_and_fails(runner, tmp_path):
    path = build_zip(tmp_path / "bad.zip", {"index.html": "x"})
    result = runner.invoke(args=["scorm", "check", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report == {"ok": False, "file": "bad.zip", "code": "manifest_missing", "problem": report["problem"]}
    assert "imsmanifest.xml" in report["problem"]


def test_import_for_a_school(runner, school):
    db.session.commit()
    result = runner.invoke(args=["scorm", "import", str(MULTI_ASSET_12), "--school", school.code, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["created"] and db.session.get(ScormPackage, report["package_id"]) is not None
    again = json.loads(runner.invoke(args=["scorm", "import", str(MULTI_ASSET_12), "--school", school.code,
                                           "--json"]).output)
    assert again["package_id"] == report["package_id"] and again["created"] is False
    missing = runner.invoke(args=["scorm", "import", str(MULTI_ASSET_12), "--school", "NOPE", "--json"])
    assert missing.exit_code == 1
