"""The SCORM run-time data models (SCORM 1.2 and SCORM 2004) as tables.

The server re-validates every commit with these tables (`lms.scorm.runtime`), whatever the browser's
run-time (scorm-again, in the player page) accepted; `tests/scorm/vectors/*.json` run against it. The
`lms` keys also name what the player loads into scorm-again at launch (lms.scorm.launch.launch_values).

An element's spec: `access` ("ro", "rw", "wo"), `type` and its parameters, and optionally `default`
(the value before anything is set), `lms` (a value the platform provides at launch, by key), `set`
(the values a SCO may set when smaller than the vocabulary), `requires` (elements that must be set first,
SCORM 2004 error 408), `unique` (no two entries of the array may share the value, 2004 error 351) and
`immutable` (once set it may not change, 2004 error 351).

Deliberate leniency, as in other LMSs that meet real content: `cmi.suspend_data` takes up to 64,000
characters in both versions (SCORM 1.2 says 4,096), and SCORM 1.2 interaction responses and patterns up
to 4,096 (the specification says 255).
"""
from __future__ import annotations

import re

SCORM12 = "1.2"
SCORM2004 = "2004"


def _el(access: str, type_: str, **params) -> dict:
    return {"access": access, "type": type_, **params}


STATUS_12 = ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"]
SCORE_12 = {"min": 0, "max": 100, "blank": True}

MODEL_12 = {
    "version": SCORM12,
    "dataModelVersion": "3.4",
    "children": {
        "cmi": "core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions",
        "cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,"
                    "lesson_mode,exit,session_time",
        "cmi.core.score": "raw,min,max",
        "cmi.objectives": "id,score,status",
        "cmi.objectives.n.score": "raw,min,max",
        "cmi.student_data": "mastery_score,max_time_allowed,time_limit_action",
        "cmi.student_preference": "audio,language,speed,text",
        "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency",
    },
    # array -> the most entries the platform keeps
    "arrays": {"cmi.objectives": 250, "cmi.interactions": 1000, "cmi.interactions.n.objectives": 100,
               "cmi.interactions.n.correct_responses": 100},
    "elements": {
        "cmi.core.student_id": _el("ro", "string", max=255, lms="learner_id"),
        "cmi.core.student_name": _el("ro", "string", max=255, lms="learner_name"),
        "cmi.core.lesson_location": _el("rw", "string", max=255),
        "cmi.core.credit": _el("ro", "vocab", values=["credit", "no-credit"], lms="credit"),
        "cmi.core.lesson_status": _el("rw", "vocab", values=STATUS_12, set=STATUS_12[:5], default="not attempted"),
        "cmi.core.entry": _el("ro", "vocab", values=["ab-initio", "resume", ""], lms="entry"),
        "cmi.core.score.raw": _el("rw", "decimal", **SCORE_12),
        "cmi.core.score.min": _el("rw", "decimal", **SCORE_12),
        "cmi.core.score.max": _el("rw", "decimal", **SCORE_12),
        "cmi.core.total_time": _el("ro", "timespan12", lms="total_time"),
        "cmi.core.lesson_mode": _el("ro", "vocab", values=["browse", "normal", "review"], lms="mode"),
        "cmi.core.exit": _el("wo", "vocab", values=["time-out", "suspend", "logout", ""]),
        "cmi.core.session_time": _el("wo", "timespan12"),
        "cmi.suspend_data": _el("rw", "string", max=64000),
        "cmi.launch_data": _el("ro", "string", max=4096, lms="launch_data"),
        "cmi.comments": _el("rw", "string", max=4096),
        "cmi.comments_from_lms": _el("ro", "string", max=4096, lms="comments_from_lms"),
        "cmi.objectives.n.id": _el("rw", "identifier12"),
        "cmi.objectives.n.score.raw": _el("rw", "decimal", **SCORE_12),
        "cmi.objectives.n.score.min": _el("rw", "decimal", **SCORE_12),
        "cmi.objectives.n.score.max": _el("rw", "decimal", **SCORE_12),
        "cmi.objectives.n.status": _el("rw", "vocab", values=STATUS_12),
        "cmi.student_data.mastery_score": _el("ro", "decimal", lms="mastery_score"),
        "cmi.student_data.max_time_allowed": _el("ro", "timespan12", lms="max_time_allowed"),
        "cmi.student_data.time_limit_action": _el("ro", "string", max=255, lms="time_limit_action"),
        "cmi.student_preference.audio": _el("rw", "integer", min=-1, max=100, default="0"),
        "cmi.student_preference.language": _el("rw", "string", max=255, default=""),
        "cmi.student_preference.speed": _el("rw", "integer", min=-100, max=100, default="0"),
        "cmi.student_preference.text": _el("rw", "integer", min=-1, max=1, default="0"),
        "cmi.interactions.n.id": _el("wo", "identifier12"),
        "cmi.interactions.n.objectives.n.id": _el("wo", "identifier12"),
        "cmi.interactions.n.time": _el("wo", "time12"),
        "cmi.interactions.n.type": _el("wo", "vocab", values=["true-false", "choice", "fill-in", "matching",
                                                              "performance", "sequencing", "likert", "numeric"]),
        "cmi.interactions.n.correct_responses.n.pattern": _el("wo", "string", max=4096),
        "cmi.interactions.n.weighting": _el("wo", "decimal"),
        "cmi.interactions.n.student_response": _el("wo", "string", max=4096),
        "cmi.interactions.n.result": _el("wo", "result12"),
        "cmi.interactions.n.latency": _el("wo", "timespan12"),
    },
}

COMPLETION = ["completed", "incomplete", "not attempted", "unknown"]
SUCCESS = ["passed", "failed", "unknown"]
INTERACTION_TYPES = ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"]
INTERACTION = "cmi.interactions.n.id"
OBJECTIVE = "cmi.objectives.n.id"

MODEL_2004 = {
    "version": SCORM2004,
    "dataModelVersion": "1.0",
    "children": {
        "cmi.comments_from_learner": "comment,location,timestamp",
        "cmi.comments_from_lms": "comment,location,timestamp",
        "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,"
                            "latency,description",
        "cmi.learner_preference": "audio_level,language,delivery_speed,audio_captioning",
        "cmi.objectives": "id,score,success_status,completion_status,progress_measure,description",
        "cmi.objectives.n.score": "scaled,raw,min,max",
        "cmi.score": "scaled,raw,min,max",
    },
    "arrays": {"cmi.comments_from_learner": 250, "cmi.comments_from_lms": 0, "cmi.interactions": 1000,
               "cmi.interactions.n.objectives": 100, "cmi.interactions.n.correct_responses": 100,
               "cmi.objectives": 250},
    "elements": {
        "cmi.comments_from_learner.n.comment": _el("rw", "localized", max=4000),
        "cmi.comments_from_learner.n.location": _el("rw", "string", max=250),
        "cmi.comments_from_learner.n.timestamp": _el("rw", "time"),
        "cmi.comments_from_lms.n.comment": _el("ro", "localized", max=4000),
        "cmi.comments_from_lms.n.location": _el("ro", "string", max=250),
        "cmi.comments_from_lms.n.timestamp": _el("ro", "time"),
        "cmi.completion_status": _el("rw", "vocab", values=COMPLETION, default="unknown"),
        "cmi.completion_threshold": _el("ro", "real", min=0, max=1, lms="completion_threshold"),
        "cmi.credit": _el("ro", "vocab", values=["credit", "no-credit"], lms="credit"),
        "cmi.entry": _el("ro", "vocab", values=["ab-initio", "resume", ""], lms="entry"),
        "cmi.exit": _el("wo", "vocab", values=["time-out", "suspend", "logout", "normal", ""]),
        "cmi.interactions.n.id": _el("rw", "long_id"),
        "cmi.interactions.n.type": _el("rw", "vocab", values=INTERACTION_TYPES, requires=[INTERACTION]),
        "cmi.interactions.n.objectives.n.id": _el("rw", "long_id", requires=[INTERACTION], unique=True),
        "cmi.interactions.n.timestamp": _el("rw", "time", requires=[INTERACTION]),
        "cmi.interactions.n.correct_responses.n.pattern": _el("rw", "pattern", requires=[INTERACTION,
                                                                                         "cmi.interactions.n.type"]),
        "cmi.interactions.n.weighting": _el("rw", "real", requires=[INTERACTION]),
        "cmi.interactions.n.learner_response": _el("rw", "response", requires=[INTERACTION,
                                                                              "cmi.interactions.n.type"]),
        "cmi.interactions.n.result": _el("rw", "result", requires=[INTERACTION]),
        "cmi.interactions.n.latency": _el("rw", "duration", requires=[INTERACTION]),
        "cmi.interactions.n.description": _el("rw", "localized", max=250, requires=[INTERACTION]),
        "cmi.launch_data": _el("ro", "string", max=4000, lms="launch_data"),
        "cmi.learner_id": _el("ro", "long_id", lms="learner_id"),
        "cmi.learner_name": _el("ro", "localized", max=250, lms="learner_name"),
        "cmi.learner_preference.audio_level": _el("rw", "real", min=0, default="1"),
        "cmi.learner_preference.language": _el("rw", "language", default=""),
        "cmi.learner_preference.delivery_speed": _el("rw", "real", min=0, default="1"),
        "cmi.learner_preference.audio_captioning": _el("rw", "vocab", values=["-1", "0", "1"], default="0"),
        "cmi.location": _el("rw", "string", max=1000),
        "cmi.max_time_allowed": _el("ro", "duration", lms="max_time_allowed"),
        "cmi.mode": _el("ro", "vocab", values=["browse", "normal", "review"], lms="mode"),
        "cmi.objectives.n.id": _el("rw", "long_id", unique=True, immutable=True),
        "cmi.objectives.n.score.scaled": _el("rw", "real", min=-1, max=1, requires=[OBJECTIVE]),
        "cmi.objectives.n.score.raw": _el("rw", "real", requires=[OBJECTIVE]),
        "cmi.objectives.n.score.min": _el("rw", "real", requires=[OBJECTIVE]),
        "cmi.objectives.n.score.max": _el("rw", "real", requires=[OBJECTIVE]),
        "cmi.objectives.n.success_status": _el("rw", "vocab", values=SUCCESS, default="unknown",
                                               requires=[OBJECTIVE]),
        "cmi.objectives.n.completion_status": _el("rw", "vocab", values=COMPLETION, default="unknown",
                                                  requires=[OBJECTIVE]),
        "cmi.objectives.n.progress_measure": _el("rw", "real", min=0, max=1, requires=[OBJECTIVE]),
        "cmi.objectives.n.description": _el("rw", "localized", max=250, requires=[OBJECTIVE]),
        "cmi.progress_measure": _el("rw", "real", min=0, max=1),
        "cmi.scaled_passing_score": _el("ro", "real", min=-1, max=1, lms="scaled_passing_score"),
        "cmi.score.scaled": _el("rw", "real", min=-1, max=1),
        "cmi.score.raw": _el("rw", "real"),
        "cmi.score.min": _el("rw", "real"),
        "cmi.score.max": _el("rw", "real"),
        "cmi.session_time": _el("wo", "duration"),
        "cmi.success_status": _el("rw", "vocab", values=SUCCESS, default="unknown"),
        "cmi.suspend_data": _el("rw", "string", max=64000),
        "cmi.time_limit_action": _el("ro", "vocab", values=["exit,message", "continue,message", "exit,no message",
                                                             "continue,no message"], lms="time_limit_action"),
        "cmi.total_time": _el("ro", "duration", lms="total_time"),
        "adl.nav.request": _el("rw", "nav_request", default="_none_"),
    },
}

MODELS = {SCORM12: MODEL_12, SCORM2004: MODEL_2004}

# Error codes, by condition, per version; the texts are the specifications' own (they are API output).
ERRORS = {
    SCORM12: {
        "init_twice": 101, "init_after": 101, "terminate_before": 301, "terminate_after": 301,
        "get_before": 301, "get_after": 301, "set_before": 301, "set_after": 301, "commit_before": 301,
        "commit_after": 301, "argument": 201, "children": 202, "count": 203, "undefined": 201, "index": 201,
        "set_index": 201, "get_failure": 201, "set_empty": 201, "set_failure": 101, "not_initialized_value": 0,
        "keyword": 402, "read_only": 403, "write_only": 404, "type": 405, "range": 405, "dependency": 201,
    },
    SCORM2004: {
        "init_twice": 103, "init_after": 104, "terminate_before": 112, "terminate_after": 113,
        "get_before": 122, "get_after": 123, "set_before": 132, "set_after": 133, "commit_before": 142,
        "commit_after": 143, "argument": 201, "children": 301, "count": 301, "undefined": 401, "index": 301,
        "set_index": 351, "get_failure": 301, "set_empty": 351, "set_failure": 351, "not_initialized_value": 403,
        "keyword": 404, "read_only": 404, "write_only": 405, "type": 406, "range": 407, "dependency": 408,
    },
}

ERROR_STRINGS = {
    SCORM12: {
        "0": "No error", "101": "General exception", "201": "Invalid argument error",
        "202": "Element cannot have children", "203": "Element not an array - cannot have count",
        "301": "Not initialized", "401": "Not implemented error", "402": "Invalid set value, element is a keyword",
        "403": "Element is read only", "404": "Element is write only", "405": "Incorrect data type",
    },
    SCORM2004: {
        "0": "No Error", "101": "General Exception", "102": "General Initialization Failure",
        "103": "Already Initialized", "104": "Content Instance Terminated", "111": "General Termination Failure",
        "112": "Termination Before Initialization", "113": "Termination After Termination",
        "122": "Retrieve Data Before Initialization", "123": "Retrieve Data After Termination",
        "132": "Store Data Before Initialization", "133": "Store Data After Termination",
        "142": "Commit Before Initialization", "143": "Commit After Termination", "201": "General Argument Error",
        "301": "General Get Failure", "351": "General Set Failure", "391": "General Commit Failure",
        "401": "Undefined Data Model Element", "402": "Unimplemented Data Model Element",
        "403": "Data Model Element Value Not Initialized", "404": "Data Model Element Is Read Only",
        "405": "Data Model Element Is Write Only", "406": "Data Model Element Type Mismatch",
        "407": "Data Model Element Value Out Of Range", "408": "Data Model Dependency Not Established",
    },
}

# Regular expressions of the value types (explicit [0-9], no '.', anchored by the caller).
PATTERNS = {
    "decimal": r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?",
    "integer": r"-?[0-9]+",
    "timespan12": r"[0-9]{2,4}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,2})?",
    "time12": r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,2})?",
    "duration": r"P(?=[0-9]|T[0-9])([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?"
                r"([0-9]+(\.[0-9]{1,2})?S)?)?",
    "time": r"(19[7-9][0-9]|20[0-2][0-9]|203[0-8])(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])"
            r"(T([01][0-9]|2[0-3])(:[0-5][0-9](:[0-5][0-9](\.[0-9]{1,2})?)?)?"
            r"(Z|[-+]([01][0-9]|2[0-3])(:[0-5][0-9])?)?)?)?)?",
    "language": r"([a-zA-Z]{2,3}|[iIxX])(-[a-zA-Z0-9]{1,8})*",
    "urn": r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s]+",
    "nav_target": r"\{target=([^{}\s]+)\}(choice|jump)",
}

NAV_REQUESTS = ["continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll", "_none_"]
SHORT_ID_MAX = 250

_compiled = {name: re.compile(pattern) for name, pattern in PATTERNS.items()}


def matches(name: str, value: str) -> bool:
    return _compiled[name].fullmatch(value) is not None


# --- checking values --------------------------------------------------------------------------------

OK, TYPE, RANGE = "ok", "type", "range"


def _number(value: str) -> float | None:
    if not matches("decimal", value):
        return None
    result = float(value)
    return result if result not in (float("inf"), float("-inf")) else None


def _ranged(number: float, spec: dict) -> str:
    if ("min" in spec and number < spec["min"]) or ("max" in spec and number > spec["max"]):
        return RANGE
    return OK


def _length(value: str) -> int:
    """Characters as JavaScript counts them (UTF-16 code units), so both runtimes agree on limits."""
    return len(value.encode("utf-16-le")) // 2


def _localized(value: str, maximum: int) -> bool:
    if value.startswith("{lang="):
        end = value.find("}")
        if end == -1:
            return False
        language = value[6:end]
        if not language or not matches("language", language):
            return False
        value = value[end + 1:]
    return _length(value) <= maximum


def _short_id(value: str) -> bool:
    """A short identifier (a URI in the specification): no white space, no "[" or "]" (the delimiters)."""
    return 0 < _length(value) <= SHORT_ID_MAX and not any(c.isspace() or c in "[]" for c in value)


def _split(value: str, delimiter: str) -> list[str]:
    return value.split(delimiter)


def _flags(value: str, allowed: tuple[str, ...]) -> str | None:
    """Strip leading {case_matters=..}/{order_matters=..} delimiters; None when one is malformed."""
    seen: set[str] = set()
    while value.startswith("{") and any(value.startswith("{" + name + "=") for name in allowed):
        end = value.find("}")
        if end == -1:
            return None
        name, _, flag = value[1:end].partition("=")
        if name in seen or flag not in ("true", "false"):
            return None
        seen.add(name)
        value = value[end + 1:]
    return value


def _step(value: str, *, pattern: bool) -> bool:
    """A performance step: "name[.]answer", name a short identifier or empty, at least one part given."""
    if "[.]" not in value:
        return False
    name, answer = value.split("[.]", 1)
    if name and not _short_id(name):
        return False
    if not name and not answer:
        return False
    if pattern and "[:]" in answer:
        return _numeric_range(answer)
    return _length(answer) <= SHORT_ID_MAX


def _numeric_range(value: str) -> bool:
    low, separator, high = value.partition("[:]")
    if not separator:
        return False
    numbers = []
    for part in (low, high):
        if part:
            number = _number(part)
            if number is None:
                return False
            numbers.append(number)
    return len(numbers) < 2 or numbers[0] <= numbers[1]


def interaction_value(kind: str, value: str, *, pattern: bool) -> bool:  # noqa: C901  (one branch per SCORM interaction type; a table would hide the format rules)
    """A SCORM 2004 correct-response pattern (`pattern=True`) or learner response, by interaction type."""
    if kind == "true-false":
        return value in ("true", "false")
    if kind == "choice":
        if value == "":
            return True
        ids = _split(value, "[,]")
        return all(_short_id(i) for i in ids) and len(set(ids)) == len(ids)
    if kind == "fill-in":
        if pattern:
            value = _flags(value, ("case_matters", "order_matters"))
            if value is None:
                return False
        return all(_localized(part, SHORT_ID_MAX) for part in _split(value, "[,]"))
    if kind == "long-fill-in":
        if pattern:
            value = _flags(value, ("case_matters",))
            if value is None:
                return False
        return _localized(value, 4000)
    if kind == "likert":
        return _short_id(value)
    if kind == "matching":
        pairs = _split(value, "[,]")
        return all(len(p.split("[.]")) == 2 and all(_short_id(x) for x in p.split("[.]")) for p in pairs)
    if kind == "performance":
        if pattern:
            value = _flags(value, ("order_matters",))
            if value is None:
                return False
        return all(_step(step, pattern=pattern) for step in _split(value, "[,]"))
    if kind == "sequencing":
        return all(_short_id(i) for i in _split(value, "[,]"))
    if kind == "numeric":
        return _numeric_range(value) if pattern else _number(value) is not None
    return _length(value) <= 4000  # "other"


def check(spec: dict, value: str, *, interaction_type: str | None = None) -> str:  # noqa: C901  (one branch per SCORM data type, as the standard lists them)
    """OK, TYPE (the value is not of the element's type) or RANGE (a number outside its bounds)."""
    kind = spec["type"]
    if kind == "string":
        return OK if _length(value) <= spec["max"] else TYPE
    if kind == "vocab":
        return OK if value in spec.get("set", spec["values"]) else TYPE
    if kind in ("decimal", "real"):
        if value == "" and spec.get("blank"):
            return OK
        number = _number(value)
        return TYPE if number is None else _ranged(number, spec)
    if kind == "integer":
        return _ranged(int(value), spec) if matches("integer", value) else TYPE
    if kind in ("timespan12", "time12", "duration", "time", "language"):
        if kind == "language" and value == "":
            return OK
        return OK if matches(kind, value) and _length(value) <= 250 else TYPE
    if kind == "identifier12":
        return OK if _length(value) <= 255 and not any(ord(c) < 32 for c in value) else TYPE
    if kind == "long_id":
        if not value or _length(value) > 4000:
            return TYPE
        return OK if not value.startswith("urn:") or matches("urn", value) else TYPE
    if kind == "localized":
        return OK if _localized(value, spec["max"]) else TYPE
    if kind == "result12":
        if value in ("correct", "wrong", "unanticipated", "neutral"):
            return OK
        return OK if _number(value) is not None else TYPE
    if kind == "result":
        if value in ("correct", "incorrect", "unanticipated", "neutral"):
            return OK
        return OK if _number(value) is not None else TYPE
    if kind in ("pattern", "response"):
        return OK if interaction_value(interaction_type or "", value, pattern=kind == "pattern") else TYPE
    if kind == "nav_request":
        return OK if value in NAV_REQUESTS or matches("nav_target", value) else TYPE
    raise ValueError(f"unknown data model type {kind!r}")
