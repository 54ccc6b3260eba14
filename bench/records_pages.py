"""Training record on a generated province (issue 6): dashboard, report, who is behind, record, API.

Targets on PostgreSQL with 100,000 officials and 1,000,000 credits: the provincial dashboard and the
provincial report page under 500 ms, a unit manager's list of who is behind under 200 ms. Each page is
requested through the whole Flask stack in this process (no network), warm, `--runs` times; the figures
are the median, 95th percentile and worst, in milliseconds. It also times the seeding (`lms bench seed`)
and a full recount of the ledger against the kept totals (which must find no difference).

    .venv/bin/python bench/records_pages.py                     # scratch database, 100k officials, 1M credits
    .venv/bin/python bench/records_pages.py --smoke             # tiny, checks the script works
    .venv/bin/python bench/records_pages.py --database-url URL  # reuse a database already seeded
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import LMS, lms_env, run_measured, save_result, scratch_postgres  # noqa: E402

PASSWORD = "bench12345"


def timed_runs(fn, runs: int) -> dict:
    fn()  # warm: templates compiled, connections open, plans cached
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1), "max_ms": round(samples[-1], 1)}


def catalog_for(seed: int, classes: int, unit_ids: list[int], years: list[int]):
    """Class counts for the report when the courses plugin provides none (deterministic from the seed)."""
    import random

    from lms.core.catalog import ClassCounts
    from lms.core.vocab import CONTENT_AREAS

    rng = random.Random(f"{seed}:records-bench-classes")
    counts = []
    for n in range(classes * len(years)):
        enrolled = rng.randint(15, 80)
        counts.append(ClassCounts(class_id=n + 1, school_id=None, unit_id=rng.choice(unit_ids),
                                  content_area=rng.choice(list(CONTENT_AREAS)), level="province",
                                  starts_on=date(years[n % len(years)], rng.randint(1, 12), 1), enrolled=enrolled,
                                  completed=enrolled - rng.randint(0, 10)))

    class Provider:
        def class_counts(self, year):
            return [c for c in counts if c.starts_on.year == year]

        def __getattr__(self, name):  # the report asks only for class counts
            raise AttributeError(name)
    return Provider()


def measure(url: str, runs: int, classes: int, seed: int) -> dict:
    os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="records-bench-")
    from sqlalchemy import select

    from lms.core.app import create_app
    from lms.core.catalog import catalog, provide
    from lms.core.db import db
    from lms.core.models import Official, Role, Unit, UnitLevel, User
    from lms.core.permissions import grant
    from lms.records import ledger, tokens
    from lms.records.dates import local_today
    from lms.records.models import Requirement

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    figures: dict = {}
    with app.app_context():
        province = db.session.scalar(select(Unit).where(Unit.code == "P01"))
        def first_with_officials(prefix):
            # P01-S00 and P01-X000 (the successor of a district) at full scale; any populated one in a smoke run
            return db.session.scalar(select(Unit).join(Official, Official.unit_id == Unit.id)
                                     .where(Unit.code.like(prefix + "%")).order_by(Unit.code).limit(1))
        department, commune = first_with_officials("P01-S"), first_with_officials("P01-X")
        year = local_today().year
        forty = db.session.scalar(select(Requirement.id).where(Requirement.min_periods == 40,
                                                               Requirement.active.is_(True)))
        someone = db.session.scalar(select(Official).where(Official.unit_id == department.id).limit(1))
        for email, unit in (("bench-dept@binhson.example.vn", department),
                            ("bench-commune@binhson.example.vn", commune)):
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                user = User(email=email, display_name=unit.name_vi)
                user.set_password(PASSWORD)
                db.session.add(user)
                grant(user, Role.unit_manager, unit_id=unit.id)
        _row, token = tokens.create_token("bench HR", province, actor_id=None)
        db.session.commit()
        if catalog() is None:
            unit_ids = list(db.session.scalars(select(Unit.id).where(Unit.level != UnitLevel.district)))
            provide(app, catalog_for(seed, classes, unit_ids, [year - 1, year]))
        sizes = {"officials_in_department": db.session.scalar(
                     select(db.func.count(Official.id)).where(Official.unit_id == department.id)),
                 "officials_in_commune": db.session.scalar(
                     select(db.func.count(Official.id)).where(Official.unit_id == commune.id))}
        p = province.id
        someone_id, someone_code = someone.id, someone.employee_code
        started = time.perf_counter()
        differences = ledger.total_differences()
        figures["recount_vs_kept_totals"] = {"seconds": round(time.perf_counter() - started, 2),
                                             "differences": len(differences)}
        db.session.remove()

    def client_for(identifier):
        client = app.test_client()
        response = client.post("/login", data={"identifier": identifier, "password": PASSWORD})
        assert response.status_code == 302, identifier
        return client

    province_manager = client_for("bench-manager@binhson.example.vn")
    dept_manager = client_for("bench-dept@binhson.example.vn")
    commune_manager = client_for("bench-commune@binhson.example.vn")
    admin = client_for("bench-admin@binhson.example.vn")

    def page(client, path, **headers):
        def get():
            with app.app_context():
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (path, response.status_code)
                response.get_data()
                response.close()
        return get

    checks = [
        ("provincial dashboard (this year)", province_manager, f"/records/dashboard?unit={p}&year={year}"),
        ("provincial dashboard (last year)", province_manager, f"/records/dashboard?unit={p}&year={year - 1}"),
        ("provincial report page (last year)", province_manager, f"/records/report?unit={p}&year={year - 1}"),
        ("provincial report page (this year)", province_manager, f"/records/report?unit={p}&year={year}"),
        ("provincial report XLSX", province_manager, f"/records/report.xlsx?unit={p}&year={year - 1}"),
        ("who is behind: department manager", dept_manager,
         f"/records/dashboard/behind?year={year - 1}&requirement={forty}"),
        ("who is behind: commune manager", commune_manager,
         f"/records/dashboard/behind?year={year - 1}&requirement={forty}"),
        ("who is behind: whole province, page 1", province_manager,
         f"/records/dashboard/behind?unit={p}&year={year - 1}&requirement={forty}"),
        ("who is behind: department export XLSX", dept_manager,
         f"/records/dashboard/behind.xlsx?year={year - 1}&requirement={forty}"),
        ("department dashboard", dept_manager, f"/records/dashboard?year={year}"),
        ("official's record page", admin, f"/records/officials/{someone_id}?year={year - 1}"),
    ]
    for label, client, path in checks:
        figures[label] = timed_runs(page(client, path), runs)
        print(f"{label:45s} {figures[label]}", flush=True)
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    for label, path in (("API: official's record", f"/api/v1/officials/{someone_code}/record?year={year - 1}"),
                        ("API: province summary", f"/api/v1/units/P01/summary?year={year - 1}")):
        figures[label] = timed_runs(page(api, path, **auth), runs)
        print(f"{label:45s} {figures[label]}", flush=True)
    figures["sizes"] = sizes
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officials", type=int, default=100_000)
    parser.add_argument("--credits", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="a database already seeded by `lms bench seed` (kept)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, two runs: the script works")
    args = parser.parse_args()
    if args.smoke:
        args.officials, args.credits, args.classes, args.runs = 300, 3_000, 20, 2
    results = {"officials": args.officials, "credits": args.credits, "database": "postgresql"}
    database = nullcontext(args.database_url) if args.database_url else scratch_postgres()
    with database as url, tempfile.TemporaryDirectory() as tmp:
        if not args.database_url:
            env = lms_env(url, Path(tmp) / "instance")
            run_measured([LMS, "db", "upgrade"], env)
            seeded = run_measured([LMS, "bench", "seed", "--officials", str(args.officials), "--credits",
                                   str(args.credits), "--classes", str(args.classes), "--seed", str(args.seed)], env)
            print(seeded.pop("stdout").strip(), flush=True)
            results["seed"] = seeded
        results.update(measure(url, args.runs, args.classes, args.seed))
    results["targets"] = "dashboard and report page < 500 ms; a unit manager's who-is-behind list < 200 ms"
    save_result("records_pages", results)


if __name__ == "__main__":
    main()
