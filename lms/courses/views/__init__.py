"""Pages of the courses plugin: learning, authoring, classes and reports share one blueprint."""
from __future__ import annotations

from flask import Blueprint

from lms.core import activities
from lms.core.i18n import locale_code
from lms.core.vocab import CONTENT_AREAS, TOPICS, area_label, topic_label

bp = Blueprint("courses", __name__, url_prefix="/courses")


def fmt_periods(value) -> str:
    number = float(value or 0)
    return (str(int(number)) if number.is_integer()
            else f"{number:g}".replace(".", "," if locale_code() == "vi" else "."))


@bp.context_processor
def course_helpers():
    from lms.courses import labels
    from lms.courses.progress_dates import today
    from lms.courses.sanitize import is_allowed_video_url

    def type_label(name: str) -> str:
        kind = activities.get(name)
        return str(kind.label) if kind is not None and kind.label else name

    def content_formats() -> str:
        """The files other activity types read from a course folder, as the registry tells ("Label (.ext)")."""
        return ", ".join(f"{kind.label or name} ({', '.join(kind.content_extensions)})"
                         for name, kind in sorted(activities.all_types().items()) if kind.content_extensions)

    return {
        "status_label": lambda code: labels.label(labels.STATUS, code),
        "mode_label": lambda code: labels.label(labels.MODE, code),
        "level_label": lambda code: labels.label(labels.LEVEL, code),
        "attendance_label": lambda code: labels.label(labels.ATTENDANCE, code),
        "type_label": type_label, "content_formats": content_formats,
        "level_labels": labels.LEVEL, "mode_labels": labels.MODE,
        "area_label": lambda code: area_label(code, locale_code()),
        "topic_label": lambda code: topic_label(code, locale_code()),
        "content_areas": list(CONTENT_AREAS), "topics": list(TOPICS),
        "fmt_periods": fmt_periods, "today": today, "allowed_video": is_allowed_video_url,
    }


from lms.courses.views import author, classes, learn, reports  # noqa: E402,F401  (routes join bp)
