"""Reports: per official and item, the status, score, time and attempts; resetting an official's attempt."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.errors import NotFound
from lms.core.models import Official, User
from lms.scorm.models import ScormAttempt, ScormPackage, ScormTrack
from lms.scorm.tracking import current_attempt


@dataclass
class LearnerRow:
    """One official (or other learner) on the report: their latest attempt and its tracks by item."""

    user_id: int
    name: str
    code: str
    attempt: ScormAttempt
    tracks: dict[str, ScormTrack]


def latest_attempts(package_id: int):
    """A statement of each learner's latest attempt on the package, with the learner's name and code."""
    latest = (select(ScormAttempt.user_id, func.max(ScormAttempt.number).label("number"))
              .where(ScormAttempt.package_id == package_id).group_by(ScormAttempt.user_id).subquery())
    return (select(ScormAttempt, User.display_name, Official.employee_code, Official.full_name)
            .join(latest, (latest.c.user_id == ScormAttempt.user_id) & (latest.c.number == ScormAttempt.number))
            .join(User, User.id == ScormAttempt.user_id)
            .outerjoin(Official, Official.id == User.official_id)
            .where(ScormAttempt.package_id == package_id)
            .order_by(func.coalesce(Official.full_name, User.display_name), ScormAttempt.user_id))


def learner_rows(rows) -> list[LearnerRow]:
    """Attach the tracks of the listed attempts (one query, whatever the number of rows)."""
    attempts = [row[0] for row in rows]
    tracks: dict[int, dict[str, ScormTrack]] = {a.id: {} for a in attempts}
    if attempts:
        for track in db.session.scalars(select(ScormTrack).where(ScormTrack.attempt_id.in_(list(tracks)))):
            tracks[track.attempt_id][track.item_identifier] = track
    return [LearnerRow(user_id=attempt.user_id, name=full_name or display_name, code=code or "", attempt=attempt,
                       tracks=tracks[attempt.id])
            for attempt, display_name, code, full_name in rows]


def learner_attempts(package_id: int, user_id: int) -> list[ScormAttempt]:
    """All of a learner's attempts on the package, newest first, with their tracks."""
    attempts = list(db.session.scalars(select(ScormAttempt).where(ScormAttempt.package_id == package_id,
                                                                   ScormAttempt.user_id == user_id)
                                       .order_by(ScormAttempt.number.desc())))
    if not attempts:
        raise NotFound(_l("This person has not opened the package."))
    return attempts


def interactions(track: ScormTrack, version: str) -> list[dict]:
    """The interactions a SCO recorded, in order, as rows (id, type, response, result, ...)."""
    rows: dict[int, dict] = {}
    response = "student_response" if version == "1.2" else "learner_response"
    for element, value in (track.cmi or {}).items():
        parts = element.split(".")
        if len(parts) == 4 and parts[:2] == ["cmi", "interactions"] and parts[2].isdigit():
            rows.setdefault(int(parts[2]), {})[parts[3]] = value
    return [{"id": row.get("id", ""), "type": row.get("type", ""), "response": row.get(response, ""),
             "result": row.get("result", ""), "time": row.get("timestamp") or row.get("time", ""),
             "description": row.get("description", "")}
            for _index, row in sorted(rows.items())]


def reset_attempt(package: ScormPackage, user_id: int, number: int, *, actor_id: int | None) -> bool:
    """Close the learner's current attempt so that their next launch starts afresh; False if already closed.

    The attempt and its data stay for the record (and this page); a completion already reported to the
    course is not withdrawn.
    """
    attempt = current_attempt(package.id, user_id, lock=True)
    if attempt is None or attempt.number != number:
        return False
    attempt.reset_at = utcnow()
    attempt.reset_by = actor_id
    audit.record("scorm.attempt_reset", "scorm_attempt", attempt.id, actor_id=actor_id,
                 data={"package_id": package.id, "user_id": user_id, "number": number})
    db.session.flush()
    return True
