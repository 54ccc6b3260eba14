"""The list of common passwords the platform refuses (common_passwords.txt, written by build.py)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

LIST_FILE = Path(__file__).with_name("common_passwords.txt")
MIN_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))
