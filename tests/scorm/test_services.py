"""Packages: upload, refusal without leftovers, new versions, folders on disk."""
from __future__ import annotations

import io
import os
import time

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import StoredFile
from lms.scorm import files, services
from lms.scorm.archive import PackageRefused
from lms.scorm.models import ScormAttempt, ScormItem, ScormPackage, ScormTrack
from tests.scorm.helpers import (
    MANIFEST_12,
    MULTI_ASSET_12,
    PAGE,
    RUNTIME_2004,
    SINGLE_SCO_12,
    build_zip,
    english,
    package_zip,
)


def storage_snapshot() -> set[str]:
    root = files.storage.storage_root()
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_upload_unpacks_into_the_package_folder(make_package):
    package = make_package(SINGLE_SCO_12)
    assert (package.version, package.title, package.revision) == ("1.2", "Golf Explained - Run-time Basic Calls", 1)
    folder = files.package_folder(package.id, 1)
    assert folder == files.root() / str(package.id) / "r1"
    assert (folder / "shared" / "launchpage.html").is_file()
    assert package.file_count == 46 and package.unpacked_bytes == 494822
    stored = db.session.get(StoredFile, package.file_id)
    assert stored.content_type == "application/zip" and stored.filename == "singlescobasic.zip"
    [item] = package.launchable_items
    assert (item.identifier, item.scorm_type, item.launch) == ("item_1", "sco", "shared/launchpage.html")


def test_the_multi_item_package_keeps_its_tree(make_package):
    package = make_package(MULTI_ASSET_12)
    assert len(package.items) == 22 and len(package.launchable_items) == 18
    playing = next(i for i in package.items if i.identifier == "playing_item")
    assert (playing.launch, playing.depth, playing.parent) == ("", 0, "")
    quiz = next(i for i in package.items if i.identifier == "playing_quiz_item")
    assert (quiz.parent, quiz.depth, quiz.launch) == ("playing_item", 1,
                                                      "shared/assessmenttemplate.html?questions=Playing")
    assert [i.position for i in package.items] == list(range(22))


def test_2004_sequencing_is_kept(make_package):
    package = make_package(RUNTIME_2004)
    assert (package.version, package.edition) == ("2004", "3rd")
    assert package.sequencing["flow"] is True and package.sequencing["choice"] is True
    [item] = package.launchable_items
    assert item.sequencing["completion_set_by_content"] is True
    assert package.notes == []


def test_the_same_zip_twice_gives_the_same_package(make_package, school, lecturer):
    first = make_package(SINGLE_SCO_12)
    with open(SINGLE_SCO_12, "rb") as stream:
        again, created = services.create_package(stream, "copy.zip", school_id=school.id, user_id=lecturer.id)
    assert created is False and again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(ScormPackage)) == 1


@pytest.mark.parametrize("craft, code", [
    (lambda p: p.write_bytes(b"not a zip at all"), "not_zip"),
    (lambda p: build_zip(p, {"index.html": PAGE}), "manifest_missing"),
    (lambda p: build_zip(p, {"course/imsmanifest.xml": MANIFEST_12}), "manifest_not_at_root"),
    (lambda p: build_zip(p, {"imsmanifest.xml": "<manifest><oops></manifest>"}), "manifest_malformed"),
    (lambda p: build_zip(p, {"imsmanifest.xml": '<!DOCTYPE m [<!ENTITY e SYSTEM "file:///etc/passwd">]><manifest/>'}),
     "manifest_dtd"),
    (lambda p: package_zip(p, extra={"../escape.html": "x"}), "unsafe_path"),
    (lambda p: build_zip(p, {"imsmanifest.xml": MANIFEST_12, "pages/two.html": PAGE}), "launch_missing"),
    (lambda p: package_zip(p, extra={"bomb.bin": bytes(3 * 1024 * 1024)}), "ratio"),
])
def test_a_refused_upload_stores_nothing(app, school, lecturer, tmp_path, craft, code):
    path = tmp_path / "bad.zip"
    craft(path)
    before = storage_snapshot()
    with pytest.raises(PackageRefused) as caught, open(path, "rb") as stream:
        services.create_package(stream, "bad.zip", school_id=school.id, user_id=lecturer.id)
    db.session.rollback()
    assert caught.value.code == code
    assert storage_snapshot() - before <= {"scorm", "scorm/.staging"}  # no file, no folder left behind
    assert not any((files.root() / ".staging").iterdir())
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert db.session.scalar(select(func.count()).select_from(ScormPackage)) == 0


def test_limits_come_from_the_configuration(app_factory, tmp_path):
    app = app_factory(SCORM_MAX_FILES=2)
    with app.app_context():
        assert services.limits().max_files == 2
        with pytest.raises(PackageRefused) as caught:
            services.check_package(package_zip(tmp_path / "p.zip"), "p.zip", services.limits())
        assert caught.value.code == "too_many_files"


def test_a_zip_over_the_upload_limit_is_refused_while_it_arrives(app_factory):
    app = app_factory(SCORM_MAX_ZIP_BYTES=1000)
    with app.app_context():
        with pytest.raises(PackageRefused) as caught:
            services.create_package(io.BytesIO(b"PK" + bytes(5000)), "big.zip", school_id=None, user_id=None)
        assert caught.value.code == "upload_too_large"
        assert "larger than the limit of 1 MB" in english(caught.value) or "big.zip" in english(caught.value)


def test_a_rolled_back_upload_removes_its_folder(app, make_school, lecturer, school):
    with open(SINGLE_SCO_12, "rb") as stream:
        package, _ = services.create_package(stream, "s.zip", school_id=school.id, user_id=lecturer.id)
    folder = files.package_folder(package.id, 1)
    assert folder.is_dir()
    db.session.rollback()
    assert not folder.exists()


def test_a_new_version_keeps_progress_and_replaces_the_folder(make_package, learner, tmp_path):
    package = make_package(package_zip(tmp_path / "v1.zip"))
    attempt = ScormAttempt(package_id=package.id, user_id=learner.id, number=1)
    attempt.tracks.append(ScormTrack(item_identifier="i1", cmi={"cmi.core.lesson_location": "3"}))
    db.session.add(attempt)
    db.session.commit()
    old_folder = files.package_folder(package.id, 1)
    second = MANIFEST_12.replace('<item identifier="i2" identifierref="r2" isvisible="false" parameters="step=2">'
                                 '\n        <title>Phần ẩn</title>\n      </item>',
                                 '<item identifier="i3" identifierref="r2"><title>Phần mới</title></item>')
    assert "i3" in second
    with open(package_zip(tmp_path / "v2.zip", manifest=second), "rb") as stream:
        assert services.replace_package(package, stream, "v2.zip", user_id=None) is True
    db.session.commit()
    assert package.revision == 2
    assert [i.identifier for i in package.items] == ["i1", "i3"]
    assert db.session.scalar(select(func.count()).select_from(ScormItem)) == 2
    assert not old_folder.exists() and files.package_folder(package.id, 2).is_dir()
    track = db.session.scalar(select(ScormTrack))
    assert track.item_identifier == "i1" and track.cmi["cmi.core.lesson_location"] == "3"
    with open(tmp_path / "v2.zip", "rb") as stream:
        assert services.replace_package(package, stream, "v2.zip", user_id=None) is False


def test_a_new_version_may_not_change_the_scorm_version(make_package):
    package = make_package(SINGLE_SCO_12)
    with pytest.raises(PackageRefused) as caught, open(RUNTIME_2004, "rb") as stream:
        services.replace_package(package, stream, "2004.zip", user_id=None)
    assert caught.value.code == "version_changed"
    db.session.rollback()
    assert files.package_folder(package.id, 1).is_dir() and not files.package_folder(package.id, 2).exists()


def test_unused_folders_are_removed(make_package):
    package = make_package(SINGLE_SCO_12)
    stray = files.root() / str(package.id) / "r0"
    orphan = files.root() / "999" / "r1"
    leftover = files.root() / ".staging" / "abc"
    for folder in (stray, orphan, leftover):
        folder.mkdir(parents=True)
    old = time.time() - 2 * 86400
    for folder in (stray, orphan.parent, leftover):
        os.utime(folder, (old, old))
    removed = services.remove_unused_folders()
    assert set(removed) == {stray, orphan.parent, leftover}
    assert files.package_folder(package.id, 1).is_dir()
    from lms.scorm.jobs import remove_unused_folders
    assert remove_unused_folders() == 0  # the scheduled job: nothing left to remove


def test_content_types_follow_the_file(tmp_path):
    utf8 = tmp_path / "a.html"
    utf8.write_text("<p>Xin chào</p>", encoding="utf-8")
    legacy = tmp_path / "b.html"
    legacy.write_bytes("<p>café</p>".encode("cp1252"))
    image = tmp_path / "c.PNG"
    image.write_bytes(b"\x89PNG")
    assert files.content_type("a.html", utf8) == "text/html; charset=utf-8"
    assert files.content_type("b.html", legacy) == "text/html"  # its own <meta charset> decides
    assert files.content_type("c.PNG", image) == "image/png"
    assert files.content_type("x.woff2", image) == "font/woff2"
    assert files.content_type("x.unknownext", image) == "application/octet-stream"


def test_who_may_manage(make_package, lecturer, learner, make_user, make_school):
    from lms.core.models import Role
    package = make_package(SINGLE_SCO_12)
    other = make_user(roles=[(Role.lecturer, {"school_id": make_school("Trường khác").id})])
    admin = make_user(roles=[Role.admin])
    assert services.may_manage(lecturer, package) and services.may_manage(admin, package)
    assert not services.may_manage(other, package) and not services.may_manage(learner, package)
    assert services.may_author(lecturer) and not services.may_author(learner)
