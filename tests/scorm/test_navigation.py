"""Moving between items: SCORM 1.2 everywhere; SCORM 2004 by the activity tree's control modes."""
from __future__ import annotations

from lms.scorm import navigation
from tests.scorm.helpers import MULTI_ASSET_12, navigation_package, package_zip
from tests.scorm.test_manifest import manifest_2004


def steps(package):
    return {k: (v.previous, v.next, v.choice) for k, v in navigation.steps(package).items()}


def test_12_moves_in_document_order_and_allows_every_choice(make_package):
    package = make_package(MULTI_ASSET_12)
    found = steps(package)
    assert len(found) == 18
    assert found["playing_playing_item"] == (None, "playing_par_item", True)
    assert found["playing_quiz_item"] == ("playing_rules_item", "etiquette_course_item", True)
    assert found["havingfun_quiz_item"] == ("havingfun_makefriends_item", None, True)
    assert navigation.first_item(package) == "playing_playing_item"


def test_2004_control_modes(make_package, tmp_path):
    package = make_package(navigation_package(tmp_path / "nav.zip"))
    assert steps(package) == {"intro": (None, "lesson", True), "lesson": ("intro", "extra", False),
                              "extra": ("lesson", None, False)}


def test_2004_without_flow_there_is_no_previous_or_next(make_package, tmp_path):
    body = ('<item identifier="a" identifierref="r1"><title>A</title></item>'
            '<item identifier="b" identifierref="r2"><title>B</title></item>')
    resources = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'
                 '<resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="pages/two.html"/>')
    package = make_package(package_zip(tmp_path / "p.zip", manifest=manifest_2004(body, resources=resources)))
    assert steps(package) == {"a": (None, None, True), "b": (None, None, True)}  # SCORM defaults: choice only


def test_2004_forward_only_stops_previous(make_package, tmp_path):
    body = ('<item identifier="a" identifierref="r1"><title>A</title></item>'
            '<item identifier="b" identifierref="r2"><title>B</title></item>')
    resources = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'
                 '<resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="pages/two.html"/>')
    text = manifest_2004(body, resources=resources,
                         org_extra='<imsss:sequencing><imsss:controlMode flow="true" forwardOnly="true"/>'
                                   '</imsss:sequencing>')
    package = make_package(package_zip(tmp_path / "p.zip", manifest=text))
    assert steps(package) == {"a": (None, "b", True), "b": (None, None, True)}


def test_2004_flow_into_a_cluster_needs_the_cluster_to_allow_it(make_package, tmp_path):
    body = ('<item identifier="a" identifierref="r1"><title>A</title></item>'
            '<item identifier="c"><title>C</title><item identifier="b" identifierref="r2"><title>B</title></item>'
            '<imsss:sequencing><imsss:controlMode flow="false"/></imsss:sequencing></item>')
    resources = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'
                 '<resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="pages/two.html"/>')
    text = manifest_2004(body, resources=resources,
                         org_extra='<imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing>')
    package = make_package(package_zip(tmp_path / "p.zip", manifest=text))
    assert steps(package) == {"a": (None, None, True), "b": (None, None, True)}
