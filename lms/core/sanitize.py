"""The platform's one HTML policy: every piece of HTML that people, packages or imported files provide
goes through `clean_html` (or `render_source`, which renders Markdown and plain text first).

Allowed: headings, paragraphs, lists, tables, images, links (given a safe `rel`), quotes and code; iframes
only from the hosts a caller passes in `frame_hosts` (none by default). Removed: scripts, styles, SVG and
MathML (with their content), event handlers, `javascript:`/`data:`/other URL schemes, ids and classes (no
clobbering the page's own), and any CSS property that could move content over the page.

Bleach does the cleaning. A small pre-pass drops the content of dangerous elements (bleach would keep a
script's text as text) and lists what it found, so an import can tell the author what was removed.
"""
from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
import markdown as markdown_lib
import tinycss2
from bleach import html5lib_shim
from bleach.css_sanitizer import CSSSanitizer
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "img",
})
FRAME_TAG = "iframe"  # allowed only from the hosts a caller names
# Elements dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "svg", "math", "template", "noscript", "object", "embed", "applet", "frameset",
    "frame", "noembed", "noframes", "xmp", "plaintext", "title", "head", "textarea", "select", "button",
})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
ALLOWED_CSS = frozenset({"color", "background-color", "text-align", "font-weight", "font-style", "text-decoration"})
_RELATIVE_OR_ALLOWED = ALLOWED_PROTOCOLS | {None}
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset"})
# Markdown's own tables align their cells with a style, so cells may carry one as well as text runs.
_STYLED_TAGS = frozenset({"p", "span", "th", "td"})
_HEADER_SCOPES = frozenset({"row", "col", "rowgroup", "colgroup"})
# The only CSS functions a colour or an alignment needs; expression(), url(), var() ... never reach a page.
_CSS_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# Formats a stored text may be written in; Moodle's auto-format is HTML whose line breaks count.
TEXT_FORMATS = ("plain", "html", "markdown", "moodle")


@dataclass
class CleanResult:
    html: str
    removed: list = field(default_factory=list)  # translatable messages, one per kind of thing removed


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read in a URL, or None for a relative one."""
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    compact = "".join(ch for ch in html.unescape(value or "") if ch > " ").lower()
    head = compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] if ":" in head else None


def is_frame_url(url: str, hosts) -> bool:
    """An https URL, with no user name, on one of `hosts` (for iframes and embedded videos)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return False
    allowed = {host.lower() for host in hosts}
    return parts.scheme == "https" and (parts.hostname or "") in allowed and not parts.username


def _plain_css_value(tokens) -> bool:
    for token in tokens:
        if token.type == "url" or (token.type == "function" and token.lower_name not in _CSS_FUNCTIONS):
            return False
        if token.type in ("function", "() block", "[] block", "{} block") and not _plain_css_value(
                token.arguments if token.type == "function" else token.content):
            return False
    return True


def _css_allowed(declaration) -> bool:
    return declaration.lower_name in ALLOWED_CSS and _plain_css_value(declaration.value)


def _dropped_css(style: str) -> list[str]:
    """The properties of a style attribute that the policy takes out."""
    return [d.lower_name for d in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration" and not _css_allowed(d)]


class _StrictCSS(CSSSanitizer):
    """Bleach checks property names only (and lets SVG paint properties through): check values too."""

    def __init__(self) -> None:
        super().__init__(allowed_css_properties=ALLOWED_CSS, allowed_svg_properties=frozenset())

    def sanitize_css(self, style: str) -> str:
        kept = [d for d in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True)
                if d.type == "declaration" and _css_allowed(d)]
        return " ".join(f"{d.lower_name}: {tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''};"
                        for d in kept)


def _attribute_rule(frame_hosts: tuple[str, ...]):
    def allowed(tag: str, name: str, value: str) -> bool:
        # Bleach reads "javascript:1" as a host and a port, so it keeps it: the scheme is checked here too.
        if name in URL_ATTRIBUTES and url_scheme(value) not in _RELATIVE_OR_ALLOWED:
            return False
        if name == "style":
            return tag in _STYLED_TAGS
        if tag == "a":
            return name in ("href", "title", "target")
        if tag == "img":
            return name in ("src", "alt") or (name in ("width", "height") and value.isdigit())
        if tag == FRAME_TAG:
            if name == "src":
                return is_frame_url(value, frame_hosts)
            return name == "allowfullscreen" or (name in ("width", "height") and value.isdigit())
        if tag in ("th", "td") and name in ("colspan", "rowspan"):
            return value.isdigit()
        if tag == "th" and name == "scope":
            return value in _HEADER_SCOPES
        if tag == "ol":
            return name == "start" and value.isdigit()
        return False
    return allowed


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
                if url_scheme(href) in ("http", "https") or href.startswith("//") or (None, "target") in attrs:
                    attrs[(None, "rel")] = "noopener noreferrer nofollow"
                token["data"] = attrs
            elif token["type"] == "StartTag" and token["name"] == FRAME_TAG:
                attrs = dict(token["data"])
                attrs[(None, "sandbox")] = "allow-scripts allow-same-origin allow-presentation"
                attrs[(None, "loading")] = "lazy"
                attrs[(None, "referrerpolicy")] = "strict-origin-when-cross-origin"
                token["data"] = attrs
            yield token


@functools.lru_cache(maxsize=16)
def _cleaner(frame_hosts: tuple[str, ...]) -> bleach.sanitizer.Cleaner:
    # Bleach cleaners are reusable; one per set of frame hosts (a site has one or two).
    tags = ALLOWED_TAGS | {FRAME_TAG} if frame_hosts else ALLOWED_TAGS
    return bleach.sanitizer.Cleaner(
        tags=tags, attributes=_attribute_rule(frame_hosts), protocols=ALLOWED_PROTOCOLS, strip=True,
        strip_comments=True, filters=[_SafeLinksAndFrames],
        css_sanitizer=_StrictCSS())


class _PrePass(HTMLParser):
    """Drop dangerous elements with their content; note every unsafe thing seen."""

    def __init__(self, frame_hosts: tuple[str, ...], line_breaks: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.frame_hosts = frame_hosts
        self.line_breaks = line_breaks
        self.out: list[str] = []
        self.found: dict[str, object] = {}
        self.dropping: list[str] = []
        self.in_pre = 0

    def _note(self, key: str, message) -> None:
        self.found.setdefault(key, message)

    def _check_attrs(self, attrs) -> None:
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self._note("on:" + name, _l("event handler attribute %(name)s removed", name=name))
            elif name in URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme and scheme not in ALLOWED_PROTOCOLS:
                    self._note("url:" + scheme, _l("%(scheme)s: link removed", scheme=scheme))
            elif name == "style" and value:
                for prop in _dropped_css(value):
                    self._note("css:" + prop, _l("style property %(name)s removed", name=prop))

    def _drops(self, tag: str, attrs) -> bool:
        if tag in DROPPED_WITH_CONTENT:
            self._note("tag:" + tag, _l("<%(tag)s> element removed", tag=tag))
            return True
        src = dict(attrs).get("src") or ""
        if tag == FRAME_TAG and not is_frame_url(src, self.frame_hosts):
            host = urlsplit(src).hostname or "?"
            self._note("iframe:" + host, _l("embedded frame from %(host)s removed", host=host))
            return True
        return False

    def handle_starttag(self, tag, attrs, self_closing=False):
        if self.dropping:
            if tag == self.dropping[0] and not self_closing:
                self.dropping.append(tag)
            return
        if self._drops(tag, attrs):
            if not self_closing:
                self.dropping.append(tag)
            return
        if tag not in ALLOWED_TAGS and tag != FRAME_TAG:
            self._note("tag:" + tag, _l("<%(tag)s> element removed", tag=tag))
        if tag == "pre" and not self_closing:
            self.in_pre += 1
        self._check_attrs(attrs)
        parts = [tag] + [name if value is None else f'{name}="{html.escape(value, quote=True)}"'
                         for name, value in attrs]
        self.out.append("<" + " ".join(parts) + ("/>" if self_closing else ">"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, self_closing=True)

    def handle_endtag(self, tag):
        if self.dropping:
            if tag == self.dropping[0]:
                self.dropping.pop()
            return
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.dropping:
            return
        text = html.escape(data, quote=False)
        # Only text breaks lines: a newline inside a tag or a <pre> is not one the author meant as <br>.
        self.out.append(text.replace("\n", "<br>") if self.line_breaks and not self.in_pre else text)

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


def clean_html(source: str, *, frame_hosts=(), line_breaks: bool = False) -> CleanResult:
    """Safe HTML from any HTML, and what was removed. `frame_hosts` are the hosts iframes may come from;
    `line_breaks` keeps the text's line breaks as <br> (Moodle's auto-format)."""
    hosts = tuple(sorted({host.lower() for host in frame_hosts}))
    prepass = _PrePass(hosts, line_breaks)
    prepass.feed(source or "")
    prepass.close()
    cleaned = _cleaner(hosts).clean("".join(prepass.out))
    return CleanResult(html=cleaned, removed=list(prepass.found.values()))


def render_markdown(text: str, *, frame_hosts=()) -> CleanResult:
    """Markdown (raw HTML allowed inside it) to safe HTML."""
    rendered = markdown_lib.markdown(text or "", extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    return clean_html(rendered, frame_hosts=frame_hosts)


def escape_plain(text: str | None) -> Markup:
    """Plain text as HTML: escaped, never interpreted, its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def render_source(text: str | None, fmt: str, *, frame_hosts=()) -> CleanResult:
    """A stored text in one of TEXT_FORMATS as safe HTML. An unknown format is shown as plain text, the
    one reading under which nothing in the text can run."""
    if fmt == "html":
        return clean_html(text or "", frame_hosts=frame_hosts)
    if fmt == "moodle":
        return clean_html(text or "", frame_hosts=frame_hosts, line_breaks=True)
    if fmt == "markdown":
        return render_markdown(text or "", frame_hosts=frame_hosts)
    return CleanResult(html=str(escape_plain(text)))


def html_to_text(markup: str) -> str:
    """The words of some HTML with the markup gone and spaces collapsed (spreadsheets, names). The text of
    a script or a style is not a word: it goes with its element, as on a page."""
    stripped = bleach.clean(clean_html(str(markup or "")).html, tags=set(), strip=True)
    return " ".join(html.unescape(stripped).split())
