"""Every user-facing string of every package is translated into Vietnamese (the default language)."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]


def packages():
    """(catalogue folder, source folders) for the core, each core sub-package with a catalogue, each plugin."""
    found = []
    for translations in sorted((ROOT / "lms").glob("**/translations")):
        package = translations.parent
        relative = package.relative_to(ROOT / "lms")
        if str(relative) == "core":
            sources = [package, ROOT / "templates" / "core"]
        elif relative.parts[0] == "core":
            sources = [package, ROOT / "templates" / "core" / relative.parts[1]]
        else:
            sources = [package, ROOT / "templates" / relative.parts[0]]
        found.append((translations, sources))
    return found


def own_sub_packages(package: Path) -> set[Path]:
    """Core sub-packages with their own catalogue, and their template folders: not the core's to translate."""
    subs = {t.parent for t in package.glob("*/translations")}
    return subs | {ROOT / "templates" / "core" / sub.name for sub in subs}


def extracted(sources: list[Path], skip: set[Path]) -> set[str]:
    ids = set()
    for source in sources:
        if not source.exists():
            continue
        for filename, _lineno, message, _comments, _context in extract_from_dir(
                str(source), METHODS, keywords=KEYWORDS, options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
            path = source / filename
            if any(parent in path.parents for parent in skip) or "migrations" in path.parts:
                continue
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("translations,sources", packages(), ids=lambda v: str(v) if isinstance(v, Path) else "")
def test_every_string_has_a_vietnamese_translation(translations, sources):
    po_path = translations / "vi" / "LC_MESSAGES" / "messages.po"
    assert po_path.exists(), f"{po_path} is missing"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    skip = own_sub_packages(sources[0]) if sources[0].name == "core" else set()
    wanted = extracted(sources, skip)
    missing = sorted(i for i in wanted if i not in translated or not translated[i].string
                     or "fuzzy" in translated[i].flags)
    assert missing == [], f"untranslated in {po_path}: {missing[:20]}"


@pytest.mark.parametrize("translations", [t for t, _ in packages()], ids=lambda t: str(t.relative_to(ROOT)))
def test_the_po_file_is_the_only_source_and_is_complete(translations):
    """Each translation lives in its .po file and nowhere else (no table that rewrites it), so an entry
    left empty or fuzzy (pybabel update's guess) would reach users as English or as a wrong guess."""
    po_path = translations / "vi" / "LC_MESSAGES" / "messages.po"
    sources = {p.relative_to(translations).as_posix() for p in translations.rglob("*")
               if p.is_file() and p.suffix not in {".mo"} and "__pycache__" not in p.parts}
    assert sources <= {"messages.pot", "vi/LC_MESSAGES/messages.po"}, f"not a catalogue: {sorted(sources)}"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy, f"{po_path}'s header is fuzzy: pybabel compile would leave the whole catalogue out"
    incomplete = [m.id for m in catalog if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, (list, tuple)) else [m.string]))]
    assert incomplete == [], f"untranslated or fuzzy in {po_path}: {incomplete[:20]}"


def test_the_core_catalogue_exists():
    assert any(t.parent.name == "core" for t, _ in packages())


def test_lazy_messages_with_user_data_are_escaped_in_pages(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    message = lazy_gettext("The file %(name)s is empty.", name="<script>alert(1)</script>")
    with app.test_request_context():
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_one_message_has_one_translation_in_every_catalogue():
    """Flask-Babel merges every catalogue into one: a message translated two ways would read one way or
    the other depending on which plugins are on. Where meanings differ, the messages must differ."""
    seen: dict[str, dict[str, list[str]]] = {}
    for translations, _sources in packages():
        with (translations / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and isinstance(message.id, str):
                    seen.setdefault(message.id, {}).setdefault(message.string, []).append(str(translations))
    conflicts = {msgid: list(versions) for msgid, versions in seen.items() if len(versions) > 1}
    assert conflicts == {}
