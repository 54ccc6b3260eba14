"""Question texts are shown through the core's HTML policy, with no embedded frames at all."""
from __future__ import annotations

from lms.quizzes.display import plain_text, render_text


def test_question_texts_allow_no_frames_even_from_video_hosts():
    html = str(render_text('<p>Xem</p><iframe src="https://www.youtube.com/embed/abc"></iframe>', "html"))
    assert html == "<p>Xem</p>"


def test_each_format_is_rendered_then_cleaned():
    assert str(render_text("a < b\nc", "plain")) == "a &lt; b<br>c"
    assert str(render_text("<b>a</b>\n<script>x</script>b", "moodle")) == "<b>a</b><br>b"
    assert str(render_text("Who's buried in **Grant's tomb**?", "markdown")) == (
        "<p>Who's buried in <strong>Grant's tomb</strong>?</p>")


def test_plain_text_has_the_words_without_markup_or_entities():
    assert plain_text("<p>Tom &amp; <b>Jerry</b></p>", "html") == "Tom & Jerry"
    assert plain_text("<b>as typed</b>", "plain") == "<b>as typed</b>"
