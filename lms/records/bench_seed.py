"""The training record's share of `lms bench seed`: credits, plans and requirements for a generated province.

Deterministic from the seed (its own random stream), set-based: credits go in with multi-row inserts in
batches, then both totals tables are built from the ledger with one INSERT ... SELECT each. A million
credits take a few minutes on PostgreSQL on two cores. Credits earned before 1 July 2025 by officials
now in a commune that replaced a district are, in part, credited to that district (named as it was),
so reports exercise the merger roll-up.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select, text

from lms.core.db import db
from lms.core.models import Official, Unit
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.records import ledger
from lms.records import requirements as rq
from lms.records.models import CreditSource, PlanTarget, TrainingCredit, TrainingPlan

BATCH = 5_000
MERGER_DAY = date(2025, 7, 1)
TITLES = {
    "political_theory": ["Cập nhật kiến thức lý luận chính trị", "Học tập, quán triệt Nghị quyết của Đảng",
                         "Tư tưởng Hồ Chí Minh về cán bộ"],
    "defence_security": ["Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "Bảo vệ bí mật nhà nước"],
    "state_management": ["Kiến thức quản lý nhà nước ngạch chuyên viên", "Kỹ năng soạn thảo văn bản hành chính",
                         "Cải cách thủ tục hành chính"],
    "job_position": ["Nghiệp vụ tư pháp - hộ tịch", "Nghiệp vụ văn phòng - thống kê", "Kỹ năng tiếp công dân",
                     "Nghiệp vụ kế toán hành chính sự nghiệp"],
    "science_technology_digital": ["Kỹ năng số cơ bản", "Chuyển đổi số trong cơ quan nhà nước",
                                   "Ứng dụng trí tuệ nhân tạo trong công vụ", "An toàn thông tin cho cán bộ"],
}
AREA_WEIGHTS = {"political_theory": 2, "defence_security": 1, "state_management": 3, "job_position": 3,
                "science_technology_digital": 3}
PERIODS = [2, 4, 4, 8, 8, 8, 12, 16, 16, 24, 40]
PROVIDERS = ["Nền tảng Bình dân học vụ số", "Học viện Chính trị khu vực I", "Trường Đại học Nội vụ"]


def seed_records(context) -> None:
    """Add `context.credits` credits over `context.years`, plans for every unit and year, two requirements."""
    rng = context.rng("records")
    today = date.today()
    first_year, last_year = context.years[0], context.years[-1]
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    predecessor = {u.successor_id: u.id for u in units.values() if u.successor_id is not None}
    unit_of = dict(db.session.execute(select(Official.id, Official.unit_id)).all())
    officials = list(context.official_ids)
    areas = [a for a in CONTENT_AREAS for _ in range(AREA_WEIGHTS[a])]
    topics = list(TOPICS)
    now = datetime.now(timezone.utc)
    withdrawn_at = now - timedelta(days=30)
    table = TrainingCredit.__table__
    rows = []
    for n in range(context.credits):
        official_id = rng.choice(officials)
        year = rng.choice(context.years)
        last_day = today if year == today.year else date(year, 12, 31)
        earned_on = date(year, 1, 1) + timedelta(days=rng.randint(0, (last_day - date(year, 1, 1)).days))
        unit_id = unit_of[official_id]
        if earned_on < MERGER_DAY and unit_id in predecessor and rng.random() < 0.5:
            unit_id = predecessor[unit_id]
        area = rng.choice(areas)
        roll = rng.random()
        source = (CreditSource.certificate if roll < 0.65 else CreditSource.attendance if roll < 0.8
                  else CreditSource.outside)
        certificate = source is CreditSource.certificate
        revoked = certificate and rng.random() < 0.01
        rows.append({
            "official_id": official_id, "source": source.value, "source_id": f"bench-{n}",
            "title_vi": rng.choice(TITLES[area]), "title_en": "", "content_area": area,
            "topics": [rng.choice(topics)] if rng.random() < 0.4 else [], "periods": rng.choice(PERIODS),
            "earned_on": earned_on, "year": year, "unit_id": unit_id,
            "school_id": rng.choice(context.school_ids) if source is not CreditSource.outside else None,
            "provider": rng.choice(PROVIDERS) if source is CreditSource.outside else "",
            "certificate_id": n if certificate else None,
            "verification_code": f"BENCH{n:09d}" if certificate else None,
            "class_id": None, "evidence_file_id": None, "recorded_by": None, "recorded_by_school_id": None,
            "note": "", "created_at": now, "withdrawn_at": withdrawn_at if revoked else None,
            "withdrawn_reason": "school_error" if revoked else "",
        })
        if len(rows) == BATCH:
            _insert_credits(table, rows)
            rows = []
    if rows:
        _insert_credits(table, rows)
    ledger.rebuild_totals()
    _seed_plans(context, rng, units, first_year, last_year)
    example = rq.ensure_example(first_year)
    rq.set_active(example, True)
    rq.save_requirement(rq.RequirementInput(
        name_vi="Kỹ năng số cho cán bộ cấp xã", name_en="Digital skills for commune officials", year_from=first_year,
        unit_level="commune", area_minimums={"science_technology_digital": 8}, active=True))
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        for name in ("records_credits", "records_official_years", "records_unit_totals",
                     "core_officials", "core_units"):
            db.session.execute(text(f"ANALYZE {name}"))


def _insert_credits(table, rows: list[dict]) -> None:
    """Multi-row inserts; on PostgreSQL, COPY in the session's own transaction (several times faster)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c == "topics" else row[c] for c in columns])


def _seed_plans(context, rng, units: dict, first_year: int, last_year: int) -> None:
    """A plan per unit and year; districts have theirs up to 2025 (made before they merged)."""
    plans, targets = [], []
    now = datetime.now(timezone.utc)
    for unit in sorted(units.values(), key=lambda u: u.id):
        for year in range(first_year, last_year + 1):
            if unit.valid_to is not None and unit.valid_to.year < year:
                continue
            plans.append({"year": year, "unit_id": unit.id, "note": "", "created_by": None, "created_at": now,
                          "updated_at": now})
    db.session.execute(insert(TrainingPlan.__table__), plans)
    ids = db.session.execute(select(TrainingPlan.id, TrainingPlan.unit_id, TrainingPlan.year)).all()
    for plan_id, _unit_id, _year in sorted(ids):
        for area in rng.sample(list(CONTENT_AREAS), rng.randint(2, 4)):
            classes = rng.randint(1, 6)
            targets.append({"plan_id": plan_id, "content_area": area, "classes": classes,
                            "trainees": classes * rng.randint(20, 60)})
    for start in range(0, len(targets), BATCH):
        db.session.execute(insert(PlanTarget.__table__), targets[start:start + BATCH])
