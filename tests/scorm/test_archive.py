"""Zip checks: every entry is checked before extraction; bad zips are refused with a message naming the problem."""
from __future__ import annotations

import zipfile

import pytest

from lms.scorm.archive import Limits, PackageRefused, extract, inspect_zip, read_manifest
from tests.scorm.helpers import (
    MANIFEST_12,
    MULTI_ASSET_12,
    PAGE,
    RUNTIME_2004,
    SINGLE_SCO_12,
    build_zip,
    english,
    package_zip,
    patch_entry,
)

LIMITS = Limits()


def refused(path, limits=LIMITS, name="package.zip") -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        inspect_zip(path, name, limits)
    return caught.value


@pytest.mark.parametrize("package, files", [(MULTI_ASSET_12, 44), (SINGLE_SCO_12, 46), (RUNTIME_2004, 69)])
def test_the_interop_packages_pass_and_keep_their_folders(package, files):
    inspection = inspect_zip(package, package.name, LIMITS)
    assert inspection.manifest.path == "imsmanifest.xml"
    assert inspection.file_count == files
    assert "shared/launchpage.html" in inspection.file_paths
    assert inspection.skipped == []
    assert inspection.unpacked_bytes == sum(e.info.file_size for e in inspection.entries)


def test_extract_writes_every_checked_file(tmp_path):
    inspection = inspect_zip(SINGLE_SCO_12, "singlescobasic.zip", LIMITS)
    target = tmp_path / "out"
    target.mkdir()
    extract(SINGLE_SCO_12, inspection, target, "singlescobasic.zip", LIMITS)
    written = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    assert written == inspection.file_paths
    assert (target / "shared" / "launchpage.html").read_bytes().startswith(b"<!DOCTYPE html")
    assert read_manifest(SINGLE_SCO_12, inspection, "x").startswith(b"<?xml")


def test_a_file_that_is_not_a_zip_is_refused(app, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    problem = refused(path, name="notes.zip")
    assert problem.code == "not_zip"
    assert "notes.zip is not a zip file" in english(problem)


def test_a_damaged_zip_is_refused(app, tmp_path):
    path = package_zip(tmp_path / "p.zip")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 30])  # the central directory is cut off
    assert refused(path).code in {"not_zip", "corrupt"}


def test_no_manifest(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"index.html": PAGE})
    problem = refused(path)
    assert problem.code == "manifest_missing"
    assert "no imsmanifest.xml at its root" in english(problem)


def test_manifest_inside_a_folder_is_named(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"course/": None, "course/imsmanifest.xml": MANIFEST_12,
                                          "course/index.html": PAGE})
    problem = refused(path)
    assert problem.code == "manifest_not_at_root"
    assert "course/imsmanifest.xml" in english(problem)
    assert "Zip the contents of the package folder" in english(problem)


@pytest.mark.parametrize("name", ["../evil.html", "a/../../evil.html", "/etc/cron.d/evil", "C:\\evil.html",
                                  "a\\..\\..\\evil.html"])
def test_paths_that_escape_the_package_are_refused(app, tmp_path, name):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, name: "x"})
    problem = refused(path)
    assert problem.code == "unsafe_path"
    assert name in english(problem)


def test_even_junk_entries_may_not_escape(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "__MACOSX/../../evil": "x"})
    assert refused(path).code == "unsafe_path"


def test_symbolic_links_are_refused(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12}, symlinks={"index.html": "/etc/passwd"})
    problem = refused(path)
    assert problem.code == "symlink"
    assert "index.html is a symbolic link" in english(problem)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(app, tmp_path):
    path = build_zip(tmp_path / "bomb.zip", {"imsmanifest.xml": MANIFEST_12, "zeros.bin": bytes(4 * 1024 * 1024)})
    problem = refused(path)
    assert problem.code == "ratio"
    assert "zeros.bin" in english(problem) and "zip bomb" in english(problem)


def test_small_files_that_compress_well_are_fine(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "blank.txt": " " * 100_000})
    assert "blank.txt" in inspect_zip(path, "p.zip", LIMITS).file_paths


def test_total_unpacked_size_is_limited(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "a.bin": bytes(600_000),
                                          "b.bin": bytes(600_000)})
    problem = refused(path, Limits(max_unpacked_bytes=1024 * 1024))
    assert problem.code == "too_large"
    assert "more than 1 MB" in english(problem)


def test_file_count_is_limited(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, **{f"f{i}.html": PAGE for i in range(12)}})
    problem = refused(path, Limits(max_files=10))
    assert problem.code == "too_many_files"
    assert "13 files; the limit is 10" in english(problem)


def test_headers_that_lie_about_sizes_are_caught_while_unpacking(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "index.html": PAGE,
                                          "pages/two.html": PAGE, "big.bin": bytes(2 * 1024 * 1024)})
    patch_entry(path, "big.bin", declared_size=1000)
    inspection = inspect_zip(path, "p.zip", LIMITS)  # the header says 1000 bytes: under every limit
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(PackageRefused) as caught:
        extract(path, inspection, target, "p.zip", LIMITS)
    assert caught.value.code in {"ratio", "corrupt"}
    assert "big.bin" in english(caught.value)


def test_password_protected_entries_are_refused(app, tmp_path):
    path = patch_entry(package_zip(tmp_path / "p.zip"), "index.html", flag_bits=0x1)
    problem = refused(path)
    assert problem.code == "encrypted"
    assert "index.html is password-protected" in english(problem)


def test_unknown_compression_is_refused(app, tmp_path):
    path = patch_entry(package_zip(tmp_path / "p.zip"), "index.html", method=99)
    assert refused(path).code == "compression"


def test_duplicate_entries_are_refused(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", [("imsmanifest.xml", MANIFEST_12), ("index.html", "a"), ("index.html", "b")])
    problem = refused(path)
    assert problem.code == "duplicate"
    assert "index.html more than once" in english(problem)


def test_a_name_used_as_file_and_folder_is_refused(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "pages": "x", "pages/two.html": PAGE})
    assert refused(path).code == "duplicate"


def test_control_characters_in_names_are_refused(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"imsmanifest.xml": MANIFEST_12, "bad\x07name.html": PAGE})
    assert refused(path).code == "bad_name"


def test_operating_system_junk_is_skipped(tmp_path):
    path = package_zip(tmp_path / "p.zip", extra={"__MACOSX/._imsmanifest.xml": "junk", "pages/.DS_Store": "junk",
                                                  "._index.html": "junk", "Thumbs.db": "junk"})
    inspection = inspect_zip(path, "p.zip", LIMITS)
    assert sorted(inspection.skipped) == ["._index.html", "Thumbs.db", "__MACOSX/._imsmanifest.xml",
                                          "pages/.DS_Store"]
    assert inspection.file_paths == {"imsmanifest.xml", "index.html", "pages/two.html"}


def test_a_zip_of_junk_only_is_refused_as_such(app, tmp_path):
    path = build_zip(tmp_path / "p.zip", {"__MACOSX/": None, "__MACOSX/imsmanifest.xml": MANIFEST_12})
    problem = refused(path)
    assert problem.code == "manifest_missing"
    assert "__MACOSX" in english(problem)


def test_explicit_folder_entries_and_stored_entries_are_accepted(tmp_path):
    path = build_zip(tmp_path / "p.zip", {"pages/": None, "imsmanifest.xml": MANIFEST_12, "index.html": PAGE,
                                          "pages/two.html": PAGE}, compression=zipfile.ZIP_STORED)
    assert inspect_zip(path, "p.zip", LIMITS).file_count == 3
