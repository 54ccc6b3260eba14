"""What a wheel carries beyond the lms package's own files: the build steps pyproject.toml cannot declare.

- templates/ and content/ stay at the top of the repository, as the design lays out, and are copied into
  the built package as lms/templates and lms/content (lms.core.folders finds them there once installed);
- the catalogues are compiled (.po -> .mo) into the build, because compiled catalogues are not kept in git.

An editable install (`pip install -e .`, which `make` uses) reads the folders from the checkout instead and
leaves the catalogues to `make translations`. Everything else is in pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TOP_LEVEL_FOLDERS = ("templates", "content")


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
