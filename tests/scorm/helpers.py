"""Helpers for the SCORM tests: the real packages, and crafted zips (good and bad)."""
from __future__ import annotations

import struct
import warnings
import zipfile
from pathlib import Path

PACKAGES = Path(__file__).parent / "packages"
MULTI_ASSET_12 = PACKAGES / "scorm12.zip"
SINGLE_SCO_12 = PACKAGES / "singlescobasic.zip"
RUNTIME_2004 = PACKAGES / "RuntimeBasicCalls_SCORM20043rdEdition.zip"

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="vn.example.bai-hoc" version="1"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Bài học thử</title>
      <item identifier="i1" identifierref="r1">
        <title>Phần 1</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:datafromlms>mode=exam</adlcp:datafromlms>
      </item>
      <item identifier="i2" identifierref="r2" isvisible="false" parameters="step=2">
        <title>Phần ẩn</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="asset" href="pages/two.html"/>
  </resources>
</manifest>
"""

PAGE = "<!doctype html><html><head><title>Page</title></head><body><p>Xin chào</p></body></html>"


def build_zip(path: Path, files: dict[str, bytes | str | None], *, symlinks: dict[str, str] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write a zip: `files` maps entry names to content (None for a folder entry)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which some tests want
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, content in files.items() if isinstance(files, dict) else files:
                if content is None:
                    archive.writestr(zipfile.ZipInfo(name if name.endswith("/") else name + "/"), b"")
                else:
                    archive.writestr(name, content.encode() if isinstance(content, str) else content)
            for name, target in (symlinks or {}).items():
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o120777 << 16)
                archive.writestr(info, target)
    return path


def package_zip(path: Path, manifest: str = MANIFEST_12, extra: dict | None = None) -> Path:
    files = {"imsmanifest.xml": manifest, "index.html": PAGE, "pages/two.html": PAGE}
    files.update(extra or {})
    return build_zip(path, files)


def patch_entry(path: Path, name: str, *, flag_bits: int | None = None, method: int | None = None,
                declared_size: int | None = None) -> Path:
    """Rewrite fields of one entry's local and central headers (to craft zips no tool would write)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flag_at, method_at, size_at, name_len_at, name_at in (
            (b"PK\x03\x04", 6, 8, 22, 26, 30), (b"PK\x01\x02", 8, 10, 24, 28, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + name_len_at)[0]
            if bytes(data[start + name_at:start + name_at + length]) == encoded:
                if flag_bits is not None:
                    struct.pack_into("<H", data, start + flag_at, flag_bits)
                if method is not None:
                    struct.pack_into("<H", data, start + method_at, method)
                if declared_size is not None:
                    struct.pack_into("<I", data, start + size_at, declared_size)
            start += 4
    path.write_bytes(bytes(data))
    return path


def in_course(package_id: int, *users) -> None:
    """Put the package in a published course (once) and enrol `users`: a learner plays only what a course
    of theirs holds."""
    from sqlalchemy import select

    from lms.core.db import db
    from lms.courses.models import Course
    from lms.courses.services.enrolment import enrol
    from tests.courses.helpers import make_course
    key = f"khoa-goi-{package_id}"
    course = db.session.scalar(select(Course).where(Course.key == key)) or make_course(
        key, items=[("goi", "scorm", True, str(package_id))])
    for user in users:
        enrol(user.id, course, source="admin")


def english(error) -> str:
    """An error's message in English (the platform's default language is Vietnamese)."""
    from flask import has_app_context
    from flask_babel import force_locale
    if not has_app_context():
        return str(error)
    with force_locale("en"):
        return str(error)


# A small SCORM 2004 package of our own: three SCOs that navigate by requests, a cluster whose items may
# not be chosen from the contents, a hidden item and an item that hides the player's Previous button.
NAVIGATION_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="vn.example.navigation" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Điều hướng</title>
      <item identifier="intro" identifierref="r_intro"><title>Giới thiệu</title></item>
      <item identifier="cluster"><title>Bài chính</title>
        <item identifier="lesson" identifierref="r_lesson"><title>Bài học</title>
          <adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
          </adlnav:navigationInterface></adlnav:presentation>
        </item>
        <item identifier="extra" identifierref="r_extra" isvisible="false"><title>Phần ẩn</title></item>
        <imsss:sequencing><imsss:controlMode choice="false" flow="true"/></imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r_intro" type="webcontent" adlcp:scormType="sco" href="sco.html?name=intro"/>
    <resource identifier="r_lesson" type="webcontent" adlcp:scormType="sco" href="sco.html?name=lesson"/>
    <resource identifier="r_extra" type="webcontent" adlcp:scormType="sco" href="sco.html?name=extra"/>
  </resources>
</manifest>
"""

# The SCO page: finds API_1484_11 the usual way, shows what the LMS says, and offers navigation requests.
NAVIGATION_SCO = """<!doctype html>
<html><head><meta charset="utf-8"><title>SCO</title></head>
<body>
<h1 id="name"></h1>
<p id="entry"></p><p id="valid"></p>
<button id="continue">continue</button><button id="previous">previous</button>
<button id="intro">choose intro</button><button id="exit-all">exitAll</button>
<script>
function findAPI(win) {
  var tries = 0;
  while (!win.API_1484_11 && win.parent && win.parent !== win && tries < 10) { win = win.parent; tries++; }
  return win.API_1484_11 || null;
}
var api = findAPI(window);
var name = new URLSearchParams(location.search).get("name");
document.getElementById("name").textContent = name;
api.Initialize("");
document.getElementById("entry").textContent = "entry=" + api.GetValue("cmi.entry") +
  " location=" + api.GetValue("cmi.location");
document.getElementById("valid").textContent = "continue=" + api.GetValue("adl.nav.request_valid.continue") +
  " previous=" + api.GetValue("adl.nav.request_valid.previous") +
  " choice-intro=" + api.GetValue("adl.nav.request_valid.choice.{target=intro}") +
  " choice-lesson=" + api.GetValue("adl.nav.request_valid.choice.{target=lesson}");
function leave(request) {
  api.SetValue("cmi.location", "seen-" + name);
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.exit", "suspend");
  api.SetValue("adl.nav.request", request);
  api.Terminate("");
}
document.getElementById("continue").onclick = function () { leave("continue"); };
document.getElementById("previous").onclick = function () { leave("previous"); };
document.getElementById("intro").onclick = function () { leave("{target=intro}choice"); };
document.getElementById("exit-all").onclick = function () { leave("exitAll"); };
</script>
</body></html>
"""


def navigation_package(path: Path) -> Path:
    return build_zip(path, {"imsmanifest.xml": NAVIGATION_MANIFEST, "sco.html": NAVIGATION_SCO})
