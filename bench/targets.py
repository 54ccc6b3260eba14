"""The targets the issues set, checked against the results of the last run (bench/results/*.json).

Each target names a result file, how to read the figure from it, and the bound; `bench/run.py` writes
the table into bench/README.md, so a missed target shows with the measured figure and by how much.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    label: str
    result: str  # file name in bench/results, without .json
    read: Callable[[dict], float]
    bound: float
    at_most: bool  # True: the figure must not exceed the bound; False: it must reach it
    unit: str


def _worst_worker(results: Path) -> float:
    return max((json.loads(p.read_text()).get("peak_worker_mb") or 0) for p in results.glob("http_*.json"))


TARGETS = [
    Target("lesson page at 32 users, share of the bare endpoint's throughput", "http_courses:_lesson_page",
           lambda r: r["ratio_to_bare"], 0.5, False, ""),
    Target("quiz submit p95 at 32 concurrent officials (gunicorn, PostgreSQL)", "quizzes_http_rush",
           lambda r: r["submit_p95_ms"], 150, True, " ms"),
    Target("quiz submit p95, arrivals paced as the rush (2,000 in 60 s, --rate 33.3)", "quizzes_http_rush_paced",
           lambda r: r["submit_p95_ms"], 150, True, " ms"),
    Target("exam rush: 2,000 submissions, wall time", "quizzes_http_rush", lambda r: r["rush_seconds"], 60, True, " s"),
    Target("exam rush: errors and lost answers", "quizzes_http_rush",
           lambda r: r["submit_errors"] + r["answers_missing"] + r["attempts_not_graded"], 0, True, ""),
    Target("provincial dashboard (p95, 100,000 officials, 1,000,000 credits)", "records_pages",
           lambda r: r["provincial dashboard (this year)"]["p95_ms"], 500, True, " ms"),
    Target("provincial report page (p95)", "records_pages",
           lambda r: r["provincial report page (this year)"]["p95_ms"], 500, True, " ms"),
    Target("a unit manager's who-is-behind list (p95, department)", "records_pages",
           lambda r: r["who is behind: department manager"]["p95_ms"], 200, True, " ms"),
    Target("kept totals against a recount: differences", "records_pages",
           lambda r: r["recount_vs_kept_totals"]["differences"], 0, True, ""),
    Target("16,006 certificates issued, with the training record (the real command)", "certificates_class",
           lambda r: r["issue_command_s"], 30, True, " s"),
    Target("certificate PDFs rendered per second (two processes, 2 cores)", "certificates_class",
           lambda r: r["render_two_processes_pages_per_s"], 150, False, " pages/s"),
    Target("class ZIP of 16,006 PDFs, peak memory", "certificates_class", lambda r: r["zip_peak_mb"], 300, True, " MB"),
    Target("100,000 officials imported from XLSX", "core_import_officials",
           lambda r: r["first_import_s"], 60, True, " s"),
    Target("100,000 officials imported, peak memory", "core_import_officials",
           lambda r: r["first_import_peak_mb"], 500, True, " MB"),
]


def rows(results: Path) -> list[str]:
    """One Markdown table row per target: the bound, the measured figure, met or missed by how much."""
    lines = []
    checks = [(t.label, lambda t=t: t.read(json.loads((results / f"{t.result}.json").read_text())), t)
              for t in TARGETS]
    checks.append(("largest gunicorn worker during the HTTP scenarios", lambda: _worst_worker(results),
                   Target("", "", lambda r: 0, 250, True, " MB")))
    for label, measure, target in checks:
        try:
            value = measure()
        except (OSError, KeyError, ValueError):
            lines.append(f"| {label} | {'≤' if target.at_most else '≥'} {target.bound:g}{target.unit} "
                         "| not measured | |")
            continue
        met = value <= target.bound if target.at_most else value >= target.bound
        if met:
            verdict = "met"
        elif target.bound:
            verdict = f"missed by {abs(value - target.bound):g}{target.unit} ({value / target.bound:.2f}× the bound)"
        else:
            verdict = f"missed ({value:g})"
        lines.append(f"| {label} | {'≤' if target.at_most else '≥'} {target.bound:g}{target.unit} "
                     f"| {round(value, 3):g}{target.unit} | {verdict} |")
    return lines
