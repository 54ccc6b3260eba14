"""The imsmanifest.xml parser: SCORM 1.2 and SCORM 2004 (2nd, 3rd, 4th editions), bytes in, dataclasses out.

Elements are matched by local name (namespace prefixes and versions vary between authoring tools);
attributes such as `adlcp:scormtype` (1.2) and `adlcp:scormType` (2004) are matched without regard to
case. The XML is parsed with defusedxml: a DTD or an entity declaration refuses the manifest, and so does
nesting deeper than the shared limit (lms/core/limits.py); the archive caps its size.

Of SCORM 2004 sequencing, the parser keeps what the player applies (control modes choice, flow and
forwardOnly; delivery controls; the primary objective's passing measure; objective ids) and lists by
name everything else it meets, so the package page and the README can say what is ignored.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask_babel import lazy_gettext as _l

from lms.core import limits
from lms.scorm.archive import PackageRefused

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
_PACKAGE_ROOT = "http://package.invalid/"

# Sequencing elements the player does not apply, by local name -> the note shown to lecturers.
IGNORED_SEQUENCING = {
    "sequencingRules": "sequencing_rules",
    "limitConditions": "limit_conditions",
    "auxiliaryResources": "auxiliary_resources",
    "rollupRules": "rollup_rules",
    "randomizationControls": "randomization",
    "constrainedChoiceConsiderations": "constrained_choice",
    "rollupConsiderations": "rollup_considerations",
    "mapInfo": "global_objectives",
}


@dataclass
class Sequencing:
    """The SCORM 2004 sequencing an item (or the organization) declares, as far as the player applies it."""

    choice: bool = True
    flow: bool = False
    forward_only: bool = False
    completion_set_by_content: bool = False
    objective_set_by_content: bool = False
    scaled_passing_score: float | None = None
    objective_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"choice": self.choice, "flow": self.flow, "forward_only": self.forward_only,
                "completion_set_by_content": self.completion_set_by_content,
                "objective_set_by_content": self.objective_set_by_content,
                "objective_ids": list(self.objective_ids)}


@dataclass
class Resource:
    identifier: str
    href: str  # with xml:base applied; "" when the resource has no launch file
    scorm_type: str  # "sco" or "asset"


@dataclass
class Item:
    identifier: str
    title: str
    resource: Resource | None = None
    parameters: str = ""
    visible: bool = True
    children: list[Item] = field(default_factory=list)
    mastery_score: float | None = None  # SCORM 1.2, 0..100
    max_time_allowed: str = ""
    time_limit_action: str = ""
    data_from_lms: str = ""
    completion_threshold: float | None = None  # SCORM 2004, 0..1
    sequencing: Sequencing = field(default_factory=Sequencing)
    hide_lms_ui: list[str] = field(default_factory=list)

    @property
    def launch(self) -> str:
        """The launch address relative to the package root: the resource's href with the parameters added."""
        return append_parameters(self.resource.href, self.parameters) if self.resource and self.resource.href else ""

    @property
    def scorm_type(self) -> str:
        return self.resource.scorm_type if self.resource and self.resource.href else ""


@dataclass
class Manifest:
    identifier: str
    version: str  # "1.2" or "2004"
    edition: str  # "2nd", "3rd", "4th" for 2004 when the manifest says; "" otherwise
    title: str
    organization: str  # identifier of the organization played ("" when the package has none)
    root: Item  # the organization as the root of the activity tree
    resources: dict[str, Resource]
    notes: list[str] = field(default_factory=list)  # sequencing and other declarations the player ignores

    def walk(self) -> list[tuple[Item, Item | None, int]]:
        """Every item below the root in document order, with its parent (None at the top) and depth."""
        found: list[tuple[Item, Item | None, int]] = []

        def visit(item: Item, parent: Item | None, depth: int) -> None:
            for child in item.children:
                found.append((child, parent, depth))
                visit(child, child, depth + 1)
        visit(self.root, None, 0)
        return found

    def launchable(self) -> list[Item]:
        return [item for item, _parent, _depth in self.walk() if item.launch]


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: ET.Element, name: str) -> ET.Element | None:
    for found in element:
        if local(found.tag) == name:
            return found
    return None


def text_of(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def attribute(element: ET.Element, name: str, default: str = "") -> str:
    """An attribute by local name, whatever its namespace and case (scormtype / scormType)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if local(key).lower() == wanted:
            return value.strip()
    return default


def boolean(value: str, default: bool) -> bool:
    value = (value or "").strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return default


def number(value: str) -> float | None:
    try:
        result = float((value or "").strip())
    except ValueError:
        return None
    return result if result == result and abs(result) != float("inf") else None


def append_parameters(href: str, parameters: str) -> str:
    """Add an item's `parameters` to its resource's href, by the IMS content packaging rules."""
    parameters = (parameters or "").strip()
    if not parameters:
        return href
    base, hash_mark, fragment = href.partition("#")
    if parameters.startswith("#"):
        return href if hash_mark else href + parameters
    query = parameters
    if query.startswith("?") or query.startswith("&"):
        query = query[1:]
    if not query:
        return href
    query, _, extra_fragment = query.partition("#")
    joined = base + ("&" if "?" in base else "?") + query
    if hash_mark:
        return joined + "#" + fragment
    return joined + ("#" + extra_fragment if extra_fragment else "")


def join_base(*parts: str) -> str:
    """Resolve an href against the xml:base values above it, as a relative URL resolves."""
    joined = _PACKAGE_ROOT
    for part in parts:
        if part:
            joined = urljoin(joined, part)
    if joined.startswith(_PACKAGE_ROOT):
        return joined[len(_PACKAGE_ROOT):]
    return joined


def launch_path(href: str) -> str:
    """The file a launch address names inside the package (no query or fragment, %-escapes decoded)."""
    return unquote(urlsplit(href).path)


def parse(data: bytes) -> Manifest:
    """Parse imsmanifest.xml; raise PackageRefused naming the problem."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise PackageRefused("manifest_dtd", _l("imsmanifest.xml declares a DTD or entities (%(detail)s), which "
                                                "are refused for safety."), detail=type(error).__name__) from error
    except ET.ParseError as error:
        raise PackageRefused("manifest_malformed", _l("imsmanifest.xml is not well-formed XML: %(detail)s."),
                             detail=str(error)) from error
    try:
        limits.check_tree_depth(root)
    except limits.LimitExceeded as error:
        raise PackageRefused(error.code, error.message, **error.params) from None
    if local(root.tag) != "manifest":
        raise PackageRefused("manifest_root", _l("imsmanifest.xml is not a content package manifest (its root "
                                                 "element is <%(tag)s>, expected <manifest>)."), tag=local(root.tag))
    return _Parser(root).manifest()


class _Parser:
    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.notes: list[str] = []
        self.version, self.edition = self._version()
        self.collections: dict[str, ET.Element] = {}
        collection = child(root, "sequencingCollection")
        if collection is not None:
            for sequencing in children(collection, "sequencing"):
                if attribute(sequencing, "ID"):
                    self.collections[attribute(sequencing, "ID")] = sequencing

    def note(self, key: str) -> None:
        if key not in self.notes:
            self.notes.append(key)

    def _version(self) -> tuple[str, str]:
        metadata = child(self.root, "metadata")
        declared = text_of(child(metadata, "schemaversion")) if metadata is not None else ""
        lowered = declared.lower()
        if lowered.startswith("1.2") or lowered == "1.1":
            return "1.2", ""
        if "2004" in lowered or "1.3" in lowered:
            for edition in ("4th", "3rd", "2nd"):
                if edition in lowered:
                    return "2004", edition
            return "2004", "2nd" if "1.3" in lowered else ""
        spaces = {namespace(e.tag) for e in self.root.iter() if isinstance(e.tag, str)}
        spaces |= {namespace(k) for e in self.root.iter() for k in e.attrib}
        if ADLCP_2004 in spaces or IMSSS in spaces or any("adlcp_v1p3" in s for s in spaces):
            return "2004", ""
        return "1.2", ""

    def manifest(self) -> Manifest:
        resources = self._resources()
        organizations = child(self.root, "organizations")
        chosen = None
        if organizations is not None:
            found = children(organizations, "organization")
            default = attribute(organizations, "default")
            chosen = next((o for o in found if attribute(o, "identifier") == default), found[0] if found else None)
        seen: set[str] = set()
        if chosen is not None and children(chosen, "item"):
            root = Item(identifier=attribute(chosen, "identifier"), title=text_of(child(chosen, "title")))
            root.sequencing = self._sequencing(chosen)
            root.children = [self._item(e, resources, seen) for e in children(chosen, "item")]
            organization = root.identifier
        else:
            root, organization = self._first_resource(resources), ""
        manifest = Manifest(identifier=attribute(self.root, "identifier"), version=self.version,
                            edition=self.edition, title=root.title, organization=organization, root=root,
                            resources=resources, notes=self.notes)
        if not manifest.launchable():
            raise PackageRefused("no_content", _l("The manifest names nothing to launch (no item refers to a "
                                                  "resource with a launch file)."))
        if not manifest.title:
            manifest.title = manifest.launchable()[0].title
        return manifest

    def _first_resource(self, resources: dict[str, Resource]) -> Item:
        """A package without organizations launches its first SCO (or, failing that, its first launch file)."""
        launchable = [r for r in resources.values() if r.href]
        chosen = next((r for r in launchable if r.scorm_type == "sco"), launchable[0] if launchable else None)
        root = Item(identifier="", title="")
        if chosen is not None:
            root.children = [Item(identifier=chosen.identifier, title=chosen.identifier, resource=chosen)]
        return root

    def _resources(self) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        holder = child(self.root, "resources")
        if holder is None:
            return found
        bases = (self.root.get(XML_BASE, ""), holder.get(XML_BASE, ""))
        for element in children(holder, "resource"):
            identifier = attribute(element, "identifier")
            href = attribute(element, "href")
            if href:
                own_base = element.get(XML_BASE, "")
                for part in (*bases, own_base, href):
                    _check_href(identifier, part, shown=href)
                href = join_base(*bases, own_base, href)
            scorm_type = attribute(element, "scormtype").lower() or "asset"
            found[identifier] = Resource(identifier=identifier, href=href,
                                         scorm_type="sco" if scorm_type == "sco" else "asset")
        return found

    def _item(self, element: ET.Element, resources: dict[str, Resource], seen: set[str]) -> Item:
        identifier = attribute(element, "identifier")
        if identifier in seen:
            raise PackageRefused("duplicate_item", _l("The manifest uses the identifier %(id)s for more than one "
                                                      "item."), id=identifier)
        seen.add(identifier)
        item = Item(identifier=identifier, title=text_of(child(element, "title")) or identifier,
                    parameters=attribute(element, "parameters"),
                    visible=boolean(attribute(element, "isvisible"), True))
        reference = attribute(element, "identifierref")
        if reference:
            resource = resources.get(reference)
            if resource is None:
                raise PackageRefused("missing_resource", _l("Item %(item)s refers to resource %(ref)s, which the "
                                                            "manifest does not declare."),
                                     item=identifier, ref=reference)
            if not resource.href:
                raise PackageRefused("no_href", _l("Item %(item)s refers to resource %(ref)s, which has no launch "
                                                   "file (href)."), item=identifier, ref=reference)
            item.resource = resource
        self._item_data(element, item)
        item.sequencing = self._sequencing(element)
        item.children = [self._item(e, resources, seen) for e in children(element, "item")]
        return item

    def _item_data(self, element: ET.Element, item: Item) -> None:
        for found in element:
            name = local(found.tag).lower()
            value = text_of(found)
            if name == "masteryscore":
                score = number(value)
                if score is not None and 0 <= score <= 100:
                    item.mastery_score = score
                else:
                    self.note("bad_mastery_score")
            elif name == "maxtimeallowed":
                item.max_time_allowed = value
            elif name == "timelimitaction":
                item.time_limit_action = value
            elif name == "datafromlms":
                item.data_from_lms = "".join(found.itertext()).strip()
            elif name == "prerequisites":
                self.note("prerequisites")
            elif name == "completionthreshold":
                item.completion_threshold = self._threshold(found, value)
            elif name == "presentation":
                interface = child(found, "navigationInterface")
                if interface is not None:
                    item.hide_lms_ui = [text_of(h) for h in children(interface, "hideLMSUI") if text_of(h)]

    def _threshold(self, element: ET.Element, value: str) -> float | None:
        # 4th edition: attributes completedByMeasure/minProgressMeasure; earlier editions: the element's text.
        if attribute(element, "completedByMeasure") or attribute(element, "minProgressMeasure"):
            if not boolean(attribute(element, "completedByMeasure"), False):
                return None
            measure = number(attribute(element, "minProgressMeasure", "1.0"))
        else:
            measure = number(value)
        return measure if measure is not None and 0 <= measure <= 1 else None

    def _sequencing(self, element: ET.Element) -> Sequencing:
        result = Sequencing()
        declared = child(element, "sequencing")
        if declared is None:
            return result
        sources = []
        if attribute(declared, "IDRef") in self.collections:
            sources.append(self.collections[attribute(declared, "IDRef")])
        sources.append(declared)
        for source in sources:
            self._apply_sequencing(source, result)
        return result

    def _apply_sequencing(self, sequencing: ET.Element, result: Sequencing) -> None:
        for part in sequencing.iter():
            name = local(part.tag)
            if name in IGNORED_SEQUENCING:
                self.note(IGNORED_SEQUENCING[name])
        control = child(sequencing, "controlMode")
        if control is not None:
            result.choice = boolean(attribute(control, "choice"), result.choice)
            result.flow = boolean(attribute(control, "flow"), result.flow)
            result.forward_only = boolean(attribute(control, "forwardOnly"), result.forward_only)
            if not boolean(attribute(control, "choiceExit"), True):
                self.note("choice_exit")
        delivery = child(sequencing, "deliveryControls")
        if delivery is not None:
            result.completion_set_by_content = boolean(attribute(delivery, "completionSetByContent"),
                                                       result.completion_set_by_content)
            result.objective_set_by_content = boolean(attribute(delivery, "objectiveSetByContent"),
                                                      result.objective_set_by_content)
            if not boolean(attribute(delivery, "tracked"), True):
                self.note("untracked")
        objectives = next((o for o in children(sequencing, "objectives") if "adlseq" not in namespace(o.tag)), None)
        if objectives is not None:
            for objective in objectives:
                identifier = attribute(objective, "objectiveID")
                if identifier and identifier not in result.objective_ids:
                    result.objective_ids.append(identifier)
                if local(objective.tag) == "primaryObjective" and boolean(attribute(objective,
                                                                                    "satisfiedByMeasure"), False):
                    measure = number(text_of(child(objective, "minNormalizedMeasure")) or "1.0")
                    if measure is not None and -1 <= measure <= 1:
                        result.scaled_passing_score = measure


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _check_href(identifier: str, value: str, *, shown: str) -> None:
    """An href (or an xml:base above it) must stay inside the package."""
    if not value:
        return
    if _SCHEME.match(value) or value.startswith("//"):
        raise PackageRefused("external_launch", _l("Resource %(ref)s launches %(href)s, which is outside the "
                                                   "package; only content inside the zip can be played."),
                             ref=identifier, href=value)
    parts = launch_path(value).replace("\\", "/").split("/")
    if value.startswith("/") or value.startswith("\\") or ".." in parts:
        raise PackageRefused("unsafe_path", _l("Resource %(ref)s launches %(href)s, which points outside the "
                                               "package."), ref=identifier, href=shown)
