"""Tracking: commits per official, package, attempt and item; end-of-session rules; outcomes sent once."""
from __future__ import annotations

import pytest

from lms.core.db import db
from lms.scorm import launch, reporting, tracking
from lms.scorm.tracking import Commit, CommitRefused
from tests.scorm.helpers import MANIFEST_12, MULTI_ASSET_12, RUNTIME_2004, SINGLE_SCO_12, package_zip


def commit(package, user, item="item_1", *, values=(), seq=1, session="s1", attempt=1, final=False,
           initialized=True, elapsed=0.0):
    result = tracking.record_commit(package, user, Commit(item=item, attempt=attempt, session=session, seq=seq,
                                                          values=list(values), final=final, initialized=initialized,
                                                          elapsed=elapsed))
    db.session.commit()
    return result


def state_of(package, user):
    from flask import current_app
    with current_app.test_request_context():
        return launch.player_state(package, user)


def outcomes(recorded_events):
    return [(p.completed, p.passed, p.score) for name, p in recorded_events if name == "activity_completed"]


def test_a_12_session_is_stored_and_resumed(make_package, learner, recorded_events):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, seq=1)  # the launch
    result = commit(package, learner, seq=2, values=[("cmi.core.lesson_status", "incomplete"),
                                                     ("cmi.core.lesson_location", "3")])
    assert result.rejected == [] and result.attempt.number == 1
    commit(package, learner, seq=3, final=True, values=[("cmi.core.session_time", "0000:01:05.50"),
                                                        ("cmi.core.exit", "suspend")])
    track = result.track
    assert track.cmi == {"cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "3"}
    assert (track.status, track.completed, track.exit, track.total_seconds) == ("incomplete", False, "suspend", 65.5)
    state = state_of(package, learner)
    item = state["items"]["item_1"]
    assert item["context"]["entry"] == "resume" and item["context"]["total_time"] == "0000:01:05.50"
    assert item["cmi"]["cmi.core.lesson_location"] == "3"
    assert state["start"] == "item_1" and state["attempt"] == 1
    assert outcomes(recorded_events) == [(False, None, None)]  # opened: sent once, not on every commit


def test_completion_and_score_are_reported(make_package, learner, recorded_events):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, seq=1, values=[("cmi.core.lesson_status", "completed")])
    commit(package, learner, seq=2, values=[("cmi.core.score.raw", "85"), ("cmi.core.lesson_status", "passed")])
    commit(package, learner, seq=3, values=[("cmi.core.lesson_location", "15")])
    assert outcomes(recorded_events) == [(True, None, None), (True, True, 0.85)]
    [(_name, payload)] = [e for e in recorded_events if e[0] == "activity_completed"][-1:]
    assert (payload.user_id, payload.activity_type, payload.activity_ref) == (learner.id, "scorm", str(package.id))


def test_a_failed_package_is_not_completed(make_package, learner, recorded_events):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, values=[("cmi.core.score.raw", "40"), ("cmi.core.lesson_status", "failed")])
    assert outcomes(recorded_events) == [(False, False, 0.4)]
    attempt = tracking.current_attempt(package.id, learner.id)
    assert attempt.items_done == 1 and attempt.completed is False


def test_values_that_fail_the_data_model_are_left_out_and_named(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    result = commit(package, learner, values=[("cmi.core.lesson_status", "done"), ("cmi.core.student_id", "x"),
                                              ("cmi.core.lesson_location", "2"), ("cmi.bogus", "1")])
    assert result.rejected == [{"element": "cmi.core.lesson_status", "error": 405},
                               {"element": "cmi.core.student_id", "error": 403}, {"element": "cmi.bogus", "error": 201}]
    assert result.track.cmi == {"cmi.core.lesson_location": "2"}


def test_older_commits_of_a_session_are_ignored(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, seq=2, values=[("cmi.core.lesson_location", "5")])
    late = commit(package, learner, seq=1, values=[("cmi.core.lesson_location", "4")])
    assert late.stale is True
    assert late.track.cmi["cmi.core.lesson_location"] == "5"


def test_a_late_commit_of_an_earlier_session_only_adds_its_time(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, session="a", values=[("cmi.core.lesson_location", "1")])
    commit(package, learner, session="b", values=[("cmi.core.lesson_location", "9")])
    result = commit(package, learner, session="a", seq=2, values=[("cmi.core.lesson_location", "2"),
                                                                  ("cmi.core.session_time", "0000:00:30")])
    assert result.track.cmi["cmi.core.lesson_location"] == "9"
    assert result.track.total_seconds == 30 and result.track.session_count == 2


def test_measured_time_stands_in_when_the_sco_reports_none(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, seq=1, elapsed=20)
    result = commit(package, learner, seq=2, elapsed=42, final=True)
    assert result.track.total_seconds == 42
    result = commit(package, learner, session="s2", values=[("cmi.core.session_time", "0000:00:10")], elapsed=99)
    assert result.track.total_seconds == 52


def test_12_end_of_session_without_status_completes(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    result = commit(package, learner, final=True)
    assert result.track.cmi["cmi.core.lesson_status"] == "completed" and result.track.completed


def test_12_a_session_never_initialized_is_not_completed(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    result = commit(package, learner, final=True, initialized=False)
    assert result.track.status == "not attempted" and not result.track.completed


@pytest.mark.parametrize("raw, status, expected", [("85", "completed", "passed"), ("50", "completed", "failed"),
                                                   ("50", "incomplete", "incomplete"), ("", "completed", "completed")])
def test_12_mastery_score_decides_at_the_end_of_a_session(make_package, learner, tmp_path, raw, status, expected):
    package = make_package(package_zip(tmp_path / "p.zip"))  # i1 has a mastery score of 80
    values = [("cmi.core.lesson_status", status)] + ([("cmi.core.score.raw", raw)] if raw else [])
    result = commit(package, learner, item="i1", values=values, final=True)
    assert result.track.status == expected


def test_assets_complete_when_launched(make_package, learner, recorded_events):
    package = make_package(MULTI_ASSET_12)
    items = [i.identifier for i in package.launchable_items]
    for number, item in enumerate(items):
        result = commit(package, learner, item=item, session=f"s{number}", initialized=False)
        assert result.track.completed and result.track.status == "completed"
    attempt = tracking.current_attempt(package.id, learner.id)
    assert attempt.items_done == 18 and attempt.completed
    assert outcomes(recorded_events) == [(False, None, None), (True, None, None)]
    assert attempt.last_item == items[-1]


def test_2004_content_that_sets_nothing_is_completed_and_satisfied_at_the_end(make_package, learner, tmp_path):
    manifest = MANIFEST_12  # reuse the files; a minimal 2004 manifest without delivery controls
    manifest = manifest.replace("http://www.imsproject.org/xsd/imscp_rootv1p1p2",
                                "http://www.imsglobal.org/xsd/imscp_v1p1")
    manifest = manifest.replace("http://www.adlnet.org/xsd/adlcp_rootv1p2", "http://www.adlnet.org/xsd/adlcp_v1p3")
    manifest = manifest.replace("<schemaversion>1.2</schemaversion>", "<schemaversion>2004 4th Edition</schemaversion>")
    package = make_package(package_zip(tmp_path / "p.zip", manifest=manifest))
    assert package.version == "2004"
    result = commit(package, learner, item="i1", final=True)
    assert (result.track.status, result.track.success, result.track.completed) == ("completed", "passed", True)


def test_2004_content_that_sets_completion_itself_is_left_alone(make_package, learner, recorded_events):
    package = make_package(RUNTIME_2004)  # completionSetByContent and objectiveSetByContent are true
    result = commit(package, learner, values=[("cmi.completion_status", "incomplete"), ("cmi.exit", "suspend"),
                                              ("cmi.session_time", "PT1M")], final=True)
    assert (result.track.status, result.track.success, result.track.completed) == ("incomplete", "unknown", False)
    assert result.track.exit == "suspend" and result.track.total_seconds == 60
    result = commit(package, learner, session="s2", values=[
        ("cmi.completion_status", "completed"), ("cmi.score.raw", "80"), ("cmi.score.min", "0"),
        ("cmi.score.max", "100"),
        ("cmi.score.scaled", "0.8"), ("cmi.success_status", "passed"), ("cmi.exit", "")], final=True)
    assert (result.track.status, result.track.success, result.track.score_scaled) == ("completed", "passed", 0.8)
    assert outcomes(recorded_events)[-1] == (True, True, 0.8)
    state = state_of(package, learner)
    launched = state["items"]["item_1"]["context"]
    assert (launched["entry"], launched["total_time"]) == ("", "PT1M")


def test_a_commit_for_an_attempt_that_was_reset_is_refused(make_package, learner, lecturer):
    package = make_package(SINGLE_SCO_12)
    commit(package, learner, values=[("cmi.core.lesson_location", "7")])
    assert reporting.reset_attempt(package, learner.id, 1, actor_id=lecturer.id) is True
    db.session.commit()
    assert reporting.reset_attempt(package, learner.id, 1, actor_id=lecturer.id) is False
    with pytest.raises(CommitRefused) as caught:
        commit(package, learner, seq=2, values=[("cmi.core.lesson_location", "8")])
    assert caught.value.status == 409
    db.session.rollback()
    state = state_of(package, learner)
    assert state["attempt"] == 2 and state["items"]["item_1"]["cmi"] == {}
    assert state["items"]["item_1"]["context"]["entry"] == "ab-initio"
    result = commit(package, learner, attempt=2, session="new", values=[("cmi.core.lesson_location", "1")])
    assert result.attempt.number == 2 and result.track.cmi == {"cmi.core.lesson_location": "1"}


def test_an_unknown_item_or_a_garbled_commit_is_refused(make_package, learner):
    package = make_package(SINGLE_SCO_12)
    with pytest.raises(CommitRefused) as caught:
        commit(package, learner, item="nope")
    assert caught.value.status == 404
    for data in ({}, {"item": "item_1", "attempt": "x", "session": "s", "seq": 1}, {"item": "i", "attempt": 0,
                                                                                    "session": "s", "seq": 1}):
        with pytest.raises(CommitRefused):
            Commit.from_payload(data)


def test_manifest_objectives_are_offered_to_2004_scos(make_package, learner, tmp_path):
    from tests.scorm.test_manifest import manifest_2004
    body = ('<item identifier="a" identifierref="r1"><title>A</title><imsss:sequencing><imsss:objectives>'
            '<imsss:primaryObjective objectiveID="pri" satisfiedByMeasure="true"/></imsss:objectives>'
            '</imsss:sequencing></item>')
    text = manifest_2004(body, resources='<resource identifier="r1" type="webcontent" adlcp:scormType="sco" '
                                         'href="index.html"/>')
    package = make_package(package_zip(tmp_path / "p.zip", manifest=text))
    state = state_of(package, learner)
    assert state["items"]["a"]["cmi"] == {"cmi.objectives.0.id": "pri"}
    assert state["items"]["a"]["context"]["scaled_passing_score"] == "1"
    result = commit(package, learner, item="a", values=[("cmi.objectives.0.success_status", "passed"),
                                                        ("cmi.score.scaled", "1")])
    assert result.rejected == [] and result.track.success == "passed"
    assert result.track.cmi["cmi.objectives.0.id"] == "pri"
