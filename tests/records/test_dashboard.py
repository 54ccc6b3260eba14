"""The unit manager's dashboard: figures match a recount, drill-down, who is behind, export, permissions."""
from __future__ import annotations

import io
import random
from collections import defaultdict
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Official, OfficialKind, Role, UnitLevel
from lms.records import dashboard as dash
from lms.records import requirements as rq
from lms.records.models import TrainingCredit

AREAS = ["political_theory", "defence_security", "state_management", "job_position", "science_technology_digital"]


@pytest.fixture
def province(make_unit, make_official, issue):
    """A small province: two departments (one with an agency) and a commune, officials with 2024 credits."""
    rng = random.Random(11)
    top = make_unit("Tỉnh Sơn Hà", level=UnitLevel.province)
    home = make_unit("Sở Nội vụ", parent=top)
    agency = make_unit("Chi cục Văn thư - Lưu trữ", parent=home)
    science = make_unit("Sở Khoa học và Công nghệ", parent=top)
    commune = make_unit("Xã Tân Phú", parent=top, level=UnitLevel.commune)
    units = [top, home, agency, science, commune]
    people = []
    for n in range(24):
        unit = units[n % len(units)]
        person = make_official(f"Cán bộ {n:02d}", unit=unit, kind=rng.choice(list(OfficialKind)))
        people.append(person)
        for _ in range(rng.randint(0, 4)):
            issue(person, periods=rng.choice([4, 8, 16]), area=rng.choice(AREAS), on=date(2024, rng.randint(1, 12), 3))
        issue(person, periods=8, area="job_position", on=date(2023, 5, 1))  # another year: never counted
    rq.save_requirement(rq.RequirementInput(name_vi="40 tiết", year_from=2024, min_periods=40, active=True))
    rq.save_requirement(rq.RequirementInput(name_vi="Kỹ năng số cấp xã", year_from=2024, unit_level="commune",
                                            area_minimums={"science_technology_digital": 8}, active=True))
    db.session.commit()
    return {"top": top, "home": home, "agency": agency, "science": science, "commune": commune, "people": people}


def recount(units_ids: set[int], year: int):
    """Periods per area and per-official totals straight from the ledger."""
    areas, per_official = defaultdict(float), defaultdict(float)
    for credit in db.session.scalars(select(TrainingCredit).where(TrainingCredit.year == year,
                                                                  TrainingCredit.withdrawn_at.is_(None))):
        if credit.official.unit_id in units_ids:
            areas[credit.content_area] += credit.periods
            per_official[credit.official_id] += credit.periods
    return areas, per_official


def test_dashboard_figures_match_a_recount(app, province):
    top = province["top"]
    data = dash.unit_dashboard(top, 2024, date(2025, 2, 1))
    everyone = db.session.scalars(select(Official)).all()
    areas, per_official = recount({u.id for u in province.values() if hasattr(u, "path")}, 2024)
    assert data.whole.officials == len(everyone) == 24
    assert {a: round(v, 2) for a, v in data.whole.areas.items() if v} == {a: round(v, 2) for a, v in areas.items()}
    forty = next(r for r in data.requirements if r.name_vi == "40 tiết")
    figures = data.whole.requirements[forty.id]
    assert figures.applicable == 24 and figures.on_track == 0  # a finished year: met or behind
    assert figures.met == sum(1 for p in everyone if per_official[p.id] >= 40)
    assert figures.met + figures.behind == 24
    digital = next(r for r in data.requirements if r.name_vi == "Kỹ năng số cấp xã")
    assert data.whole.requirements[digital.id].applicable == sum(1 for p in everyone
                                                                  if p.unit_id == province["commune"].id)
    # children roll up their own sub-units; the top unit's own officials are kept apart
    children = {c.unit.name_vi: c for c in data.children}
    assert set(children) == {"Sở Nội vụ", "Sở Khoa học và Công nghệ", "Xã Tân Phú"}
    home_ids = {province["home"].id, province["agency"].id}
    assert children["Sở Nội vụ"].officials == sum(1 for p in everyone if p.unit_id in home_ids)
    assert data.own.officials == sum(1 for p in everyone if p.unit_id == top.id)
    assert sum(c.officials for c in data.children) + data.own.officials == 24
    assert round(sum(c.total for c in data.children) + data.own.total, 2) == round(data.whole.total, 2)


def test_behind_list_is_ordered_by_periods_missing(app, province):
    top = province["top"]
    forty = db.session.scalar(select(rq.Requirement).where(rq.Requirement.name_vi == "40 tiết"))
    rows = dash.rows_of(db.session.execute(dash.behind_query(top, 2024, forty, date(2025, 2, 1))))
    _, per_official = recount({u.id for u in province.values() if hasattr(u, "path")}, 2024)
    expected = sorted([p for p in province["people"] if per_official[p.id] < 40],
                      key=lambda p: (-(40 - per_official[p.id]), p.name_folded))
    assert [r.official.id for r in rows] == [p.id for p in expected]
    assert all(r.missing == round(40 - r.total, 2) for r in rows)


def test_on_track_during_the_year(app, make_official, issue):
    person = make_official()
    issue(person, periods=12, on=date(2025, 2, 1))
    req = rq.save_requirement(rq.RequirementInput(name_vi="40", year_from=2025, min_periods=40, active=True))
    unit = person.unit
    early = dash.unit_dashboard(unit, 2025, date(2025, 3, 1)).whole.requirements[req.id]
    late = dash.unit_dashboard(unit, 2025, date(2025, 11, 1)).whole.requirements[req.id]
    assert (early.on_track, early.behind) == (1, 0) and (late.on_track, late.behind) == (0, 1)
    assert not db.session.execute(dash.behind_query(unit, 2025, req, date(2025, 3, 1))).all()
    assert db.session.execute(dash.behind_query(unit, 2025, req, date(2025, 3, 1), include_on_track=True)).all()


def test_manager_drills_down_within_their_unit_only(app, province, make_user, login, client):
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": province["home"].id})])
    login(manager)
    page = client.get("/records/dashboard?year=2024")  # their only unit is the start
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sở Nội vụ" in text and "Chi cục Văn thư - Lưu trữ" in text
    assert client.get(f"/records/dashboard?unit={province['agency'].id}&year=2024").status_code == 200
    assert client.get(f"/records/dashboard?unit={province['science'].id}&year=2024").status_code == 404
    assert client.get(f"/records/dashboard?unit={province['top'].id}&year=2024").status_code == 404
    # the breadcrumb names the province but does not link above what they manage
    assert f'href="/records/dashboard?unit={province["top"].id}' not in text


def test_officials_without_a_managing_role_are_refused(app, province, make_user, login, client):
    login(make_user(official=province["people"][0]))
    assert client.get("/records/dashboard").status_code == 403
    assert client.get("/records/dashboard/behind").status_code == 403


def test_admin_drills_from_province_to_official(app, province, make_user, login, client):
    login(make_user(roles=["admin"]))
    text = client.get(f"/records/dashboard?unit={province['top'].id}&year=2024").get_data(as_text=True)
    assert f'href="/records/dashboard?unit={province["home"].id}&amp;year=2024"' in text
    someone = next(p for p in province["people"] if p.unit_id == province["top"].id)
    assert f'/records/officials/{someone.id}?year=2024' in text
    assert client.get(f"/records/officials/{someone.id}?year=2024").status_code == 200
    assert "<svg" in text and 'role="img"' in text  # charts, with their numbers in tables


def test_dashboard_runs_a_fixed_number_of_queries(app, province, make_user, make_unit, make_official, login, client,
                                                  count_queries, issue):
    login(make_user(roles=["admin"]))
    url = f"/records/dashboard?unit={province['top'].id}&year=2024"
    client.get(url)
    db.session.commit()
    with count_queries() as before:
        assert client.get(url).status_code == 200
    extra = make_unit("Xã mới", parent=province["top"], level=UnitLevel.commune)
    for n in range(10):
        issue(make_official(f"Thêm {n}", unit=extra if n % 2 else province["top"]), on=date(2024, 4, 1))
    db.session.commit()
    with count_queries() as after:
        assert client.get(url).status_code == 200
    assert after.count == before.count


def test_who_is_behind_page_and_export(app, province, make_user, login, client):
    login(make_user(roles=[(Role.unit_manager, {"unit_id": province["top"].id})]))
    forty = db.session.scalar(select(rq.Requirement).where(rq.Requirement.name_vi == "40 tiết"))
    page = client.get(f"/records/dashboard/behind?unit={province['top'].id}&year=2024&requirement={forty.id}")
    assert page.status_code == 200
    rows = dash.rows_of(db.session.execute(dash.behind_query(province["top"], 2024, forty, date(2025, 1, 5))))
    text = page.get_data(as_text=True)
    assert rows and all(r.official.full_name in text for r in rows[:50])
    export = client.get(f"/records/dashboard/behind.xlsx?unit={province['top'].id}&year=2024&requirement={forty.id}")
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    codes = [r[0] for r in sheet.iter_rows(min_row=6, values_only=True)]
    assert codes == [r.official.employee_code for r in rows]
    assert client.get(f"/records/dashboard/behind?unit={province['top'].id}&year=2024"
                      "&requirement=9999").status_code == 404


def test_lists_run_a_fixed_number_of_queries(app, province, make_user, make_official, login, client, count_queries,
                                             issue):
    login(make_user(roles=["admin"]))
    forty = db.session.scalar(select(rq.Requirement).where(rq.Requirement.name_vi == "40 tiết"))
    urls = [f"/records/dashboard/behind?unit={province['top'].id}&year=2024&requirement={forty.id}",
            f"/records/report?unit={province['top'].id}&year=2024",
            f"/records/plans?unit={province['top'].id}&year=2024"]
    counts = []
    for extra in (0, 8):
        for n in range(extra):
            issue(make_official(f"Thêm {n}", unit=province["commune"]), periods=4, on=date(2024, 5, 1))
        db.session.commit()
        for url in urls:
            client.get(url)
        db.session.commit()
        row = []
        for url in urls:
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            db.session.commit()
            row.append(counted.count)
        counts.append(row)
    assert counts[0] == counts[1]


def test_a_manager_of_two_units_chooses_one_on_every_records_page(app, province, make_user, login, client):
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": province["home"].id}),
                               (Role.unit_manager, {"unit_id": province["science"].id})])
    login(manager)
    for path in ("/records/dashboard", "/records/plans", "/records/report"):
        page = client.get(path + "?year=2024")
        text = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert f"unit={province['home'].id}" in text and f"unit={province['science'].id}" in text, path
    assert client.get(f"/records/report?unit={province['home'].id}&year=2024").status_code == 200
    assert client.get(f"/records/plans?unit={province['top'].id}&year=2024").status_code == 404
