"""Tracking: the player's commits applied per official, package, attempt and item, and their outcome.

A commit carries the values a SCO set since the player's last acknowledged commit, in the order they
were first set. They are replayed through the server's runtime (`lms.scorm.runtime`), so every value
stored passed the data model's checks; a value that fails is left out and named in the answer.

Sessions: each launch of an item is a session with an id and a sequence number per commit. A commit
that is not newer than one already applied for its session is ignored (the page's last beacon and a
slower fetch may arrive in either order: the newer one always carries everything). The time of a
session is the session_time the SCO reported, or, when it reported none, the time the player measured.

When a session ends (Terminate/LMSFinish, or the page is closed) the rules of each version apply:
SCORM 1.2 sets lesson_status "completed" when the SCO set none and applies the mastery score;
SCORM 2004 completes (and satisfies) an item whose content does not set those itself
(completionSetByContent / objectiveSetByContent false, the defaults). An asset counts as completed once
launched.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.core import activities
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.scorm import timing
from lms.scorm.datamodel import SCORM12
from lms.scorm.models import ScormAttempt, ScormItem, ScormPackage, ScormTrack
from lms.scorm.runtime import RUNNING, Runtime, completion_status, success_status

RECENT_SESSIONS = 20
MAX_MEASURED_SECONDS = 12 * 3600.0
DONE_12 = ("completed", "passed", "failed")


class CommitRefused(DomainError):
    """A commit the server cannot apply; `status` is the HTTP status the player is answered with."""

    def __init__(self, message, status: int = 400, **params) -> None:
        super().__init__(message, **params)
        self.status = status


@dataclass(frozen=True)
class Commit:
    item: str
    attempt: int
    session: str
    seq: int
    values: list[tuple[str, str]]
    final: bool = False
    initialized: bool = False
    elapsed: float = 0.0
    learner: int | None = None  # the user the page was opened for

    @classmethod
    def from_payload(cls, data) -> Commit:
        """Read the player's JSON; anything malformed is refused as a whole."""
        try:
            values = [(str(element), str(value)) for element, value in data.get("values", [])]
            commit = cls(item=str(data["item"]), attempt=int(data["attempt"]), session=str(data["session"])[:64],
                         seq=int(data["seq"]), values=values, final=bool(data.get("final")),
                         initialized=bool(data.get("initialized")),
                         elapsed=min(MAX_MEASURED_SECONDS, max(0.0, float(data.get("elapsed") or 0))),
                         learner=int(data["learner"]) if data.get("learner") is not None else None)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise CommitRefused(_l("The player sent a commit this server cannot read.")) from error
        if not commit.session or commit.attempt < 1:
            raise CommitRefused(_l("The player sent a commit this server cannot read."))
        return commit


@dataclass
class CommitResult:
    rejected: list[dict] = field(default_factory=list)
    stale: bool = False
    track: ScormTrack | None = None
    attempt: ScormAttempt | None = None


# --- what a SCO sees at launch -----------------------------------------------------------------------

def _number_text(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def entry(track: ScormTrack | None) -> str:
    if track is None or track.session_count == 0:
        return "ab-initio"
    return "resume" if track.exit == "suspend" else ""


def context(package: ScormPackage, item: ScormItem, track: ScormTrack | None, user) -> dict:
    """The values the platform provides to the SCO (learner, entry, total time, manifest data)."""
    total = track.total_seconds if track is not None else 0.0
    common = {"learner_id": str(user.id), "learner_name": user.display_name, "credit": "credit", "mode": "normal",
              "entry": entry(track), "total_time": timing.formatted(package.version, total)}
    if package.version == SCORM12:
        return {**common, "launch_data": item.data_from_lms, "mastery_score": _number_text(item.mastery_score) or "",
                "max_time_allowed": item.max_time_allowed, "time_limit_action": item.time_limit_action,
                "comments_from_lms": ""}
    provided = {"launch_data": item.data_from_lms or None, "max_time_allowed": item.max_time_allowed or None,
                "time_limit_action": item.time_limit_action or "continue,no message",
                "completion_threshold": _number_text(item.completion_threshold),
                "scaled_passing_score": _number_text(item.scaled_passing_score)}
    return {**common, **{k: v for k, v in provided.items() if v is not None}}


def initial_cmi(package: ScormPackage, item: ScormItem, stored: dict | None) -> dict:
    """The stored CMI, plus (SCORM 2004) the objectives the manifest declares for the item."""
    cmi = dict(stored or {})
    if package.version != SCORM12:
        known = {v for k, v in cmi.items() if k.startswith("cmi.objectives.") and k.endswith(".id")}
        count = len(known)
        for identifier in (item.sequencing or {}).get("objective_ids", []):
            if identifier not in known:
                cmi[f"cmi.objectives.{count}.id"] = identifier
                count += 1
    return cmi


# --- attempts ---------------------------------------------------------------------------------------

def current_attempt(package_id: int, user_id: int, *, lock: bool = False) -> ScormAttempt | None:
    statement = (select(ScormAttempt).where(ScormAttempt.package_id == package_id, ScormAttempt.user_id == user_id,
                                            ScormAttempt.reset_at.is_(None))
                 .order_by(ScormAttempt.number.desc()).limit(1))
    if lock:
        statement = statement.with_for_update()
    return db.session.scalar(statement)


def next_attempt_number(package_id: int, user_id: int) -> int:
    last = db.session.scalar(select(func.max(ScormAttempt.number)).where(ScormAttempt.package_id == package_id,
                                                                          ScormAttempt.user_id == user_id))
    return (last or 0) + 1


# --- applying a commit ------------------------------------------------------------------------------

def record_commit(package: ScormPackage, user, commit: Commit) -> CommitResult:  # noqa: C901  (one branch per field of a commit the player sends)
    """Apply one commit from the player for `user` (flushes; the view commits)."""
    if commit.learner is not None and commit.learner != user.id:
        # Someone else logged in on this browser since the page was opened: their record must not get it.
        raise CommitRefused(_l("Someone else is now logged in on this browser. Reload the page."), status=409)
    item = next((i for i in package.items if i.identifier == commit.item and i.launch), None)
    if item is None:
        raise CommitRefused(_l("This package has no item %(item)s."), status=404, item=commit.item)
    attempt = current_attempt(package.id, user.id, lock=True)
    if attempt is None:
        if commit.attempt != next_attempt_number(package.id, user.id):
            raise CommitRefused(_l("This attempt was reset. Reload the page to start a new attempt."), status=409)
        attempt = ScormAttempt(package_id=package.id, user_id=user.id, number=commit.attempt)
        db.session.add(attempt)
        db.session.flush()
    elif attempt.number != commit.attempt:
        raise CommitRefused(_l("This attempt was reset. Reload the page to start a new attempt."), status=409)
    track = next((t for t in attempt.tracks if t.item_identifier == item.identifier), None)
    if track is None:
        track = ScormTrack(item_identifier=item.identifier, cmi={}, sessions=[], session_count=0, base_seconds=0.0,
                           total_seconds=0.0, exit="", status="not attempted", success="unknown", completed=False)
        attempt.tracks.append(track)
    result = CommitResult(track=track, attempt=attempt)
    sessions = [dict(s) for s in track.sessions or []]
    session = next((s for s in sessions if s["id"] == commit.session), None)
    if session is None:
        session = {"id": commit.session, "seq": -1, "seconds": 0.0, "reported": False}
        sessions.append(session)
        track.session_count += 1
    elif commit.seq <= session["seq"]:
        result.stale = True
        return result
    latest = session is sessions[-1]
    session["seq"] = commit.seq

    runtime = Runtime(package.version, cmi=initial_cmi(package, item, track.cmi),
                      context=context(package, item, track, user))
    runtime.state = RUNNING
    for element, value in commit.values:
        if not runtime.store(element, value):
            result.rejected.append({"element": element, "error": runtime.last_error})
    values = dict(runtime.values)
    prefix = "cmi.core." if package.version == SCORM12 else "cmi."
    reported = values.pop(prefix + "session_time", None)
    exit_value = values.pop(prefix + "exit", None)
    values.pop("adl.nav.request", None)
    if reported is not None:
        session.update(seconds=timing.seconds(package.version, reported) or 0.0, reported=True)
    elif not session["reported"]:
        session["seconds"] = max(session["seconds"], commit.elapsed)

    if latest:
        if commit.final and commit.initialized:
            values = end_session(package, item, values)
        if item.scorm_type == "asset":
            values = _asset_done(package, values)
        track.cmi = values
        if exit_value is not None:
            track.exit = exit_value
    _fold_sessions(track, sessions)
    _summarise(package, item, track)
    track.updated_at = utcnow()
    attempt.last_item = item.identifier
    attempt.updated_at = utcnow()
    db.session.flush()
    refresh_outcome(package, attempt)
    return result


def _fold_sessions(track: ScormTrack, sessions: list[dict]) -> None:
    while len(sessions) > RECENT_SESSIONS:
        track.base_seconds = (track.base_seconds or 0.0) + sessions.pop(0)["seconds"]
    track.sessions = sessions
    track.total_seconds = (track.base_seconds or 0.0) + sum(s["seconds"] for s in sessions)


def end_session(package: ScormPackage, item: ScormItem, cmi: dict) -> dict:
    """What each version's LMS does when a SCO's session ends."""
    cmi = dict(cmi)
    if package.version == SCORM12:
        status = cmi.get("cmi.core.lesson_status", "not attempted")
        if status == "not attempted":
            status = "completed"
        raw = _number(cmi.get("cmi.core.score.raw"))
        if item.mastery_score is not None and raw is not None and status != "incomplete":
            status = "passed" if raw >= item.mastery_score else "failed"
        cmi["cmi.core.lesson_status"] = status
        return cmi
    sequencing = item.sequencing or {}
    if not sequencing.get("completion_set_by_content") and \
            completion_status(cmi, item.completion_threshold) == "unknown":
        cmi["cmi.completion_status"] = "completed"
    if not sequencing.get("objective_set_by_content") and \
            success_status(cmi, item.scaled_passing_score) == "unknown":
        cmi["cmi.success_status"] = "passed"
    return cmi


def _asset_done(package: ScormPackage, cmi: dict) -> dict:
    key = "cmi.core.lesson_status" if package.version == SCORM12 else "cmi.completion_status"
    return {**cmi, key: "completed"}


def _number(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _summarise(package: ScormPackage, item: ScormItem, track: ScormTrack) -> None:
    cmi = track.cmi or {}
    if package.version == SCORM12:
        status = cmi.get("cmi.core.lesson_status", "not attempted")
        track.status = status
        track.success = status if status in ("passed", "failed") else "unknown"
        track.completed = status in DONE_12
        prefix = "cmi.core.score."
        track.score_scaled = None
    else:
        track.status = completion_status(cmi, item.completion_threshold)
        track.success = success_status(cmi, item.scaled_passing_score)
        track.completed = track.status == "completed" or track.success == "passed"
        prefix = "cmi.score."
        track.score_scaled = _number(cmi.get(prefix + "scaled"))
    track.score_raw = _number(cmi.get(prefix + "raw"))
    track.score_min = _number(cmi.get(prefix + "min"))
    track.score_max = _number(cmi.get(prefix + "max"))


def score_fraction(package: ScormPackage, track: ScormTrack) -> float | None:
    """A track's score as a fraction 0..1 (scaled when given, else raw between min and max)."""
    if track.score_scaled is not None:
        return min(1.0, max(0.0, track.score_scaled))
    if track.score_raw is None:
        return None
    low = track.score_min if track.score_min is not None else 0.0
    high = track.score_max if track.score_max is not None else (100.0 if package.version == SCORM12 else None)
    if high is None or high <= low:
        return None
    return min(1.0, max(0.0, (track.score_raw - low) / (high - low)))


def refresh_outcome(package: ScormPackage, attempt: ScormAttempt) -> None:
    """Recompute the attempt's summary and report it to the platform when it changed.

    The package is complete when every launchable item is; passed when every item that reports success
    passed (None when none does); its score is the mean of the items' scores. A package that is
    finished but failed is reported as not completed, with passed=False and its score.
    """
    launchable = {item.identifier for item in package.items if item.launch}
    tracks = [t for t in attempt.tracks if t.item_identifier in launchable]
    done = sum(1 for t in tracks if t.completed)
    successes = [t.success for t in tracks if t.success in ("passed", "failed")]
    passed = None if not successes else all(s == "passed" for s in successes)
    fractions = [f for f in (score_fraction(package, t) for t in tracks) if f is not None]
    score = round(sum(fractions) / len(fractions), 4) if fractions else None
    completed = done == len(launchable) and passed is not False
    attempt.items_done = done
    attempt.total_seconds = sum(t.total_seconds or 0.0 for t in tracks)
    attempt.passed = passed
    attempt.score = score
    if completed and not attempt.completed:
        attempt.completed_at = utcnow()
    attempt.completed = completed
    key = f"{int(completed)}:{passed}:{score}"
    if key != attempt.reported:
        attempt.reported = key
        db.session.flush()
        activities.report_outcome(attempt.user_id, "scorm", str(package.id), completed=completed, passed=passed,
                                  score=score)
