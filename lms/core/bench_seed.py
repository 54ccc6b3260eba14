"""`lms bench seed`: a province's worth of generated data for benchmarks, deterministic from a seed.

The core makes the province (departments, communes, pre-2025 districts merged into communes),
schools and officials with accounts; then each enabled plugin adds its share through
`Plugin.seed_bench(context)`.
Inserts are set-based (executemany in batches), so 100,000 officials take seconds, not minutes.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select

from lms.core.db import db
from lms.core.demo import POSITIONS, vietnamese_name
from lms.core.models import Official, OfficialKind, Role, School, Unit, UnitLevel, User
from lms.core.permissions import grant
from lms.core.plugins import enabled_plugins
from lms.core.text import fold

BATCH = 10_000
BENCH_PASSWORD = "bench12345"


@dataclass
class SeedContext:
    """What plugins get: the scale asked for and the ids the core made."""

    seed: int
    officials: int
    classes: int
    credits: int
    years: tuple[int, ...]
    unit_ids: list[int] = field(default_factory=list)
    commune_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    legacy_district_ids: list[int] = field(default_factory=list)
    school_ids: list[int] = field(default_factory=list)
    official_ids: list[int] = field(default_factory=list)
    official_user_ids: dict[int, int] = field(default_factory=dict)  # official id -> user id
    lecturer_user_ids: list[int] = field(default_factory=list)
    password_hash: str = ""
    #: What a plugin leaves for later ones, under names it documents (plugins run in PLUGINS order,
    #: after those they require): the courses plugin puts "activity_takers" (ActivityTaker) here.
    shared: dict = field(default_factory=dict)
    #: Steps a plugin asks to run after every plugin's seed_bench, in order: (name, function()).
    later: list = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A generator of its own per plugin, so one plugin's draws do not shift another's."""
        return random.Random(f"{self.seed}:{name}")


@dataclass(frozen=True)
class ActivityTaker:
    """A person the courses seeder has taking an activity of another plugin's type (a quiz): that
    plugin writes its own records of it (attempts) and reports each result as an
    lms.core.events.ActivityOutcome in `context.shared["activity_outcomes"]`. `passes` says whether
    the result must pass (the enrolment was completed with it); the result stands at `not_after`
    (the last try), the person having begun about `not_before` (earlier failed tries may precede)."""

    activity_type: str
    activity_ref: str
    user_id: int
    passes: bool
    not_before: datetime
    not_after: datetime


def insert_batches(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def seed_core(context: SeedContext) -> None:
    rng = context.rng("core")
    province = Unit(code="P01", name_vi="Tỉnh Bình Sơn (dữ liệu sinh)", name_en="Binh Son Province (generated)",
                    level=UnitLevel.province, kind="province", path="/")
    db.session.add(province)
    db.session.flush()
    province.path = f"/{province.id}/"

    def add_unit(code, name_vi, name_en, level, kind, valid_to=None):
        unit = Unit(code=code, name_vi=name_vi, name_en=name_en, level=level, kind=kind, parent_id=province.id,
                    path="/", valid_to=valid_to)
        db.session.add(unit)
        return unit

    departments = [add_unit(f"P01-S{n:02d}", f"Sở số {n + 1}", f"Department {n + 1}", UnitLevel.province, "department")
                   for n in range(30)]
    communes = [add_unit(f"P01-X{n:03d}", f"Xã số {n + 1}", f"Commune {n + 1}", UnitLevel.commune, "commune")
                for n in range(150)]
    districts = [add_unit(f"P01-H{n:02d}", f"Huyện số {n + 1} (đến 30/6/2025)", f"District {n + 1} (until 30/6/2025)",
                          UnitLevel.district, "district", valid_to=date(2025, 6, 30)) for n in range(12)]
    db.session.flush()
    for unit in departments + communes + districts:
        unit.path = f"{province.path}{unit.id}/"
    for n, district in enumerate(districts):
        district.successor_id = communes[n * 10].id
    context.unit_ids = [province.id] + [u.id for u in departments + communes]
    context.department_ids = [u.id for u in departments]
    context.commune_ids = [u.id for u in communes]
    context.legacy_district_ids = [u.id for u in districts]

    schools = [School(code="P01-TCT", name_vi="Trường Chính trị tỉnh Bình Sơn", name_en="Binh Son Political School",
                      unit_id=province.id, place="Bình Sơn", signer_title="HIỆU TRƯỞNG", signer_name="Nguyễn Văn Hiệu",
                      governing_body="TỈNH ỦY BÌNH SƠN"),
               School(code="P01-TTBD", name_vi="Trung tâm Bồi dưỡng cán bộ tỉnh Bình Sơn",
                      name_en="Binh Son Training Centre", unit_id=departments[0].id, place="Bình Sơn",
                      signer_title="GIÁM ĐỐC", signer_name="Lê Thị Bồi",
                      governing_body="SỞ NỘI VỤ TỈNH BÌNH SƠN")]
    db.session.add_all(schools)
    db.session.flush()
    context.school_ids = [s.id for s in schools]

    now = datetime.now(timezone.utc)
    unit_choices = context.department_ids + context.commune_ids
    kinds = [OfficialKind.civil_servant, OfficialKind.civil_servant, OfficialKind.public_employee, OfficialKind.cadre]
    rows = []
    for n in range(context.officials):
        name, gender = vietnamese_name(rng)
        rows.append({"employee_code": f"BS{n:07d}", "full_name": name, "name_folded": fold(name), "gender": gender,
                     "date_of_birth": date(rng.randint(1965, 2001), rng.randint(1, 12), rng.randint(1, 28)),
                     "unit_id": rng.choice(unit_choices), "kind": rng.choice(kinds), "position": rng.choice(POSITIONS),
                     "rank": "", "political_theory_level": "", "political_theory_school": "",
                     "email": f"bs{n:07d}@binhson.example.vn", "created_at": now, "updated_at": now})
    insert_batches(Official, rows)
    db.session.flush()
    ids = dict(db.session.execute(
        select(Official.employee_code, Official.id).where(Official.employee_code.like("BS%"))).all())
    context.official_ids = [ids[f"BS{n:07d}"] for n in range(context.officials)]

    template = User(display_name="x")
    template.set_password(BENCH_PASSWORD)
    context.password_hash = template.password_hash
    insert_batches(User, [{"login_code": f"BS{n:07d}", "email": None, "display_name": rows[n]["full_name"],
                           "password_hash": context.password_hash, "locale": "vi", "official_id": official_id,
                           "active": True, "must_change_password": False, "created_at": now, "password_set_at": now}
                          for n, official_id in enumerate(context.official_ids)])
    context.official_user_ids = dict(db.session.execute(
        select(User.official_id, User.id).where(User.login_code.like("BS%"))).all())

    staff = [("bench-admin@binhson.example.vn", "Quản trị", [(Role.admin, {})]),
             ("bench-school@binhson.example.vn", "Quản trị trường",
              [(Role.school_admin, {"school_id": schools[0].id})]),
             ("bench-manager@binhson.example.vn", "Quản lý tỉnh", [(Role.unit_manager, {"unit_id": province.id})])]
    staff += [(f"bench-lecturer{n}@binhson.example.vn", f"Giảng viên {n}",
               [(Role.lecturer, {"school_id": schools[n % 2].id})])
              for n in range(20)]
    for email, name, grants in staff:
        user = User(email=email, display_name=name, password_hash=context.password_hash, password_set_at=now)
        db.session.add(user)
        for role, scope in grants:
            grant(user, role, **scope)
        if email.startswith("bench-lecturer"):
            db.session.flush()
            context.lecturer_user_ids.append(user.id)
    db.session.flush()


@click.group("bench", help="Benchmark data.")
def bench_group():
    pass


@bench_group.command("seed", help="Generate a province: units, officials, courses, classes, credits, attempts.")
@click.option("--officials", default=100_000, show_default=True)
@click.option("--classes", default=1_000, show_default=True)
@click.option("--credits", default=1_000_000, show_default=True)
@click.option("--years", default=5, show_default=True, help="credits spread over this many past years")
@click.option("--seed", default=2026, show_default=True)
@with_appcontext
def bench_seed(officials, classes, credits, years, seed):
    if db.session.scalar(select(func.count(Unit.id)).where(Unit.code == "P01")):
        raise click.ClickException("This database already holds a generated province (unit P01): use a fresh one.")
    this_year = date.today().year
    context = SeedContext(seed=seed, officials=officials, classes=classes, credits=credits,
                          years=tuple(range(this_year - years + 1, this_year + 1)))
    steps = [("core", lambda: seed_core(context))]
    steps += [(name, lambda plugin=plugin: plugin.seed_bench(context)) for name, plugin in enabled_plugins().items()]
    done = 0
    while done < len(steps) + len(context.later):  # steps may add later ones
        name, step = steps[done] if done < len(steps) else context.later[done - len(steps)]
        done += 1
        started = time.perf_counter()
        step()
        db.session.commit()
        click.echo(f"{name}: {time.perf_counter() - started:.1f} s")
    click.echo(f"Officials and lecturers log in with the password {BENCH_PASSWORD}.")
