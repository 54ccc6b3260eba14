"""The SCORM run-time API, SCORM 1.2 and 2004, over a flat CMI state: the server's half of the runtime.

`Runtime` answers the calls a SCO makes (LMSInitialize/Initialize, LMSGetValue/GetValue, ... ) with
the data-model checks and error codes of each version, reading the tables of `lms.scorm.datamodel`.
The browser runs scorm-again (lms/static/scorm/player.js); the server replays every commit through this
class, so whatever reaches the database passed these checks, whatever the browser accepted.

The state is a flat mapping of element -> value ("cmi.interactions.0.id": "q1"); array counts are
derived from it.
"""
from __future__ import annotations

import re

from lms.scorm import datamodel
from lms.scorm.datamodel import MODELS, OK, SCORM12, SCORM2004

NEW, RUNNING, TERMINATED = "new", "running", "terminated"
KEYWORDS = ("_children", "_count", "_version")
INDEX = re.compile(r"0|[1-9][0-9]*")

API_NAMES = {
    SCORM12: {"LMSInitialize": "initialize", "LMSFinish": "terminate", "LMSGetValue": "get_value",
              "LMSSetValue": "set_value", "LMSCommit": "commit", "LMSGetLastError": "get_last_error",
              "LMSGetErrorString": "get_error_string", "LMSGetDiagnostic": "get_diagnostic"},
    SCORM2004: {"Initialize": "initialize", "Terminate": "terminate", "GetValue": "get_value",
                "SetValue": "set_value", "Commit": "commit", "GetLastError": "get_last_error",
                "GetErrorString": "get_error_string", "GetDiagnostic": "get_diagnostic"},
}


def resolve(model: dict, element: str) -> tuple[str, list[tuple[str, str, int]]] | None:
    """The element's pattern ("cmi.interactions.n.id") and its arrays as (pattern, concrete path, index)."""
    parts = element.split(".")
    pattern: list[str] = []
    arrays: list[tuple[str, str, int]] = []
    i = 0
    while i < len(parts):
        pattern.append(parts[i])
        prefix = ".".join(pattern)
        if prefix in model["arrays"] and i + 1 < len(parts):
            if not INDEX.fullmatch(parts[i + 1]):
                return None
            arrays.append((prefix, ".".join(parts[:i + 1]), int(parts[i + 1])))
            pattern.append("n")
            i += 2
            continue
        i += 1
    return ".".join(pattern), arrays


def counts_of(model: dict, values: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for element in values:
        resolved = resolve(model, element)
        if resolved is None:
            continue
        for _pattern, path, index in resolved[1]:
            counts[path] = max(counts.get(path, 0), index + 1)
    return counts


def concrete(pattern: str, indices: list[int]) -> str:
    """Fill a pattern's "n" placeholders with indices, outermost first."""
    parts, remaining = [], list(indices)
    for part in pattern.split("."):
        parts.append(str(remaining.pop(0)) if part == "n" and remaining else part)
    return ".".join(parts)


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def completion_status(values: dict, threshold) -> str:
    """SCORM 2004 cmi.completion_status as GetValue reports it: decided by the threshold when there is one."""
    if threshold is not None and threshold != "":
        measure = _number(values.get("cmi.progress_measure"))
        if measure is None:
            return "unknown"
        return "completed" if measure >= float(threshold) else "incomplete"
    return values.get("cmi.completion_status", "unknown")


def success_status(values: dict, passing) -> str:
    """SCORM 2004 cmi.success_status as GetValue reports it: decided by the passing score when there is one."""
    if passing is not None and passing != "":
        scaled = _number(values.get("cmi.score.scaled"))
        if scaled is None:
            return "unknown"
        return "passed" if scaled >= float(passing) else "failed"
    return values.get("cmi.success_status", "unknown")


def _text(value) -> str:
    """What JavaScript's String(value) gives for the values SCOs pass."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Runtime:
    """One SCO's communication session over `cmi` (element -> value), with what the platform provides."""

    def __init__(self, version: str, *, cmi: dict | None = None, context: dict | None = None,
                 nav: dict | None = None) -> None:
        self.version = version
        self.model = MODELS[version]
        self.errors = datamodel.ERRORS[version]
        self.values: dict[str, str] = dict(cmi or {})
        self.counts = counts_of(self.model, self.values)
        self.context = dict(context or {})
        self.nav = nav or {}
        self.state = NEW
        self.last_error = 0
        self.diagnostic = ""
        self.changed: dict[str, str] = {}  # set during this session, in first-set order

    # -- answers -----------------------------------------------------------------------------------
    def _fail(self, kind: str, result: str, diagnostic: str = "") -> str:
        self.last_error = self.errors[kind]
        self.diagnostic = diagnostic
        return result

    def _ok(self, result: str) -> str:
        self.last_error = 0
        self.diagnostic = ""
        return result

    def call(self, name: str, *args) -> str:
        """Call an API function by its SCORM name (LMSGetValue, GetValue, ...)."""
        return getattr(self, API_NAMES[self.version][name])(*args)

    # -- the session -------------------------------------------------------------------------------
    def initialize(self, argument="") -> str:
        if self.state == RUNNING:
            return self._fail("init_twice", "false", "Initialize was already called.")
        if self.state == TERMINATED:
            return self._fail("init_after", "false", "The session has ended.")
        if _text(argument) != "":
            return self._fail("argument", "false", "The argument must be an empty string.")
        self.state = RUNNING
        return self._ok("true")

    def terminate(self, argument="") -> str:
        if self.state == NEW:
            return self._fail("terminate_before", "false", "The session was not initialized.")
        if self.state == TERMINATED:
            return self._fail("terminate_after", "false", "The session has already ended.")
        if _text(argument) != "":
            return self._fail("argument", "false", "The argument must be an empty string.")
        self.state = TERMINATED
        return self._ok("true")

    def commit(self, argument="") -> str:
        if self.state == NEW:
            return self._fail("commit_before", "false", "The session was not initialized.")
        if self.state == TERMINATED:
            return self._fail("commit_after", "false", "The session has ended.")
        if _text(argument) != "":
            return self._fail("argument", "false", "The argument must be an empty string.")
        return self._ok("true")

    def get_last_error(self) -> str:
        return str(self.last_error)

    def get_error_string(self, code="") -> str:
        return datamodel.ERROR_STRINGS[self.version].get(_text(code), "")

    def get_diagnostic(self, code="") -> str:
        code = _text(code)
        if code in ("", str(self.last_error)) and self.diagnostic:
            return self.diagnostic
        return self.get_error_string(code or str(self.last_error))

    # -- reading -----------------------------------------------------------------------------------
    def get_value(self, element="") -> str:  # noqa: C901  (one branch per GetValue error of the standard, in its order)
        if self.state != RUNNING:
            return self._fail("get_before" if self.state == NEW else "get_after", "",
                              "GetValue outside a running session.")
        element = _text(element)
        if element == "":
            return self._fail("get_failure", "", "The element name is empty.")
        if self.version == SCORM2004 and element.startswith("adl.nav.request_valid."):
            return self._nav_valid(element)
        keyword = element.rsplit(".", 1)[-1]
        if keyword in KEYWORDS:
            return self._keyword(element, keyword)
        resolved = resolve(self.model, element)
        spec = self.model["elements"].get(resolved[0]) if resolved else None
        if spec is None:
            return self._fail("undefined", "", f"{element} is not an element of the data model.")
        if spec["access"] == "wo":
            return self._fail("write_only", "", f"{element} is write-only.")
        for _pattern, path, index in resolved[1]:
            if index >= self.counts.get(path, 0):
                return self._fail("index", "", f"{path} has no entry {index}.")
        value = self.values.get(element)
        if value is None:
            value = self._provided(spec)
        if value is None:
            if self.errors["not_initialized_value"]:
                return self._fail("not_initialized_value", "", f"{element} has no value yet.")
            return self._ok("")
        if element == "cmi.completion_status":
            value = completion_status(self.values, self.context.get("completion_threshold"))
        elif element == "cmi.success_status":
            value = success_status(self.values, self.context.get("scaled_passing_score"))
        return self._ok(value)

    def _provided(self, spec: dict) -> str | None:
        if "lms" in spec and self.context.get(spec["lms"]) is not None:
            return _text(self.context[spec["lms"]])
        return spec.get("default")

    def _keyword(self, element: str, keyword: str) -> str:
        base = element[: -len(keyword) - 1]
        if keyword == "_version":
            if base == "cmi":
                return self._ok(self.model["dataModelVersion"])
            return self._fail("undefined", "", f"{element} is not an element of the data model.")
        resolved = resolve(self.model, base)
        if resolved is None:
            return self._fail("undefined", "", f"{base} is not an element of the data model.")
        pattern, arrays = resolved
        known = any(pattern in self.model[part] for part in ("children", "arrays", "elements"))
        wanted = self.model["children"] if keyword == "_children" else self.model["arrays"]
        if pattern not in wanted:
            if known:
                return self._fail("children" if keyword == "_children" else "count", "",
                                  f"{base} has no {keyword}.")
            return self._fail("undefined", "", f"{base} is not an element of the data model.")
        for _pattern, path, index in arrays:
            if index >= self.counts.get(path, 0):
                return self._fail("index", "", f"{path} has no entry {index}.")
        if keyword == "_children":
            return self._ok(self.model["children"][pattern])
        return self._ok(str(self.counts.get(base, 0)))

    def _nav_valid(self, element: str) -> str:
        rest = element[len("adl.nav.request_valid."):]
        if rest in ("continue", "previous"):
            return self._ok(self.nav.get(rest, "unknown"))
        found = re.fullmatch(r"(choice|jump)\.\{target=([^{}\s]+)\}", rest)
        if found:
            return self._ok(self.nav.get(found.group(1), {}).get(found.group(2), "false"))
        return self._fail("undefined", "", f"{element} is not an element of the data model.")

    # -- writing -----------------------------------------------------------------------------------
    def set_value(self, element="", value="") -> str:
        if self.state != RUNNING:
            return self._fail("set_before" if self.state == NEW else "set_after", "false",
                              "SetValue outside a running session.")
        element, value = _text(element), _text(value)
        return "true" if self.store(element, value) else "false"

    def store(self, element: str, value: str) -> bool:
        """Check and keep one value (SetValue without the session check); sets the last error."""
        target = self._writable(element)
        if target is None:
            return False
        spec, arrays = target
        created = self._entries_to_create(arrays)
        if created is None or not self._acceptable(spec, element, value, arrays):
            return False
        for entry in created:
            path, _, index = entry.rpartition(".")
            self.counts[path] = int(index) + 1
        self.values[element] = value
        self.changed[element] = value
        self._ok("")
        return True

    def _writable(self, element: str) -> tuple[dict, list] | None:
        """The element's spec and the arrays on its path, or None (last error set) if it cannot be written."""
        if element == "":
            return self._fail("set_empty", None, "The element name is empty.")
        if self.version == SCORM2004 and element.startswith("adl.nav.request_valid."):
            return self._fail("read_only", None, f"{element} is read-only.")
        keyword = element.rsplit(".", 1)[-1]
        if keyword in KEYWORDS:
            return self._fail("keyword", None, f"{keyword} cannot be set.")
        resolved = resolve(self.model, element)
        spec = self.model["elements"].get(resolved[0]) if resolved else None
        if spec is None:
            return self._fail("undefined", None, f"{element} is not an element of the data model.")
        if spec["access"] == "ro":
            return self._fail("read_only", None, f"{element} is read-only.")
        return spec, resolved[1]

    def _entries_to_create(self, arrays: list) -> list[str] | None:
        """Array entries this write adds (only the next free index may be), or None (last error set)."""
        created: list[str] = []
        for depth, (array_pattern, path, index) in enumerate(arrays):
            count = self.counts.get(path, 0)
            if index > count:
                return self._fail("set_index", None, f"{path} has {count} entries: set entry {count} first.")
            if index == count:
                if depth < len(arrays) - 1 and self.version == SCORM2004:
                    return self._fail("dependency", None, f"{path}.{index} does not exist yet.")
                if count >= self.model["arrays"][array_pattern]:
                    return self._fail("set_failure", None, f"{path} is full.")
                created.append(f"{path}.{index}")
        return created

    def _acceptable(self, spec: dict, element: str, value: str, arrays: list) -> bool:
        """Whether the value may be stored: dependencies set, type and range, immutability, uniqueness."""
        indices = [index for _pattern, _path, index in arrays]
        for required in spec.get("requires", ()):
            needed = concrete(required, indices)
            if needed != element and needed not in self.values:
                return self._fail("dependency", False, f"Set {needed} before {element}.")
        interaction_type = None
        if spec["type"] in ("pattern", "response"):
            interaction_type = self.values.get(concrete("cmi.interactions.n.type", indices))
        result = datamodel.check(spec, value, interaction_type=interaction_type)
        if result != OK:
            return self._fail("type" if result == datamodel.TYPE else "range", False,
                              f"{value!r} is not a valid value for {element}.")
        if spec.get("immutable") and self.values.get(element, value) != value:
            return self._fail("set_failure", False, f"{element} cannot change once set.")
        if spec.get("unique"):
            _pattern, path, index = arrays[-1]
            suffix = element[len(path) + len(str(index)) + 2:]
            for other in range(self.counts.get(path, 0)):
                if other != index and self.values.get(f"{path}.{other}.{suffix}") == value:
                    return self._fail("set_failure", False, f"{value!r} is already used in {path}.")
        return True
