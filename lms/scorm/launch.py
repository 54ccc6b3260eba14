"""What the player page needs to start: the items, each one's stored CMI and launch values, where to resume."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from lms.core import untrusted
from lms.scorm import datamodel, navigation, sandbox, tracking
from lms.scorm.models import ScormItem, ScormPackage
from lms.scorm.tracking import current_attempt, next_attempt_number

SAFE_URL_CHARACTERS = "/%!$&'()*+,;=:@~-._"


def content_prefix(package: ScormPackage) -> str:
    """The package's folder under a token URL for the current user (one token serves a player page)."""
    return untrusted.content_url(sandbox.KIND, sandbox.key(package), "x")[:-1]


def content_url(prefix: str, launch: str) -> str:
    """The address of a launch file in the package's folder, with its query and fragment kept."""
    parts = urlsplit(launch)
    address = prefix + quote(parts.path, safe=SAFE_URL_CHARACTERS)
    if parts.query:
        address += "?" + parts.query
    if parts.fragment:
        address += "#" + parts.fragment
    return address


def launch_values(version: str, cmi: dict, context: dict) -> dict:
    """What the run-time starts a SCO session with: the stored CMI and the values the platform provides."""
    values = dict(cmi)
    for element, spec in datamodel.MODELS[version]["elements"].items():
        provided = context.get(spec.get("lms", ""))
        if provided not in (None, "") and element not in values:
            values[element] = str(provided)
    return values


def outline(package: ScormPackage, items: dict[str, dict]) -> list[dict]:
    """The contents as a flat list in document order (depth gives the nesting), with each item's status.

    `items` is the "items" part of `player_state`: launchable items by identifier, with their status.
    """
    entries = []
    for item in package.items:
        state = items.get(item.identifier)
        entries.append({"id": item.identifier, "title": item.title, "depth": item.depth, "visible": item.visible,
                        "launchable": state is not None, "choice": bool(state and state["choice"]),
                        "status": state["status"] if state else "", "completed": bool(state and state["completed"])})
    return entries


def player_state(package: ScormPackage, user, *, start: str | None = None) -> dict:
    """Everything player.js starts from (JSON-serialisable)."""
    attempt = current_attempt(package.id, user.id)
    number = attempt.number if attempt else next_attempt_number(package.id, user.id)
    tracks = {t.item_identifier: t for t in attempt.tracks} if attempt else {}
    steps = navigation.steps(package)
    launchable = [item for item in package.items if item.launch]
    ids = {item.identifier for item in launchable}
    chosen = start if start in ids else (attempt.last_item if attempt and attempt.last_item in ids else None)
    items = {}
    prefix = content_prefix(package)
    for item in launchable:
        items[item.identifier] = _item_state(package, item, tracks.get(item.identifier), user, steps[item.identifier],
                                             prefix)
    return {
        "version": package.version,
        "learner": user.id,
        "attempt": number,
        "start": chosen or navigation.first_item(package),
        "order": [item.identifier for item in launchable],
        "items": items,
        "choice": {i: ("true" if steps[i].choice else "false") for i in ids},
        "done": sum(1 for t in tracks.values() if t.completed and t.item_identifier in ids),
        "total": len(launchable),
    }


def _item_state(package: ScormPackage, item: ScormItem, track, user, step: navigation.Step, prefix: str) -> dict:
    cmi = tracking.initial_cmi(package, item, track.cmi if track else None)
    context = tracking.context(package, item, track, user)
    return {"id": item.identifier, "title": item.title, "type": item.scorm_type,
            "url": content_url(prefix, item.launch),
            "next": step.next, "previous": step.previous, "choice": step.choice,
            "hide": list(item.hide_lms_ui or []),
            "cmi": cmi, "context": context, "values": launch_values(package.version, cmi, context),
            "status": track.status if track else "not attempted", "completed": bool(track and track.completed)}
