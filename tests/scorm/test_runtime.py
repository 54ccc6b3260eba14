"""The run-time API's data model and error codes, SCORM 1.2 and 2004 (the server's runtime, which checks
every commit the player sends; the browser runs scorm-again)."""
from __future__ import annotations

import pytest

from lms.scorm import datamodel
from lms.scorm.runtime import Runtime, completion_status, concrete, resolve, success_status
from tests.scorm.vectors import expand, load


def _cases(version):
    return [pytest.param(version, case, id=f"{version}: {case['name']}") for case in load(version)]


@pytest.mark.parametrize("version, case", _cases("1.2") + _cases("2004"))
def test_api_vectors(version, case):
    runtime = Runtime(version, cmi=case.get("cmi"), context=case.get("context"), nav=case.get("nav"))
    last_error = "GetLastError" if version == "2004" else "LMSGetLastError"
    for number, (name, arguments, expected, error) in enumerate(case["calls"]):
        got = runtime.call(name, *[expand(a) for a in arguments])
        assert (got, runtime.call(last_error)) == (expected, error), f"call {number}: {name}{tuple(arguments)!r:.120}"


def test_every_element_has_a_known_type_and_access():
    for model in datamodel.MODELS.values():
        for name, spec in model["elements"].items():
            assert spec["access"] in ("ro", "rw", "wo"), name
            sample = spec.get("default", "")
            datamodel.check(spec, sample, interaction_type="other")  # raises on an unknown type
            for required in spec.get("requires", ()):
                assert required in model["elements"], (name, required)


def test_resolve_and_concrete():
    model = datamodel.MODEL_2004
    assert resolve(model, "cmi.interactions.3.objectives.0.id") == (
        "cmi.interactions.n.objectives.n.id",
        [("cmi.interactions", "cmi.interactions", 3),
         ("cmi.interactions.n.objectives", "cmi.interactions.3.objectives", 0)])
    assert resolve(model, "cmi.interactions.03.id") is None
    assert resolve(model, "cmi.interactions.x.id") is None
    assert concrete("cmi.interactions.n.type", [3, 0]) == "cmi.interactions.3.type"


@pytest.mark.parametrize("kind, value, pattern, valid", [
    ("true-false", "true", False, True), ("true-false", "1", False, False),
    ("choice", "", False, True), ("choice", "a[,]b[,]c", True, True), ("choice", "a[,]", False, False),
    ("fill-in", "{order_matters=false}{case_matters=true}x[,]y", True, True),
    ("fill-in", "{order_matters=false}{order_matters=true}x", True, False),
    ("long-fill-in", "{lang=en}" + "x" * 4000, False, True), ("long-fill-in", "x" * 4001, False, False),
    ("matching", "1[.]a", True, True), ("matching", "1[.]a[.]b", True, False),
    ("numeric", "[:]5", True, True), ("numeric", "1[:]", True, True), ("numeric", "5", True, False),
    ("numeric", "-2.5e1", False, True), ("other", "anything at all", False, True),
])
def test_interaction_values(kind, value, pattern, valid):
    assert datamodel.interaction_value(kind, value, pattern=pattern) is valid


@pytest.mark.parametrize("value, valid", [
    ("PT0S", True), ("P1D", True), ("PT1H", True), ("PT0.25S", True), ("P2Y10M", True),
    ("P", False), ("PT", False), ("PT1.234S", False), ("1H", False), ("P-1D", False)])
def test_durations(value, valid):
    assert datamodel.matches("duration", value) is valid


def test_lengths_are_counted_as_javascript_counts_them():
    # An emoji is two UTF-16 code units: 128 of them fill 256 units, over the 255 limit.
    spec = datamodel.MODEL_12["elements"]["cmi.core.lesson_location"]
    assert datamodel.check(spec, "😀" * 127) == datamodel.OK
    assert datamodel.check(spec, "😀" * 128) == datamodel.TYPE


def test_evaluated_statuses():
    assert completion_status({}, None) == "unknown"
    assert completion_status({"cmi.completion_status": "completed"}, None) == "completed"
    assert completion_status({"cmi.completion_status": "completed"}, "0.5") == "unknown"
    assert completion_status({"cmi.progress_measure": "0.5"}, "0.5") == "completed"
    assert success_status({"cmi.success_status": "failed"}, None) == "failed"
    assert success_status({"cmi.score.scaled": "0.49"}, "0.5") == "failed"


def test_changes_are_kept_in_the_order_first_set():
    runtime = Runtime("2004")
    runtime.initialize("")
    for element, value in [("cmi.interactions.0.id", "q"), ("cmi.location", "1"), ("cmi.interactions.0.type", "other"),
                           ("cmi.location", "2")]:
        assert runtime.set_value(element, value) == "true"
    assert list(runtime.changed.items()) == [("cmi.interactions.0.id", "q"), ("cmi.location", "2"),
                                             ("cmi.interactions.0.type", "other")]
