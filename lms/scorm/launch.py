"""What the player page needs to start: the items, each one's stored CMI and launch values, where to resume."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import url_for

from lms.scorm import datamodel, navigation, tracking
from lms.scorm.models import ScormItem, ScormPackage
from lms.scorm.tracking import current_attempt, next_attempt_number

SAFE_URL_CHARACTERS = "/%!$&'()*+,;=:@~-._"


def content_url(package: ScormPackage, launch: str) -> str:
    """The address of a launch file under /scorm/<id>/content/, with its query and fragment kept."""
    parts = urlsplit(launch)
    prefix = url_for("scorm.content", package_id=package.id, path="x")[:-1]
    address = prefix + quote(parts.path, safe=SAFE_URL_CHARACTERS)
    if parts.query:
        address += "?" + parts.query
    if parts.fragment:
        address += "#" + parts.fragment
    return address


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
    """Everything runtime.js and player.js start from (JSON-serialisable)."""
    attempt = current_attempt(package.id, user.id)
    number = attempt.number if attempt else next_attempt_number(package.id, user.id)
    tracks = {t.item_identifier: t for t in attempt.tracks} if attempt else {}
    steps = navigation.steps(package)
    launchable = [item for item in package.items if item.launch]
    ids = {item.identifier for item in launchable}
    chosen = start if start in ids else (attempt.last_item if attempt and attempt.last_item in ids else None)
    items = {}
    for item in launchable:
        items[item.identifier] = _item_state(package, item, tracks.get(item.identifier), user, steps[item.identifier])
    return {
        "version": package.version,
        "learner": user.id,
        "attempt": number,
        "start": chosen or navigation.first_item(package),
        "order": [item.identifier for item in launchable],
        "items": items,
        "runtime": datamodel.as_json(package.version),
        "choice": {i: ("true" if steps[i].choice else "false") for i in ids},
        "done": sum(1 for t in tracks.values() if t.completed and t.item_identifier in ids),
        "total": len(launchable),
    }


def _item_state(package: ScormPackage, item: ScormItem, track, user, step: navigation.Step) -> dict:
    return {"id": item.identifier, "title": item.title, "type": item.scorm_type,
            "url": content_url(package, item.launch),
            "next": step.next, "previous": step.previous, "choice": step.choice,
            "hide": list(item.hide_lms_ui or []),
            "cmi": tracking.initial_cmi(package, item, track.cmi if track else None),
            "context": tracking.context(package, item, track, user),
            "status": track.status if track else "not attempted", "completed": bool(track and track.completed)}
