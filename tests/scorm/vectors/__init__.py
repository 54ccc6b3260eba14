"""API call vectors the server's runtime tests replay (tests/scorm/test_runtime.py)."""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def expand(value):
    """{"repeat": s, "times": n} stands for s * n, so long values stay short in the files."""
    if isinstance(value, dict) and "repeat" in value:
        return value["repeat"] * value["times"]
    return value


def load(version: str) -> list[dict]:
    name = "scorm12.json" if version == "1.2" else "scorm2004.json"
    return json.loads((HERE / name).read_text(encoding="utf-8"))["cases"]
