"""The one sanitiser against the whole hostile corpus, without a browser: whatever goes in, what comes out,
read by an HTML5 parser as a browser reads it, holds nothing that can run, load or navigate."""
from __future__ import annotations

import pytest
from bleach import html5lib_shim

from lms.core.sanitize import ALLOWED_PROTOCOLS, ALLOWED_TAGS, URL_ATTRIBUTES, render_source, url_scheme
from tests.security.payloads import PAYLOADS, TITLE_MAX, by_id

pytestmark = pytest.mark.once
FORMATS = ("html", "markdown", "moodle", "plain")
VIDEO_HOSTS = ("www.youtube.com",)


def _elements(markup: str):
    """Every element of `markup` parsed as a fragment of a page's body, the way Chromium parses it."""
    parser = html5lib_shim.HTMLParser(namespaceHTMLElements=False)
    return list(parser.parseFragment(markup).iter())[1:]  # the first is the fragment's own root


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()  # a namespaced tag or attribute, e.g. SVG's or xlink's


def _executable(markup: str) -> list[str]:
    """What in `markup` a browser could run, load from elsewhere or follow on its own."""
    found = []
    for element in _elements(markup):
        tag = _local(element.tag) if isinstance(element.tag, str) else "#comment"
        if tag not in ALLOWED_TAGS and not (tag == "iframe" and "youtube" in element.get("src", "")):
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = _local(name)
            if name.startswith("on") or name in ("srcdoc", "formaction", "action", "data", "xmlns"):
                found.append(f"{tag}@{name}")
            elif name in URL_ATTRIBUTES and url_scheme(value) not in ALLOWED_PROTOCOLS | {None}:
                found.append(f"{tag}@{name}={value[:30]}")
            elif name == "style" and any(word in value.lower() for word in ("url(", "expression", "\\", "/*")):
                found.append(f"{tag}@style={value[:30]}")
            elif name in ("id", "class", "name", "autofocus", "tabindex"):
                found.append(f"{tag}@{name}")  # clobbering the page's own names, or stealing focus
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_payload_survives_in_any_format(fmt):
    failures = {}
    for payload in PAYLOADS:
        output = render_source(payload.text, fmt, frame_hosts=VIDEO_HOSTS).html
        found = _executable(output)
        if found:
            failures[payload.name] = (found, output[:200])
    assert not failures, failures


@pytest.mark.parametrize("fmt", ("html", "markdown"))
def test_cleaning_twice_changes_nothing(fmt):
    """Mutation XSS lives in the difference between the first reading and the next one: the sanitiser's
    output, read and cleaned again, must come out the same."""
    changed = {}
    for payload in PAYLOADS:
        once = render_source(payload.text, fmt).html
        twice = render_source(once, "html").html
        if once != twice:
            changed[payload.name] = (once[:160], twice[:160])
    assert not changed, changed


def test_the_audit_sees_what_it_should():
    """The parser-based audit is not blind: raw payloads fail it."""
    assert _executable(by_id(1000).text) == ["<script>"]
    assert "img@onerror" in _executable(PAYLOADS[20].text)
    assert any(item.startswith("a@href=") for item in _executable(by_id(1058).text))
    assert "<svg>" in _executable("<svg onload=x>")
    assert len(PAYLOADS) >= 150 and all(len(payload.text) <= TITLE_MAX for payload in PAYLOADS)
