"""Words for the plugin's codes, in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
LEVEL = {"province": _l("Province level"), "commune": _l("Commune level"), "all": _l("All levels")}
MODE = {"online": _l("Online"), "in_person": _l("In person"), "blended": _l("Blended")}
ATTENDANCE = {"present": _l("Present"), "late": _l("Late"), "excused": _l("Excused"), "absent": _l("Absent")}
TYPE = {"page": _l("Lesson page"), "file": _l("File"), "video": _l("Video"), "link": _l("Link")}


def label(table: dict, code) -> str:
    value = getattr(code, "value", code)
    return str(table.get(value, value or ""))
