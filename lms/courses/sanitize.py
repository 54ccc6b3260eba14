"""The one HTML policy: every piece of HTML that lecturers or packages provide goes through `clean_html`.

Allowed: headings, paragraphs, lists, tables, images, links (given a safe `rel`), quotes and code, and
iframes from allow-listed video hosts. Removed: scripts, styles, SVG and MathML (with their content),
event handlers, `javascript:`/`data:`/other URL schemes, ids and classes (no clobbering the page's own),
and any CSS property that could move content over the page (position, z-index, transforms ...).

Bleach does the cleaning. A small pre-pass drops the content of dangerous elements (bleach would keep
a script's text as text) and lists what it found, so an import can tell the author what was removed.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
import markdown as markdown_lib
from bleach import html5lib_shim
from bleach.css_sanitizer import CSSSanitizer
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

DEFAULT_VIDEO_HOSTS = ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com")

ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "img", "figure", "figcaption", "iframe",
})
# Elements dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "svg", "math", "template", "noscript", "object", "embed", "applet", "frameset",
    "frame", "noembed", "noframes", "xmp", "plaintext", "title", "head", "textarea", "select", "button",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
ALLOWED_CSS = frozenset({
    "color", "background-color", "text-align", "font-weight", "font-style", "text-decoration",
    "vertical-align", "text-indent", "white-space",
})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset"})
_SIZE_TAGS = {"img", "iframe", "col", "td", "th"}


def video_hosts() -> tuple[str, ...]:
    if has_app_context():
        return tuple(current_app.config.get("COURSES_VIDEO_HOSTS", DEFAULT_VIDEO_HOSTS))
    return DEFAULT_VIDEO_HOSTS


def is_allowed_video_url(url: str) -> bool:
    """An https URL on an allow-listed video host (for iframes and video activities)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return False
    return parts.scheme == "https" and (parts.hostname or "") in video_hosts() and not parts.username


def _url_scheme(value: str) -> str | None:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    compact = "".join(ch for ch in html.unescape(value or "") if ch > " ").lower()
    head = compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] if ":" in head else None


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in ("title", "lang", "dir", "style"):
        return True
    if tag == "a":
        return name in ("href", "rel", "target")
    if tag == "img":
        return name in ("src", "alt") or (name in ("width", "height") and value.isdigit())
    if tag == "iframe":
        if name == "src":
            return is_allowed_video_url(value)
        return name in ("allowfullscreen",) or (name in ("width", "height") and value.isdigit())
    if tag in ("th", "td"):
        return name in ("colspan", "rowspan", "scope", "headers") and len(value) < 40
    if tag in ("col", "colgroup"):
        return name == "span" and value.isdigit()
    if tag == "ol":
        return name in ("start", "type", "reversed")
    if tag in ("abbr", "q", "blockquote"):
        return name == "cite"
    return False


class _SafeLinksAndFrames(html5lib_shim.Filter):
    """After bleach: links get a safe rel, embeds a sandbox and lazy loading; emptied styles go."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and not (token["data"].get((None, "style")) or "").strip():
                token["data"] = {k: v for k, v in token["data"].items() if k != (None, "style")}
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token["data"])
                href = attrs.get((None, "href"), "")
                attrs.pop((None, "rel"), None)
                if (None, "target") in attrs:
                    attrs[(None, "target")] = "_blank"
                if _url_scheme(href) in ("http", "https") or href.startswith("//") or (None, "target") in attrs:
                    attrs[(None, "rel")] = "noopener noreferrer nofollow"
                token["data"] = attrs
            elif token["type"] == "StartTag" and token["name"] == "iframe":
                attrs = dict(token["data"])
                attrs[(None, "sandbox")] = "allow-scripts allow-same-origin allow-presentation"
                attrs[(None, "loading")] = "lazy"
                attrs[(None, "referrerpolicy")] = "strict-origin-when-cross-origin"
                token["data"] = attrs
            yield token


_CLEANER = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS, attributes=_allowed_attribute, protocols=ALLOWED_PROTOCOLS, strip=True,
    strip_comments=True, filters=[_SafeLinksAndFrames],
    css_sanitizer=CSSSanitizer(allowed_css_properties=ALLOWED_CSS))


@dataclass
class CleanResult:
    html: str
    removed: list = field(default_factory=list)  # translatable messages, one per kind of thing removed


class _PrePass(HTMLParser):
    """Drop dangerous elements with their content; note every unsafe thing seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.found: dict[str, object] = {}
        self.dropping: list[str] = []

    def _note(self, key: str, message) -> None:
        self.found.setdefault(key, message)

    def _check_attrs(self, tag: str, attrs) -> None:
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self._note("on:" + name, _l("event handler attribute %(name)s removed", name=name))
            elif name in URL_ATTRIBUTES and value:
                scheme = _url_scheme(value)
                if scheme and scheme not in ALLOWED_PROTOCOLS:
                    self._note("url:" + scheme, _l("%(scheme)s: link removed", scheme=scheme))
            elif name == "style" and value:
                for declaration in value.split(";"):
                    prop = declaration.split(":", 1)[0].strip().lower()
                    if prop and prop not in ALLOWED_CSS:
                        self._note("css:" + prop, _l("style property %(name)s removed", name=prop))

    def handle_starttag(self, tag, attrs, self_closing=False):
        if self.dropping:
            if tag == self.dropping[0] and not self_closing:
                self.dropping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT or (tag == "iframe" and not is_allowed_video_url(dict(attrs).get("src") or "")):
            if tag == "iframe":
                host = urlsplit(dict(attrs).get("src") or "").hostname or "?"
                self._note("iframe:" + host, _l("embedded frame from %(host)s removed", host=host))
            else:
                self._note("tag:" + tag, _l("<%(tag)s> element removed", tag=tag))
            if not self_closing:
                self.dropping.append(tag)
            return
        if tag not in ALLOWED_TAGS:
            self._note("tag:" + tag, _l("<%(tag)s> element removed", tag=tag))
        self._check_attrs(tag, attrs)
        parts = [tag] + [name if value is None else f'{name}="{html.escape(value, quote=True)}"' for name, value in attrs]
        self.out.append("<" + " ".join(parts) + ("/>" if self_closing else ">"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, self_closing=True)

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[0]:
                self.dropping.pop()
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


def clean_html(source: str) -> CleanResult:
    """The platform's one HTML policy. Returns safe HTML and what was removed."""
    prepass = _PrePass()
    prepass.feed(source or "")
    prepass.close()
    cleaned = _CLEANER.clean("".join(prepass.out))
    return CleanResult(html=cleaned, removed=list(prepass.found.values()))


def render_markdown(text: str) -> CleanResult:
    """Markdown (raw HTML allowed inside it) to sanitised HTML."""
    rendered = markdown_lib.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"],
                                     output_format="html")
    return clean_html(rendered)


def render_source(text: str, fmt: str) -> CleanResult:
    return clean_html(text) if fmt == "html" else render_markdown(text)
