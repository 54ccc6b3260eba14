"""Run every benchmark and regenerate the results table in bench/README.md.

    .venv/bin/python bench/run.py            # the full province (100,000 officials; takes a while)
    .venv/bin/python bench/run.py --smoke    # a tiny province, short runs: checks the harness works
    .venv/bin/python bench/run.py --scenarios bare,lesson   # some HTTP scenarios only (tables left alone)

HTTP scenarios run against gunicorn on a scratch PostgreSQL database seeded by `lms bench seed`;
the scripts bench/<area>_*.py (imports, issuing, rendering, report queries) run after them, each
writing its figures to bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS, ROOT, save_result, scratch_postgres  # noqa: E402
from bench.harness import Server  # noqa: E402
from bench.scenarios import SCENARIOS, Settings  # noqa: E402
from bench.targets import rows as target_rows  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
# Scripts that measure one thing each (not HTTP load); smoke runs pass them a small size.
SCRIPTS = {
    "core_import_officials.py": ["--officials", "2000"],
}
# Scripts that a full run also runs a second time with other arguments.
SECOND_RUNS = {
    "quizzes_http_rush.py": ["--rate", "33.3"],  # arrivals paced like the real rush: 2,000 in 60 s
}


def run_http(settings: Settings, officials: int, classes: int, credits: int, only: list[str] | None = None) -> dict:
    results = {}
    chosen = {name: scenario for name, scenario in SCENARIOS.items()
              if not only or any(word in name for word in only)}
    with scratch_postgres() as url:
        server = Server(url)
        server.lms("db", "upgrade")
        seeded = server.lms("bench", "seed", "--officials", str(officials), "--classes", str(classes),
                            "--credits", str(credits))
        print(seeded.stdout.strip(), flush=True)
        server.start()
        try:
            for name, scenario in chosen.items():
                print(f"-- {name}", flush=True)
                figures = scenario(server, settings)
                results[name] = figures
                print(json.dumps(figures, ensure_ascii=False), flush=True)
        finally:
            server.stop()
    ceiling = results.get("bare endpoint (/ping)", {}).get("rps")
    for name, figures in results.items():
        if ceiling and figures.get("rps"):
            figures["ratio_to_bare"] = round(figures["rps"] / ceiling, 3)
        save_result("http_" + name.split(" (")[0].replace(" ", "_").replace("'", ""), {"name": name, **figures})
    return results


def run_scripts(smoke: bool) -> None:
    for script in sorted(SCRIPTS) + sorted(p.name for p in (ROOT / "bench").glob("*_*.py")
                                           if p.name not in SCRIPTS and p.name not in ("__init__.py",)):
        args = SCRIPTS.get(script, []) if smoke else []
        if smoke and script not in SCRIPTS:
            args = ["--smoke"]
        runs = [args] + ([SECOND_RUNS[script]] if script in SECOND_RUNS and not smoke else [])
        for run_args in runs:
            print(f"-- {script} {' '.join(run_args)}", flush=True)
            done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *run_args], cwd=ROOT)
            if done.returncode != 0:
                raise SystemExit(f"{script} failed")


def write_table() -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    rows = []
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        figures = {k: v for k, v in data.items() if k not in ("scenario", "when", "name", "error_samples")}
        text = ", ".join(f"{k}={v}" for k, v in figures.items())
        rows.append(f"| {data.get('name', data['scenario'])} | {data['when']} | {text} |")
    table = "\n".join([START, f"Measured at commit {commit} on {time.strftime('%Y-%m-%d')} "
                              "(2 cores, PostgreSQL 15).", "",
                       "### Targets", "", "| target | bound | measured | verdict |", "|---|---|---|---|",
                       *target_rows(RESULTS), "", "### All figures", "",
                       "| scenario | when | figures |", "|---|---|---|", *rows, END])
    text = README.read_text(encoding="utf-8")
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    README.write_text(before + table + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny data and short runs (CI: correctness only)")
    parser.add_argument("--only-http", action="store_true")
    parser.add_argument("--officials", type=int, default=100_000)
    parser.add_argument("--classes", type=int, default=1_000)
    parser.add_argument("--credits", type=int, default=1_000_000)
    parser.add_argument("--scenarios", default="",
                        help="only the HTTP scenarios whose names contain one of these comma-separated words, "
                             "e.g. 'bare,lesson'; such a partial run prints and saves its figures but leaves "
                             "the README's tables alone")
    args = parser.parse_args()
    only = [word.strip() for word in args.scenarios.split(",") if word.strip()]
    if args.smoke:
        os.environ["LMS_BENCH_SMOKE"] = "1"
        settings = Settings(seconds=2, connections=4, users=4, smoke=True)
        results = run_http(settings, officials=300, classes=5, credits=2000)
        errors = {name: f["errors"] for name, f in results.items() if f.get("errors")}
        if errors:
            raise SystemExit(f"errors under load: {errors}")
    else:
        run_http(Settings(), args.officials, args.classes, args.credits, only)
    if not args.only_http and not only:
        run_scripts(args.smoke)
    if not args.smoke and not only:
        write_table()


if __name__ == "__main__":
    main()
