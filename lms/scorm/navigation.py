"""Moving between the items of a package: the flow (Previous/Next) and choice (the contents) it allows.

SCORM 1.2 leaves navigation to the platform: every item can be chosen and Previous/Next follow the
document order. For SCORM 2004 the control modes of the activity tree decide (SCORM 2004 Sequencing and
Navigation, simplified): Next/Previous go to the adjacent launchable item when every cluster between the
two allows flow (and, going back, does not say forwardOnly); an item can be chosen from the contents when
every cluster above it allows choice. Sequencing rules, limit conditions and the rest are not applied
(the package page lists what a package declares of them).
"""
from __future__ import annotations

from dataclasses import dataclass

from lms.scorm.datamodel import SCORM12
from lms.scorm.models import ScormItem, ScormPackage

ROOT = ""


@dataclass(frozen=True)
class Step:
    next: str | None
    previous: str | None
    choice: bool


def _controls(package: ScormPackage, items: dict[str, ScormItem], identifier: str) -> dict:
    defaults = {"choice": True, "flow": False, "forward_only": False}
    source = package.sequencing if identifier == ROOT else items[identifier].sequencing
    return {**defaults, **(source or {})}


def _ancestors(items: dict[str, ScormItem], identifier: str) -> list[str]:
    chain, current = [], items[identifier].parent
    while current != ROOT and current in items:
        chain.append(current)
        current = items[current].parent
    chain.append(ROOT)
    return chain


def _flow_allowed(package, items, source: str, target: str, *, backwards: bool) -> bool:
    mine, theirs = _ancestors(items, source), _ancestors(items, target)
    common = next(a for a in theirs if a in mine)
    clusters = [mine[0]] + theirs[: theirs.index(common) + 1]
    for cluster in clusters:
        controls = _controls(package, items, cluster)
        if not controls["flow"] or (backwards and controls["forward_only"]):
            return False
    return True


def steps(package: ScormPackage) -> dict[str, Step]:
    """For each launchable item: where Next and Previous lead, and whether the contents may open it."""
    items = {item.identifier: item for item in package.items}
    order = [item.identifier for item in package.items if item.launch]
    result: dict[str, Step] = {}
    for position, identifier in enumerate(order):
        after = order[position + 1] if position + 1 < len(order) else None
        before = order[position - 1] if position > 0 else None
        if package.version == SCORM12:
            result[identifier] = Step(next=after, previous=before, choice=True)
            continue
        if after and not _flow_allowed(package, items, identifier, after, backwards=False):
            after = None
        if before and not _flow_allowed(package, items, identifier, before, backwards=True):
            before = None
        choice = all(_controls(package, items, a)["choice"] for a in _ancestors(items, identifier))
        result[identifier] = Step(next=after, previous=before, choice=choice)
    return result


def first_item(package: ScormPackage) -> str | None:
    launchable = [item.identifier for item in package.items if item.launch]
    return launchable[0] if launchable else None
