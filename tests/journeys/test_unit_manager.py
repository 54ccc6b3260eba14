"""A unit manager of the province, at a desktop: the dashboard, a drill-down to a unit and one of its
officials, the list of who is behind on the year's requirement, and its export."""
from __future__ import annotations

import io
import re

import pytest

from tests.journeys.helpers import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MANAGER = "quanly@sonha.example.vn"
REQUIREMENT = "Bồi dưỡng tối thiểu 16 tiết mỗi năm"
UNIT = "Sở Nội vụ"


def _seed_year():
    """Base data: the year's requirement (16 periods) and training done elsewhere by some officials of the
    province: every third official has 16 periods (met), the others have 4 or nothing (behind)."""
    from sqlalchemy import select

    from lms.core.db import db
    from lms.core.models import Official
    from lms.records import requirements as rq
    from lms.records.dates import local_today
    from lms.records.ledger import CreditFacts, add_credit
    from lms.records.models import CreditSource
    today = local_today()
    rq.save_requirement(rq.RequirementInput(name_vi=REQUIREMENT, year_from=today.year, min_periods=16, active=True))
    officials = list(db.session.scalars(select(Official).where(Official.employee_code.like("CB%"))
                                        .order_by(Official.employee_code)))
    for n, official in enumerate(officials):
        periods = 16 if n % 3 == 0 else (4 if n % 3 == 1 else 0)
        if periods:
            add_credit(CreditFacts(official_id=official.id, source=CreditSource.outside, source_id=f"journey-{n}",
                                   title_vi="Bồi dưỡng kỹ năng số (Bình dân học vụ số)", content_area=
                                   "science_technology_digital", periods=periods, earned_on=today,
                                   provider="Bình dân học vụ số"))
    return today.year


def test_a_unit_manager_sees_the_dashboard_drills_down_and_exports_who_is_behind(actor, server):
    from openpyxl import load_workbook
    from playwright.sync_api import expect
    year = server.seed(_seed_year)
    me = actor(MANAGER, viewport=DESKTOP)
    page = me.page

    page.goto(server.url + "/")
    page.get_by_role("link", name=re.compile("Bảng theo dõi|Theo dõi")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tỉnh Sơn Hà")
    main = page.locator("main")
    expect(main).to_contain_text(REQUIREMENT)
    expect(main).to_contain_text("50")
    me.shot("dashboard", "the unit manager's dashboard")

    # Drill down: a department, then one of its officials.
    page.locator("main").get_by_role("link", name=UNIT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(UNIT)
    me.check("a department's dashboard")
    officials = page.locator("main table").filter(has_text="Mã cán bộ")
    first = officials.locator("tbody tr th a").first
    name = first.inner_text().strip()
    first.click()
    expect(page.locator("main")).to_contain_text(name)
    me.check("an official's record, as the manager sees it")
    page.go_back()

    # Who is behind on the requirement, across the province, and its export.
    page.locator("nav.crumbs a, main a").filter(has_text="Tỉnh Sơn Hà").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tỉnh Sơn Hà")
    page.locator("main tr").filter(has_text=REQUIREMENT).get_by_role("link", name="Danh sách").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ai đang chậm tiến độ")
    table = page.locator("main table").filter(has=page.locator("caption", has_text=REQUIREMENT))
    expect(table.locator("caption")).to_contain_text(str(year))
    shown = table.locator("tbody tr")
    expect(shown.first).to_be_visible()
    count = int(re.search(r"\d+", table.locator("caption").inner_text()).group(0))
    # Two in three of CB00001..CB00050 are behind, and the demo's four officials waiting for activation.
    assert 34 <= count <= 38, count
    me.shot("who-is-behind", "who is behind")
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất tệp (XLSX)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    rows = [r for r in book.active.iter_rows(values_only=True) if any(v is not None for v in r)]
    codes = {v for r in rows for v in r if isinstance(v, str) and re.fullmatch(r"(?:CB|KH)\d{5}", v)}
    assert len(codes) == count, (len(codes), count, rows[:3])
