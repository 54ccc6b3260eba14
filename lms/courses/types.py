"""The four activity types this plugin owns: page, file, video and link.

Their content lives in `LessonContent` (the activity's ref is its id). Other plugins register their
own types; this plugin only ever talks to those through the core's registry, never by their names.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import g, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from lms.core.activities import ActivityInfo, ActivityType
from lms.core.db import db
from lms.core.i18n import locale_code
from lms.courses.models import LessonContent

OWN_TYPES = ("page", "file", "video", "link")
# Stored HTML names course files as "asset:<path>"; the page turns them into URLs when it is shown.
ASSET_REF = re.compile(r'(src|href)="asset:([^"]+)"')


def asset_url(course_key: str, path: str) -> str:
    return url_for("courses.asset", key=course_key, path=path)


def with_asset_urls(stored_html: str, course_key: str) -> str:
    return ASSET_REF.sub(lambda m: f'{m.group(1)}="{asset_url(course_key, m.group(2))}"', stored_html or "")


def content_for(activity: ActivityInfo) -> LessonContent | None:
    if not activity.ref.isdigit():
        return None
    snapshot = g.get("course_snapshot")  # the lesson page's copy of the course (services/snapshot.py)
    if snapshot is not None and snapshot.course.id == activity.course_id:
        return snapshot.contents.get(int(activity.ref))
    content = db.session.get(LessonContent, int(activity.ref))
    return content if content is not None and content.course_id == activity.course_id else None


class _OwnType(ActivityType):
    template = ""

    def render(self, activity: ActivityInfo, user) -> str:
        content = content_for(activity)
        if content is None:
            return Markup(render_template("courses/types/missing.html"))
        return Markup(render_template(self.template, activity=activity, content=content, user=user,
                                      body=self.body(activity, content)))

    def body(self, activity: ActivityInfo, content: LessonContent) -> str:
        return ""

    def import_content(self, *, course_id, course_key, school_id, key, title, spec, folder: Path,
                       existing_ref):
        from lms.courses.services.content import import_own_content
        ref, _warnings = import_own_content(self.name, course_id=course_id, spec=spec, folder=folder,
                                            existing_ref=existing_ref)
        return ref

    def export_content(self, ref: str, folder: Path) -> dict:
        from lms.courses.services.content import export_own_content
        return export_own_content(self.name, ref, folder)


class PageType(_OwnType):
    name = "page"
    label = _l("Lesson page")
    template = "courses/types/page.html"

    def body(self, activity, content):
        html = content.html_en if locale_code() == "en" and content.html_en else content.html_vi
        return Markup(with_asset_urls(html, activity.course_key))

    def completion_hint(self) -> str:
        return _("Complete when you open it, or when you mark it done if the lecturer asks for that.")


class FileType(_OwnType):
    name = "file"
    label = _l("File")
    template = "courses/types/file.html"

    def completion_hint(self) -> str:
        return _("Complete when you open or download the file.")


class VideoType(_OwnType):
    name = "video"
    label = _l("Video")
    template = "courses/types/video.html"

    def completion_hint(self) -> str:
        return _("Complete when you have watched enough of the video, or marked an embedded video done.")


class LinkType(_OwnType):
    name = "link"
    label = _l("Link")
    template = "courses/types/link.html"

    def completion_hint(self) -> str:
        return _("Complete when you follow the link.")


def own_types() -> list[ActivityType]:
    return [PageType(), FileType(), VideoType(), LinkType()]
