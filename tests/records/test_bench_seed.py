"""The training record's share of `lms bench seed`: credits, exact totals, plans and requirements."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Unit, UnitLevel
from lms.records import ledger
from lms.records.models import Requirement, TrainingCredit, TrainingPlan


def test_a_small_generated_province_has_a_consistent_record(app, runner):
    result = runner.invoke(args=["bench", "seed", "--officials", "120", "--classes", "3", "--credits", "1500",
                                 "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(TrainingCredit.id))) == 1500
    assert ledger.total_differences() == []
    districts = [u.id for u in db.session.scalars(select(Unit).where(Unit.level == UnitLevel.district))]
    on_districts = db.session.scalars(select(TrainingCredit).where(TrainingCredit.unit_id.in_(districts))).all()
    assert on_districts and all(c.earned_on.isoformat() < "2025-07-01" for c in on_districts)
    assert db.session.scalar(select(func.count(TrainingCredit.id)).where(TrainingCredit.withdrawn_at.is_not(None)))
    assert not db.session.scalar(select(func.count(TrainingPlan.id)).where(TrainingPlan.unit_id.in_(districts),
                                                                           TrainingPlan.year > 2025))
    assert {r.name_vi for r in db.session.scalars(select(Requirement).where(Requirement.active.is_(True)))} == {
        "Tối thiểu 40 tiết mỗi năm (quy định cũ năm 2017, ví dụ)", "Kỹ năng số cho cán bộ cấp xã"}


def _sample():
    from lms.core.models import Official
    rows = db.session.execute(
        select(TrainingCredit.source_id, Official.employee_code, Unit.code, TrainingCredit.periods,
               TrainingCredit.earned_on, TrainingCredit.content_area, TrainingCredit.withdrawn_at.is_(None))
        .join(Official, TrainingCredit.official_id == Official.id).join(Unit, TrainingCredit.unit_id == Unit.id)
        .order_by(TrainingCredit.id).limit(200)).all()
    return [tuple(r) for r in rows]


@pytest.mark.commits  # the second database needs a session of its own
def test_the_same_seed_makes_the_same_credits(app, runner, tmp_path, instance_root):
    from tests.conftest import bench_seed_in_two_databases
    args = ["bench", "seed", "--officials", "60", "--classes", "2", "--credits", "400", "--seed", "4"]
    here, there = bench_seed_in_two_databases(runner, args, _sample, "sqlite:///" + str(tmp_path / "other.sqlite3"),
                                              instance_root)
    assert len(here) == 200 and here == there
