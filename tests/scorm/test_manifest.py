"""The manifest parser: SCORM 1.2 and 2004 (2nd, 3rd, 4th editions), real and crafted manifests."""
from __future__ import annotations

import zipfile

import pytest

from lms.scorm import manifest as parser
from lms.scorm.archive import PackageRefused
from tests.scorm.helpers import MANIFEST_12, MULTI_ASSET_12, RUNTIME_2004, SINGLE_SCO_12


def manifest_of(package) -> bytes:
    with zipfile.ZipFile(package) as archive:
        return archive.read("imsmanifest.xml")


def refused(text: str) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        parser.parse(text.encode())
    return caught.value


def manifest_2004(body: str, *, edition: str = "2004 4th Edition", resources: str | None = None,
                  org_extra: str = "", before_orgs: str = "") -> str:
    resources = resources if resources is not None else (
        '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="sco1/index.html"/>'
        '<resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="sco2/index.html"/>')
    return f"""<?xml version="1.0"?>
<manifest identifier="m2004" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{edition}</schemaversion></metadata>
  {before_orgs}
  <organizations default="o1"><organization identifier="o1"><title>Khóa 2004</title>{body}{org_extra}</organization>
  </organizations>
  <resources>{resources}</resources>
</manifest>"""


TWO_SCOS = ('<item identifier="a" identifierref="r1"><title>A</title></item>'
            '<item identifier="b" identifierref="r2"><title>B</title></item>')


def test_multi_asset_12_package():
    parsed = parser.parse(manifest_of(MULTI_ASSET_12))
    assert (parsed.version, parsed.edition) == ("1.2", "")
    assert parsed.identifier == "com.scorm.golfsamples.contentpackaging.multioscosinglefile.12"
    assert parsed.title == "Golf Explained - CP One File Per SCO"
    assert parsed.organization == "golf_sample_default_org"
    tops = parsed.root.children
    assert [i.title for i in tops] == ["Playing the Game", "Etiquette", "Handicapping", "Having Fun"]
    assert all(i.launch == "" for i in tops)  # aggregations: no identifierref
    launchable = parsed.launchable()
    assert len(launchable) == 18
    assert {i.scorm_type for i in launchable} == {"asset"}
    quiz = next(i for i in launchable if i.identifier == "playing_quiz_item")
    assert quiz.launch == "shared/assessmenttemplate.html?questions=Playing"
    walked = parsed.walk()
    assert walked[1][0].identifier == "playing_playing_item" and walked[1][1].identifier == "playing_item"
    assert walked[1][2] == 1


def test_single_sco_12_package():
    parsed = parser.parse(manifest_of(SINGLE_SCO_12))
    assert parsed.version == "1.2"
    [sco] = parsed.launchable()
    assert (sco.identifier, sco.title, sco.launch, sco.scorm_type) == (
        "item_1", "Golf Explained", "shared/launchpage.html", "sco")
    assert sco.mastery_score is None


def test_runtime_2004_package_with_sequencing():
    parsed = parser.parse(manifest_of(RUNTIME_2004))
    assert (parsed.version, parsed.edition) == ("2004", "3rd")
    assert parsed.root.sequencing.choice is True and parsed.root.sequencing.flow is True
    [sco] = parsed.launchable()
    assert sco.scorm_type == "sco" and sco.launch == "shared/launchpage.html"
    assert sco.sequencing.completion_set_by_content is True
    assert sco.sequencing.objective_set_by_content is True
    assert parsed.notes == []  # everything it declares is applied


def test_12_item_data_hidden_items_and_parameters():
    parsed = parser.parse(MANIFEST_12.encode())
    first, hidden = parsed.launchable()
    assert first.mastery_score == 80 and first.data_from_lms == "mode=exam"
    assert hidden.visible is False
    assert hidden.launch == "pages/two.html?step=2"
    assert parsed.title == "Bài học thử"


@pytest.mark.parametrize("declared, version, edition", [
    ("1.2", "1.2", ""), ("CAM 1.3", "2004", "2nd"), ("2004 2nd Edition", "2004", "2nd"),
    ("2004 3rd Edition", "2004", "3rd"), ("2004 4th Edition", "2004", "4th")])
def test_versions_and_editions(declared, version, edition):
    parsed = parser.parse(manifest_2004(TWO_SCOS, edition=declared).encode())
    assert (parsed.version, parsed.edition) == (version, edition)


def test_without_schemaversion_the_namespaces_decide():
    text = manifest_2004(TWO_SCOS).replace("<schemaversion>2004 4th Edition</schemaversion>", "")
    assert parser.parse(text.encode()).version == "2004"
    text_12 = MANIFEST_12.replace("<schemaversion>1.2</schemaversion>", "")
    assert parser.parse(text_12.encode()).version == "1.2"


def test_2004_item_sequencing_threshold_and_passing_score():
    body = """<item identifier="a" identifierref="r1"><title>A</title>
      <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.75"/>
      <adlcp:timeLimitAction>exit,message</adlcp:timeLimitAction>
      <adlcp:dataFromLMS>level=2</adlcp:dataFromLMS>
      <imsss:sequencing>
        <imsss:objectives>
          <imsss:primaryObjective objectiveID="pri" satisfiedByMeasure="true">
            <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
          </imsss:primaryObjective>
          <imsss:objective objectiveID="obj-2"><imsss:mapInfo targetObjectiveID="g1"/></imsss:objective>
        </imsss:objectives>
      </imsss:sequencing>
      <adlnav:presentation><adlnav:navigationInterface>
        <adlnav:hideLMSUI>continue</adlnav:hideLMSUI><adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
      </adlnav:navigationInterface></adlnav:presentation>
    </item>
    <item identifier="b" identifierref="r2"><title>B</title>
      <adlcp:completionThreshold>0.5</adlcp:completionThreshold></item>"""
    parsed = parser.parse(manifest_2004(body).encode())
    a, b = parsed.launchable()
    assert a.completion_threshold == 0.75 and b.completion_threshold == 0.5
    assert a.sequencing.scaled_passing_score == 0.6
    assert a.sequencing.objective_ids == ["pri", "obj-2"]
    assert a.time_limit_action == "exit,message" and a.data_from_lms == "level=2"
    assert a.hide_lms_ui == ["continue", "previous"]
    assert parsed.notes == ["global_objectives"]


def test_4th_edition_threshold_is_used_only_when_completed_by_measure():
    body = ('<item identifier="a" identifierref="r1"><title>A</title>'
            '<adlcp:completionThreshold completedByMeasure="false" minProgressMeasure="0.75"/></item>')
    [item] = parser.parse(manifest_2004(body, resources='<resource identifier="r1" type="webcontent" '
                                              'adlcp:scormType="sco" href="a.html"/>').encode()).launchable()
    assert item.completion_threshold is None


def test_sequencing_collections_and_ignored_sequencing_are_listed():
    collection = """<imsss:sequencingCollection>
      <imsss:sequencing ID="shared"><imsss:controlMode choice="false" flow="true" forwardOnly="true"/>
        <imsss:limitConditions attemptLimit="2"/></imsss:sequencing>
    </imsss:sequencingCollection>"""
    body = """<item identifier="cluster"><title>Cụm</title>""" + TWO_SCOS + """
      <imsss:sequencing IDRef="shared"><imsss:controlMode choice="true"/>
        <imsss:sequencingRules><imsss:preConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions>
          <imsss:ruleAction action="skip"/>
        </imsss:preConditionRule></imsss:sequencingRules>
        <imsss:rollupRules/><imsss:randomizationControls/>
      </imsss:sequencing></item>"""
    parsed = parser.parse(manifest_2004(body, before_orgs=collection).encode())
    cluster = parsed.root.children[0]
    assert (cluster.sequencing.choice, cluster.sequencing.flow, cluster.sequencing.forward_only) == (True, True, True)
    assert parsed.root.sequencing.flow is False  # the organization declares nothing: SCORM defaults
    assert set(parsed.notes) == {"limit_conditions", "sequencing_rules", "rollup_rules", "randomization"}


def test_a_package_without_organizations_launches_its_first_sco():
    text = manifest_2004("", resources=(
        '<resource identifier="files" type="webcontent" adlcp:scormType="asset"><file href="x.css"/></resource>'
        '<resource identifier="intro" type="webcontent" adlcp:scormType="asset" href="intro.html"/>'
        '<resource identifier="main" type="webcontent" adlcp:scormType="sco" href="main.html"/>'))
    text = text.replace('<organizations default="o1"><organization identifier="o1"><title>Khóa 2004</title>'
                        '</organization></organizations>', "<organizations/>")
    parsed = parser.parse(text.encode())
    [item] = parsed.launchable()
    assert (item.identifier, item.launch, item.scorm_type) == ("main", "main.html", "sco")
    assert parsed.organization == ""


def test_xml_base_is_applied_to_launch_files():
    text = MANIFEST_12.replace("<resources>", '<resources xml:base="content/">').replace(
        'href="index.html">', 'xml:base="sco1/" href="index.html">')
    first, second = parser.parse(text.encode()).launchable()
    assert first.launch == "content/sco1/index.html"
    assert second.launch == "content/pages/two.html?step=2"


@pytest.mark.parametrize("href, parameters, expected", [
    ("a.html", "?q=1", "a.html?q=1"), ("a.html?x=1", "?q=1", "a.html?x=1&q=1"), ("a.html", "&q=1", "a.html?q=1"),
    ("a.html", "q=1", "a.html?q=1"), ("a.html#top", "q=1", "a.html?q=1#top"), ("a.html", "#part2", "a.html#part2"),
    ("a.html#top", "#part2", "a.html#top"), ("a.html", "  ", "a.html")])
def test_parameters_follow_the_content_packaging_rules(href, parameters, expected):
    assert parser.append_parameters(href, parameters) == expected


def test_a_dtd_or_entities_are_refused():
    xxe = '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]><manifest>&x;</manifest>'
    problem = refused(xxe)
    assert problem.code == "manifest_dtd"
    assert "declares a DTD or entities" in str(problem)
    laughs = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><manifest>&b;</manifest>')
    assert refused(laughs).code == "manifest_dtd"


def test_a_manifest_that_is_not_well_formed_is_refused():
    problem = refused("<manifest><organizations></manifest>")
    assert problem.code == "manifest_malformed"
    assert "not well-formed XML" in str(problem) and "line 1" in str(problem)


def test_the_root_must_be_a_manifest():
    problem = refused("<html><body/></html>")
    assert problem.code == "manifest_root" and "<html>" in str(problem)


def test_an_item_pointing_to_an_unknown_resource_is_refused():
    problem = refused(MANIFEST_12.replace('identifierref="r1"', 'identifierref="nowhere"'))
    assert problem.code == "missing_resource"
    assert "Item i1 refers to resource nowhere" in str(problem)


def test_an_item_pointing_to_a_resource_without_href_is_refused():
    problem = refused(MANIFEST_12.replace('adlcp:scormtype="sco" href="index.html"', 'adlcp:scormtype="sco"'))
    assert problem.code == "no_href"


@pytest.mark.parametrize("href, code", [("http://evil.example/x.html", "external_launch"),
                                        ("//evil.example/x.html", "external_launch"),
                                        ("javascript:alert(1)", "external_launch"),
                                        ("../outside.html", "unsafe_path"), ("/etc/passwd", "unsafe_path"),
                                        ("a/%2e%2e/%2e%2e/x.html", "unsafe_path")])
def test_launch_files_outside_the_package_are_refused(href, code):
    problem = refused(MANIFEST_12.replace('href="index.html">', f'href="{href}">'))
    assert problem.code == code
    assert href in str(problem)


def test_an_xml_base_that_escapes_is_refused():
    assert refused(MANIFEST_12.replace("<resources>", '<resources xml:base="../">')).code == "unsafe_path"


def test_nothing_to_launch_is_refused():
    text = MANIFEST_12.replace('identifierref="r1"', "").replace('identifierref="r2"', "")
    problem = refused(text)
    assert problem.code == "no_content"


def test_duplicate_item_identifiers_are_refused():
    assert refused(MANIFEST_12.replace('identifier="i2"', 'identifier="i1"')).code == "duplicate_item"
