"""What a wheel carries beyond the lms package's own files: the build steps pyproject.toml cannot declare.

- templates/ and content/ stay at the top of the repository, as the design lays out, and are copied into
  the built package as lms/templates and lms/content (lms.core.folders finds them there once installed);
- the catalogues are compiled (.po -> .mo) into the build, because compiled catalogues are not kept in git;
- the SCORM run-time (scorm-again, from the npm registry) is copied into lms/static/vendor/, as `make vendor`
  does for a checkout: the build fails with a message when neither that folder nor node_modules has it.

An editable install (`pip install -e .`, which `make` uses) reads the folders from the checkout instead and
leaves the catalogues to `make translations`. Everything else is in pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TOP_LEVEL_FOLDERS = ("templates", "content")
# node_modules/<package>/<folder> -> lms/static/vendor/<package>/: the files the pages load.
VENDOR = {"scorm-again": ("dist", ["scorm12.min.js", "scorm2004.min.js", "cross-frame-lms.min.js",
                                   "cross-frame-api.min.js"])}


class BuildPyWithSharedFolders(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "lms"
        for name in TOP_LEVEL_FOLDERS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)  # a reused build/ must not keep files deleted since
            shutil.copytree(name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store"))
        compile_catalogues(package)
        copy_vendor(package)


def copy_vendor(package: Path) -> None:
    for name, (folder, files) in VENDOR.items():
        target = package / "static" / "vendor" / name
        target.mkdir(parents=True, exist_ok=True)
        for file in files + ["LICENSE"]:
            built, fetched = Path("lms/static/vendor") / name / file, Path("node_modules") / name / file
            source = built if built.is_file() else fetched if file == "LICENSE" else fetched.parent / folder / file
            if not source.is_file():
                raise SystemExit(f"{built} is missing: run `make vendor` (npm ci, then a copy) before building.")
            shutil.copy2(source, target / file)


def compile_catalogues(package: Path) -> None:
    """Write each catalogue's .mo beside its .po, as `pybabel compile` does (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in package.glob("**/translations/*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


setup(cmdclass={"build_py": BuildPyWithSharedFolders})
