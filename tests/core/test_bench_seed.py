"""`lms bench seed` makes a deterministic province at any scale (here a small one)."""
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, Unit, User


def test_small_province_is_generated_deterministically(app, runner):
    result = runner.invoke(args=["bench", "seed", "--officials", "200", "--classes", "5", "--credits", "500"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Official.id))) == 200
    assert db.session.scalar(select(func.count(User.id)).where(User.official_id.is_not(None))) == 200
    legacy = db.session.scalars(select(Unit).where(Unit.level == "district")).all()
    assert legacy and all(u.successor_id and u.valid_to for u in legacy)
    first_names = db.session.scalars(select(Official.full_name).order_by(Official.employee_code).limit(5)).all()
    again = runner.invoke(args=["bench", "seed", "--officials", "200"])
    assert again.exit_code != 0 and "already holds" in again.output
    assert first_names == db.session.scalars(select(Official.full_name).order_by(Official.employee_code).limit(5)).all()
