"""Where ../shared/interop/ (real files from other systems) is: beside the checkout, or the workplace's copy."""
from __future__ import annotations

import os
from pathlib import Path


def _find() -> Path:
    candidates = [Path(os.environ["LMS_TEST_INTEROP"])] if os.environ.get("LMS_TEST_INTEROP") else []
    candidates += [parent / "shared" / "interop" for parent in Path(__file__).resolve().parents]
    candidates.append(Path("/work/shared/interop"))
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/interop/ is neither beside this checkout nor at /work/shared "
                            "(set LMS_TEST_INTEROP)")


INTEROP = _find()
