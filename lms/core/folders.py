"""Where the app finds the folders the design keeps at the top of the repository: templates/ and content/.

In a checkout (and its editable install, which `make` uses) they sit beside lms/. A wheel can only carry
files inside its packages, so its build (setup.py) copies them into the package as lms/templates and
lms/content; an app installed from the wheel finds them there. One function decides, so the app factory
and the demo never disagree about which copy they read."""
from __future__ import annotations

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_ROOT.parent


def top_level_folder(name: str) -> Path:
    """The folder `name` (e.g. "templates") shipped inside the installed package, else the checkout's."""
    shipped = PACKAGE_ROOT / name
    return shipped if shipped.is_dir() else REPO_ROOT / name
