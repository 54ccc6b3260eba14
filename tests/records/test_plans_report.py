"""Training plans and the provincial report: plan against actual, merged units, totals that match a recount."""
from __future__ import annotations

import io
import random
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.core.catalog import provide
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Role, UnitLevel
from lms.core.services.org import merge_units
from lms.records import plans
from lms.records.models import PlanTarget, TrainingPlan
from lms.records.report import provincial_report
from tests.records.fake_catalog import FakeCatalog


@pytest.fixture
def fake_catalog(app):
    provider = FakeCatalog()
    provide(app, provider)
    return provider


@pytest.fixture
def land(make_unit, make_official):
    """A province with a department, a commune, and a district merged into the commune on 1 July 2025."""
    top = make_unit("Tỉnh Sơn Hà", level=UnitLevel.province)
    home = make_unit("Sở Nội vụ", parent=top)
    commune = make_unit("Xã Tân Phú", parent=top, level=UnitLevel.commune)
    district = make_unit("Huyện Tân Phú", parent=top, level=UnitLevel.district)
    people = {"in_home": make_official("Nguyễn Văn Sở", unit=home),
              "in_district": make_official("Trần Thị Huyện", unit=district),
              "in_commune": make_official("Lê Văn Xã", unit=commune)}
    db.session.commit()
    return {"top": top, "home": home, "commune": commune, "district": district, **people}


def plan(unit, year, **targets):
    return plans.save_plan(plans.PlanInput(year=year, unit_id=unit.id, targets=targets))


def test_saving_a_plan_twice_replaces_its_targets(app, land):
    first = plan(land["home"], 2025, political_theory=(2, 60), job_position=(3, 90))
    again = plan(land["home"], 2025, political_theory=(4, 120))
    assert again.id == first.id
    targets = db.session.execute(select(PlanTarget.content_area, PlanTarget.classes, PlanTarget.trainees)).all()
    assert [tuple(t) for t in targets] == [("political_theory", 4, 120)]


@pytest.mark.parametrize("targets, message", [
    ({"political_theory": (-1, 10)}, "từ 0 đến"),
    ({"political_theory": (2, 10_000_000)}, "từ 0 đến"),
    ({"cooking": (1, 10)}, "không hợp lệ"),
    ({}, "ít nhất một chỉ tiêu"),
    ({"political_theory": (0, 0)}, "ít nhất một chỉ tiêu"),
    ({"political_theory": (5, 3)}, "5 lớp"),
])
def test_plans_that_make_no_sense_are_refused(app, land, targets, message):
    plan(land["home"], 2025, political_theory=(2, 60))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        plan(land["home"], 2025, **targets)
    assert message in str(refused.value)
    db.session.rollback()
    kept = db.session.execute(select(PlanTarget.classes, PlanTarget.trainees)).all()
    assert [tuple(k) for k in kept] == [(2, 60)]


def test_a_plan_for_a_merged_unit_is_refused(app, land):
    plan(land["district"], 2024, job_position=(2, 40))  # it existed all of 2024
    merge_units([land["district"]], land["commune"], date(2025, 7, 1))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        plan(land["district"], 2025, job_position=(1, 20))
    assert "Xã Tân Phú" in str(refused.value) and "01/07/2025" in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TrainingPlan)) == 1
    plan(land["commune"], 2025, job_position=(1, 20))


def test_report_rolls_merged_units_into_their_successor_naming_them(app, land, fake_catalog, issue):
    top, home, commune, district = land["top"], land["home"], land["commune"], land["district"]
    plan(home, 2025, political_theory=(2, 50), job_position=(2, 50))
    plan(commune, 2025, science_technology_digital=(4, 100))
    plan(district, 2025, science_technology_digital=(2, 40))  # made before the merger
    fake_catalog.add_class(unit=home, area="political_theory", year=2025, enrolled=30, completed=28)
    fake_catalog.add_class(unit=home, area="job_position", year=2025, enrolled=25, completed=20)
    fake_catalog.add_class(unit=district, area="science_technology_digital", year=2025, enrolled=45, completed=40)
    fake_catalog.add_class(unit=commune, area="science_technology_digital", year=2025, enrolled=60, completed=50)
    fake_catalog.add_class(unit=commune, area="science_technology_digital", year=2024, enrolled=99, completed=99)
    fake_catalog.add_class(unit=None, area="job_position", year=2025, enrolled=10, completed=10)  # no unit
    issue(land["in_district"], periods=8, area="science_technology_digital", on=date(2025, 3, 1))
    merge_units([district], commune, date(2025, 7, 1))
    issue(land["in_district"], periods=8, area="science_technology_digital", on=date(2025, 9, 1))  # now in the commune
    issue(land["in_home"], periods=4, area="political_theory", on=date(2025, 5, 1))

    report = provincial_report(top, 2025)
    assert report.catalog_available
    assert [g.level for g in report.groups] == ["province", "commune"]
    [commune_row] = report.groups[1].rows
    assert commune_row.unit.id == commune.id
    f = commune_row.figures
    assert (f.classes_planned, f.trainees_planned, f.classes_opened, f.enrolled, f.completed, f.certificates) == \
        (6, 140, 2, 105, 90, 2)
    assert f.classes_percent == pytest.approx(100 * 2 / 6) and f.trainees_percent == pytest.approx(75.0)
    [before] = commune_row.predecessors
    assert before.unit.name_vi == "Huyện Tân Phú" and before.merged_on == date(2025, 7, 1)
    assert (before.figures.classes_planned, before.figures.classes_opened, before.figures.enrolled,
            before.figures.certificates) == (2, 1, 45, 1)
    [home_row] = report.groups[0].rows  # the province itself has no plan and no activity
    assert (home_row.figures.classes_opened, home_row.figures.enrolled, home_row.figures.certificates) == (2, 55, 1)
    assert report.idle_units == 1
    t = report.total
    assert (t.classes_planned, t.trainees_planned, t.classes_opened, t.enrolled, t.completed, t.certificates) == \
        (10, 240, 4, 160, 138, 3)
    assert t.trainees_percent == pytest.approx(100 * 160 / 240)
    assert report.areas["science_technology_digital"].enrolled == 105


def test_report_without_the_course_catalogue_says_so(app, land, issue):
    from lms.core.catalog import catalog
    app.extensions["lms"].pop("catalog", None)
    assert catalog() is None
    plan(land["home"], 2025, political_theory=(2, 50))
    issue(land["in_home"], periods=4, area="political_theory", on=date(2025, 5, 1))
    report = provincial_report(land["top"], 2025)
    assert not report.catalog_available
    t = report.total
    assert (t.classes_opened, t.enrolled, t.completed, t.classes_percent, t.trainees_percent) == (None,) * 5
    assert (t.classes_planned, t.trainees_planned, t.certificates) == (2, 50, 1)


def test_report_figures_match_a_recount_on_generated_data(app, make_unit, make_official, fake_catalog, issue, revoke):
    rng = random.Random(5)
    top = make_unit("Tỉnh", level=UnitLevel.province)
    units = [make_unit(f"Đơn vị {i}", parent=top, level=rng.choice([UnitLevel.province, UnitLevel.commune]))
             for i in range(6)]
    old = [make_unit(f"Huyện {i}", parent=top, level=UnitLevel.district) for i in range(2)]
    people = [make_official(f"Người {i}", unit=rng.choice(units + old)) for i in range(20)]
    areas = ["political_theory", "state_management", "job_position", "science_technology_digital"]
    expected = {"classes_planned": 0, "trainees_planned": 0, "classes_opened": 0, "enrolled": 0, "completed": 0,
                "certificates": 0}
    for unit in units + old:
        if rng.random() < 0.7:
            targets = {a: (rng.randint(0, 5), rng.randint(5, 100)) for a in rng.sample(areas, 2)}
            plan(unit, 2025, **targets)
            expected["classes_planned"] += sum(c for c, _ in targets.values())
            expected["trainees_planned"] += sum(t for _, t in targets.values())
        for _ in range(rng.randint(0, 3)):
            enrolled = rng.randint(10, 60)
            fake_catalog.add_class(unit=unit, area=rng.choice(areas), year=2025, enrolled=enrolled,
                                   completed=enrolled - rng.randint(0, 9))
    expected["classes_opened"] = len(fake_catalog.class_counts(2025))
    expected["enrolled"] = sum(c.enrolled for c in fake_catalog.class_counts(2025))
    expected["completed"] = sum(c.completed for c in fake_catalog.class_counts(2025))
    sent = [issue(rng.choice(people), area=rng.choice(areas), on=date(2025, rng.randint(1, 6), 1)) for _ in range(30)]
    for gone in rng.sample(sent, 5):
        revoke(gone)
    merge_units(old, units[0], date(2025, 7, 1))
    sent += [issue(rng.choice(people), area=rng.choice(areas), on=date(2025, rng.randint(7, 12), 1)) for _ in range(10)]
    expected["certificates"] = 35

    report = provincial_report(top, 2025)
    got = {name: getattr(report.total, name) for name in expected}
    assert got == expected
    by_rows = sum(row.figures.certificates for g in report.groups for row in g.rows)
    assert by_rows == 35
    assert sum(g.total.enrolled for g in report.groups) == expected["enrolled"]
    assert {p.unit.id for g in report.groups for row in g.rows for p in row.predecessors} <= {u.id for u in old}


def test_report_and_plan_pages(app, land, fake_catalog, make_user, login, client, issue):
    plan(land["district"], 2025, science_technology_digital=(2, 40))
    fake_catalog.add_class(unit=land["district"], area="science_technology_digital", year=2025, enrolled=41,
                           completed=40)
    merge_units([land["district"]], land["commune"], date(2025, 7, 1))
    db.session.commit()
    login(make_user(roles=[(Role.unit_manager, {"unit_id": land["top"].id})]))
    page = client.get("/records/report?year=2025")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Xã Tân Phú" in text and "Huyện Tân Phú" in text and "01/07/2025" in text and "103%" in text
    export = client.get(f"/records/report.xlsx?unit={land['top'].id}&year=2025")
    book = load_workbook(io.BytesIO(export.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(r[1] == "Xã Tân Phú" for r in rows)
    assert any(r[1] and "Huyện Tân Phú" in r[1] and r[2] and "01/07/2025" in r[2] for r in rows)
    grand = next(r for r in rows if r[0] == "Tổng cộng")
    assert grand[3:10] == (2, 1, 50.0, 40, 41, 40, 102.5)
    detail = list(book["Chi tiết"].iter_rows(values_only=True))
    assert any(r[1] == "Huyện Tân Phú" and r[3] == land["commune"].code for r in detail)

    # a plan for the merged unit is refused on the page, and nothing is saved
    response = client.post(f"/records/plans/edit?unit={land['top'].id}", data={
        "unit_id": land["district"].id, "year": 2026, "classes_political_theory": 1, "trainees_political_theory": 5})
    assert response.status_code == 200 and "đã được sáp nhập vào Xã Tân Phú" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TrainingPlan).where(TrainingPlan.year == 2026)) == 0
    response = client.post(f"/records/plans/edit?unit={land['top'].id}", data={
        "unit_id": land["home"].id, "year": 2026, "classes_political_theory": 1, "trainees_political_theory": 5})
    assert response.status_code == 302
    assert "Sở Nội vụ" in client.get(f"/records/plans?unit={land['top'].id}&year=2026").get_data(as_text=True)


def test_plans_and_reports_are_for_admins_and_province_managers(app, land, make_user, login, client):
    commune_manager = make_user(roles=[(Role.unit_manager, {"unit_id": land["commune"].id})])
    login(commune_manager)
    assert client.get("/records/report").status_code == 403
    assert client.get("/records/plans").status_code == 403
    assert "Kế hoạch và báo cáo" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    department_manager = make_user(roles=[(Role.unit_manager, {"unit_id": land["home"].id})])
    login(department_manager)
    assert client.get(f"/records/report?unit={land['top'].id}").status_code == 404  # above their unit
    assert client.get(f"/records/report?unit={land['home'].id}").status_code == 200
