"""Lessons use the core's HTML policy with embedded videos from the hosts the site lists."""
from __future__ import annotations

from lms.courses.sanitize import clean_html, is_allowed_video_url, render_source

YOUTUBE = '<iframe src="https://www.youtube.com/embed/abc"></iframe>'


def test_video_frames_follow_the_configured_hosts(app):
    assert is_allowed_video_url("https://player.vimeo.com/video/1")
    assert clean_html(YOUTUBE).html.startswith('<iframe src="https://www.youtube.com/embed/abc"')
    app.config["COURSES_VIDEO_HOSTS"] = ["video.sonha.example.vn"]
    assert is_allowed_video_url("https://video.sonha.example.vn/v/1")
    assert not is_allowed_video_url("https://www.youtube.com/embed/abc")
    refused = clean_html(YOUTUBE)
    assert refused.html == "" and len(refused.removed) == 1 and "www.youtube.com" in str(refused.removed[0])


def test_a_lesson_not_marked_html_is_markdown(app):
    assert render_source("**đậm** <script>x</script>", "markdown").html == "<p><strong>đậm</strong> </p>"
    assert render_source("**đậm**", None).html == "<p><strong>đậm</strong></p>"
    assert render_source("**đậm**", "html").html == "**đậm**"
