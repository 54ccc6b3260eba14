"""Every message of the SCORM plugin is translated into Vietnamese, with its placeholders intact."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "lms" / "scorm" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _source_messages() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for folder in (ROOT / "lms" / "scorm", ROOT / "templates" / "scorm"):
        for _name, _line, message, _comments, _context in extract_from_dir(
                folder, [("**.py", "python"), ("**.html", "jinja2")], keywords=keywords):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated():
    with open(CATALOGUE, "rb") as handle:
        catalogue = read_po(handle, locale="vi")
    translated = {m.id: m.string for m in catalogue if m.id and m.string and "fuzzy" not in m.flags}
    missing = _source_messages() - set(translated)
    assert missing == set(), "run pybabel extract/update for lms/scorm and translate these"
    for original, vietnamese in translated.items():
        assert set(PLACEHOLDER.findall(original)) == set(PLACEHOLDER.findall(vietnamese)), original
