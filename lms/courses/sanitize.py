"""Lessons go through the core's one HTML policy (`lms.core.sanitize`), with embedded videos allowed from
the hosts this site lists in COURSES_VIDEO_HOSTS."""
from __future__ import annotations

from flask import current_app, has_app_context

from lms.core import sanitize
from lms.core.sanitize import CleanResult

DEFAULT_VIDEO_HOSTS = ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com")


def video_hosts() -> tuple[str, ...]:
    if has_app_context():
        return tuple(current_app.config.get("COURSES_VIDEO_HOSTS", DEFAULT_VIDEO_HOSTS))
    return DEFAULT_VIDEO_HOSTS


def is_allowed_video_url(url: str) -> bool:
    """An https URL on an allow-listed video host (for iframes and video activities)."""
    return sanitize.is_frame_url(url, video_hosts())


def clean_html(source: str) -> CleanResult:
    """A lesson's HTML made safe, and what was removed."""
    return sanitize.clean_html(source, frame_hosts=video_hosts())


def render_markdown(text: str) -> CleanResult:
    """A lesson's Markdown (raw HTML allowed inside it) to safe HTML."""
    return sanitize.render_markdown(text, frame_hosts=video_hosts())


def render_source(text: str, fmt: str) -> CleanResult:
    """A lesson is HTML or Markdown; anything not marked HTML is read as Markdown."""
    return clean_html(text) if fmt == "html" else render_markdown(text)
