"""Accessibility checks in a real browser: axe-core (from the npm registry) injected into the page."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    """Run axe on the page as it is now; the violations of the given impacts (WCAG 2.1 A and AA rules)."""
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: run `npm ci` (make test does)")
    # Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts without its nonce.
    page.evaluate(AXE.read_text())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]


def assert_accessible(page, label: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found serious or critical problems on {label or page.url}: {violations}"
