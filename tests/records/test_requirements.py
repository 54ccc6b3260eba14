"""Requirements as data: validation, overlaps, and status (Python and SQL agree)."""
from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, OfficialKind, Unit, UnitLevel
from lms.core.services.org import merge_units
from lms.records import requirements as rq
from lms.records.models import Requirement


def make_requirement(**kw) -> Requirement:
    data = rq.RequirementInput(name_vi=kw.pop("name", "Yêu cầu"), year_from=kw.pop("year_from", 2025),
                               active=kw.pop("active", True), **kw)
    return rq.save_requirement(data)


def test_expected_fraction_runs_through_the_year():
    assert rq.expected_fraction(2024, date(2025, 1, 1)) == 1.0
    assert rq.expected_fraction(2026, date(2025, 6, 1)) == 0.0
    assert rq.expected_fraction(2025, date(2025, 12, 31)) == 1.0
    assert rq.expected_fraction(2025, date(2025, 7, 2)) == pytest.approx(183 / 365)


def test_evaluate_met_on_track_behind_and_missing(app):
    req = make_requirement(min_periods=40, area_minimums={"political_theory": 8, "science_technology_digital": 8})
    mid_year = date(2025, 7, 1)  # just under half the year has passed
    met = rq.evaluate(req, {"political_theory": 8, "science_technology_digital": 10, "job_position": 30},
                      2025, mid_year)
    assert met.state is rq.State.met and met.missing == 0
    track = rq.evaluate(req, {"political_theory": 4, "science_technology_digital": 4, "job_position": 12},
                        2025, mid_year)
    assert track.state is rq.State.on_track and track.missing == 20
    behind = rq.evaluate(req, {"job_position": 30}, 2025, mid_year)
    assert behind.state is rq.State.behind
    # 10 periods short in total, 16 short across the two areas: 16 more periods are needed
    assert behind.missing == 16
    assert [(p.area, p.done, p.required) for p in behind.parts] == [
        (None, 30, 40), ("political_theory", 0, 8), ("science_technology_digital", 0, 8)]
    past = rq.evaluate(req, {"political_theory": 4, "science_technology_digital": 4, "job_position": 12}, 2025,
                       date(2026, 2, 1))
    assert past.state is rq.State.behind  # a finished year has no "on track"


def test_applies_to_by_unit_level_kind_and_position(app, make_unit, make_official):
    province = make_unit("Tỉnh", level=UnitLevel.province)
    department = make_unit("Sở Nội vụ", parent=province)
    commune = make_unit("Xã An", parent=province, level=UnitLevel.commune)
    clerk = make_official(unit=commune, position="Công chức tư pháp - hộ tịch", kind=OfficialKind.civil_servant)
    teacher = make_official(unit=department, position="Giáo viên", kind=OfficialKind.public_employee)
    whole = make_requirement(name="Toàn tỉnh", unit_id=province.id, min_periods=40)
    only_top = make_requirement(name="Chỉ cơ quan tỉnh", unit_id=province.id, include_subunits=False,
                                area_minimums={"political_theory": 4})
    communes = make_requirement(name="Cấp xã", unit_level="commune", area_minimums={"defence_security": 4})
    clerks = make_requirement(name="Tư pháp", position="Công chức tư pháp - hộ tịch",
                              area_minimums={"job_position": 8})
    employees = make_requirement(name="Viên chức", official_kind="public_employee",
                                 area_minimums={"science_technology_digital": 4})
    applied = {p.employee_code: {r.name_vi for r in [whole, only_top, communes, clerks, employees]
                                 if rq.applies_to(r, p, p.unit)} for p in (clerk, teacher)}
    assert applied[clerk.employee_code] == {"Toàn tỉnh", "Cấp xã", "Tư pháp"}
    assert applied[teacher.employee_code] == {"Toàn tỉnh", "Viên chức"}


def test_sql_status_agrees_with_python(app, make_unit, make_official, issue):
    rng = random.Random(3)
    province = make_unit("Tỉnh")
    units = [make_unit(f"Đơn vị {i}", parent=province, level=rng.choice([UnitLevel.province, UnitLevel.commune]))
             for i in range(4)]
    people = [make_official(f"Người {i}", unit=rng.choice(units), kind=rng.choice(list(OfficialKind)),
                            position=rng.choice(["Chuyên viên", "Kế toán"])) for i in range(30)]
    for person in people:
        for _ in range(rng.randint(0, 5)):
            issue(person, periods=rng.choice([2, 4, 8, 12.5]), on=date(2025, rng.randint(1, 6), 1),
                  area=rng.choice(["political_theory", "job_position", "science_technology_digital"]))
    reqs = [
        make_requirement(name="A", unit_id=province.id, min_periods=30, area_minimums={"political_theory": 4}),
        make_requirement(name="B", unit_level="commune", official_kind="cadre",
                         area_minimums={"science_technology_digital": 8}),
        make_requirement(name="C", position="Kế toán", area_minimums={"job_position": 12}),
    ]
    today = date(2025, 8, 15)
    pivot = rq.year_pivot(2025)
    seen_states = set()
    for req in reqs:
        exprs = rq.status_expressions(req, pivot, 2025, today)
        rows = db.session.execute(
            select(Official.id, exprs["met"].label("met"), exprs["on_track"].label("on_track"),
                   exprs["behind"].label("behind"), exprs["missing"].label("missing"))
            .join(Unit, Official.unit_id == Unit.id).outerjoin(pivot, pivot.c.official_id == Official.id)
            .where(rq.audience_condition(req))).all()
        in_sql = {r.id: (("met" if r.met else "on_track" if r.on_track else "behind"), round(float(r.missing), 2))
                  for r in rows}
        in_python = {p.id: (s.state.value, s.missing) for p in people
                     for s in [rq.evaluate(req, rq.official_totals(p.id, 2025), 2025, today)]
                     if rq.applies_to(req, p, p.unit)}
        assert in_sql == in_python, req.name_vi
        seen_states |= {state for state, _ in in_sql.values()}
    assert seen_states == {"met", "on_track", "behind"}  # the data exercises every state


def test_an_overlapping_requirement_is_refused_and_nothing_changes(app, make_unit):
    province = make_unit("Tỉnh")
    department = make_unit("Sở", parent=province)
    first = make_requirement(name="40 tiết toàn tỉnh", unit_id=province.id, min_periods=40, year_from=2025)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        make_requirement(name="60 tiết Sở", unit_id=department.id, min_periods=60, year_from=2026)
    assert "40 tiết toàn tỉnh" in str(refused.value) and "trùng với" in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Requirement)) == 1
    assert db.session.get(Requirement, first.id).min_periods == 40
    # no overlap: another area, other years, another kind, or switched off
    make_requirement(name="Số", unit_id=department.id, area_minimums={"science_technology_digital": 8})
    make_requirement(name="Trước", unit_id=department.id, min_periods=60, year_from=2020, year_to=2024)
    make_requirement(name="Nháp", unit_id=department.id, min_periods=60, active=False)
    with pytest.raises(DomainError):
        make_requirement(name="Số 2", area_minimums={"science_technology_digital": 4})
    # a unit's own requirement without its sub-units does not meet a sibling's
    sibling = make_unit("Sở khác", parent=province)
    make_requirement(name="Chỉ Sở", unit_id=department.id, include_subunits=False, year_from=2030,
                     area_minimums={"political_theory": 4})
    make_requirement(name="Chỉ Sở khác", unit_id=sibling.id, include_subunits=False, year_from=2030,
                     area_minimums={"political_theory": 4})


def test_switching_on_checks_overlaps(app):
    make_requirement(name="Đang áp dụng", min_periods=40)
    draft = make_requirement(name="Nháp", min_periods=20, active=False)
    db.session.commit()
    with pytest.raises(DomainError):
        rq.set_active(draft, True)
    db.session.rollback()
    assert db.session.get(Requirement, draft.id).active is False


@pytest.mark.parametrize("changes, message", [
    ({"name": " "}, "đặt tên"),
    ({"year_from": 1990}, "Năm bắt đầu"),
    ({"year_from": 2025, "year_to": 2024}, "Năm kết thúc"),
    ({"min_periods": None}, "Hãy đặt số tiết tối thiểu"),
    ({"min_periods": -4}, "phải từ 0 đến 2000"),
    ({"min_periods": 10_000}, "phải từ 0 đến 2000"),
    ({"min_periods": 8, "area_minimums": {"political_theory": 6, "job_position": 6}},
     "lớn hơn số tiết tối thiểu chung"),
    ({"area_minimums": {"cooking": 4}}, "Nội dung bồi dưỡng không hợp lệ: cooking"),
])
def test_requirements_that_make_no_sense_are_refused(app, changes, message):
    kw = {"min_periods": 40} | changes
    with pytest.raises(DomainError) as refused:
        make_requirement(**kw)
    assert message in str(refused.value)


def test_a_requirement_for_a_merged_unit_is_refused(app, make_unit):
    province = make_unit("Tỉnh")
    old = make_unit("Huyện cũ", parent=province, level=UnitLevel.district)
    new = make_unit("Xã mới", parent=province, level=UnitLevel.commune)
    merge_units([old], new, date(2025, 7, 1))
    with pytest.raises(DomainError) as refused:
        make_requirement(unit_id=old.id, min_periods=40)
    assert "Xã mới" in str(refused.value)


def test_the_40_period_example_ships_switched_off(app, make_official, issue):
    example = rq.ensure_example(2025)
    assert rq.ensure_example(2025).id == example.id
    assert example.active is False and example.min_periods == 40
    person = make_official()
    issue(person, periods=8)
    assert rq.statuses_for(person, 2025, date(2025, 12, 31)) == []  # none by default
    rq.set_active(example, True)
    [status] = rq.statuses_for(person, 2025, date(2025, 12, 31))
    assert status.state is rq.State.behind and status.missing == 32


def test_the_migration_ships_the_example_switched_off(tmp_path, instance_root):
    from lms.core import migrate
    from lms.core.app import create_app
    from tests.conftest import make_config
    fresh = create_app(make_config("sqlite:///" + str(tmp_path / "fresh.sqlite3"), instance_root))
    with fresh.app_context():
        migrate.upgrade()
        rows = db.session.execute(select(Requirement.name_vi, Requirement.min_periods, Requirement.active)).all()
        db.session.remove()
        db.engine.dispose()
    assert [(name, periods, active) for name, periods, active in rows] == [(rq.EXAMPLE_NAME_VI, 40, False)]
