"""A school administrator, at a desktop: opens an in-person class, enrols a commune, takes attendance,
issues the class's certificates in one go, downloads them as one ZIP, revokes one and sees the public
verify page say so."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import pytest

from tests.journeys.helpers import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = "truong@sonha.example.vn"
COURSE = "Cập nhật kiến thức lý luận chính trị: Nghị quyết 57-NQ/TW"
CLASS_CODE = "TCT-NQ57-HB-01"
CLASS_TITLE = "Nghị quyết 57-NQ/TW - lớp Xã Hòa Bình"
UNIT = "· Xã Hòa Bình (T01-X-HOABINH)"


def test_a_school_admin_runs_a_class_from_opening_to_a_revoked_certificate(actor, server):
    from playwright.sync_api import expect
    me = actor(ADMIN, viewport=DESKTOP)
    page = me.page
    today = date.today()

    # Open the class.
    page.get_by_role("link", name="Lớp học", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lớp học")
    me.check("the classes")
    page.get_by_role("link", name="Mở lớp").click()
    course = page.get_by_label("Khóa học", exact=True)
    course.select_option(label=course.locator("option", has_text=COURSE).inner_text())
    page.get_by_label("Mã lớp").fill(CLASS_CODE)
    page.get_by_label("Tên lớp (tiếng Việt)").fill(CLASS_TITLE)
    page.get_by_label("Mở cho đơn vị").select_option(label=UNIT)
    page.get_by_label("Hình thức").select_option(label="Trực tiếp")
    page.get_by_label("Ngày khai giảng").fill(today.isoformat())
    page.get_by_label("Ngày kết thúc (hạn hoàn thành của học viên)").fill((today + timedelta(days=30)).isoformat())
    page.get_by_label("Sĩ số tối đa").fill("40")
    page.get_by_label("Địa điểm").fill("Hội trường Ủy ban nhân dân xã Hòa Bình")
    me.check("the new class form")
    page.get_by_role("button", name="Mở lớp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CLASS_TITLE)
    class_page = page.url

    # A session, and the whole commune enrolled.
    page.get_by_text("Thêm buổi học", exact=True).click()
    adding = page.locator("form[action$='/sessions']")
    adding.get_by_label("Ngày").fill(today.isoformat())
    adding.get_by_label("Bắt đầu lúc").fill("07:30")
    adding.get_by_label("Kết thúc lúc").fill("11:30")
    adding.get_by_label("Chủ đề").fill("Buổi 1: Quan điểm chỉ đạo và mục tiêu")
    adding.get_by_role("button", name="Thêm buổi học này").click()
    session = page.locator("#main").get_by_role("link", name=re.compile("Buổi 1: Quan điểm"))
    expect(session).to_have_count(1)
    enrolling = page.locator("form[action$='/enrol/unit']")
    enrolling.get_by_label("Đơn vị (gồm mọi đơn vị trực thuộc)").select_option(label=UNIT)
    enrolling.get_by_role("button", name="Ghi danh cả đơn vị").click()
    expect(page.locator(".flash-success")).to_contain_text("5")
    roster = page.locator("main table").filter(has_text="Mã cán bộ")
    expect(roster.locator("tbody tr")).to_have_count(5)
    names = [n.strip() for n in roster.locator("tbody tr > :first-child").all_inner_texts()]  # th or td
    assert len(names) == 5 and all(names), names
    me.shot("class", "the class page", show=page.get_by_role("heading", name="Buổi học và điểm danh"))

    # The certificates of this class: its own rule (attendance only, issued by hand), set up first.
    # (The course's own rule asks for a final score, which an in-person class does not give.)
    page.get_by_role("link", name="Sổ cấp chứng chỉ").first.click()
    page.get_by_role("link", name="Quy định cấp chứng chỉ").click()
    page.get_by_role("link", name="Thêm quy định").click()
    course = page.get_by_label("Khóa học", exact=True)
    course.select_option(label=course.locator("option", has_text=COURSE).inner_text())
    klass = page.get_by_label("Chỉ áp dụng cho lớp")
    klass.select_option(label=klass.locator("option", has_text=CLASS_CODE).inner_text())
    page.get_by_label("Tỷ lệ chuyên cần tối thiểu (%)").fill("100")
    page.get_by_label("Tự động cấp khi hoàn thành khóa học").uncheck()
    me.check("the class's certificate rule")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()

    # Attendance: everybody present.
    page.goto(class_page)
    page.locator("#main").get_by_role("link", name=re.compile("Buổi 1: Quan điểm")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Điểm danh")
    for name in names:
        page.get_by_role("group", name=f"Trạng thái của {name}").get_by_label("Có mặt").check()
    me.shot("attendance", "the attendance sheet")
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.locator(".flash-success")).to_contain_text(f"thay đổi {len(names)}")
    for name in names:
        expect(page.get_by_role("group", name=f"Trạng thái của {name}").get_by_label("Có mặt")).to_be_checked()

    # Kept: the learners have completed the class, so the class's certificates page finds all of them eligible.
    page.get_by_role("link", name="Sổ cấp chứng chỉ").first.click()
    page.get_by_role("link", name="Cấp chứng chỉ cho một lớp").click()
    page.get_by_role("link", name=re.compile(CLASS_CODE)).click()
    expect(page.get_by_role("button", name=f"Cấp {len(names)} chứng chỉ")).to_be_visible()

    # Issue them all, download the ZIP.
    issue = page.get_by_role("button", name="Cấp 5 chứng chỉ")
    me.check("the class's certificates, before issuing")
    issue.click()
    issued = page.locator("main table").filter(has_text="Số vào sổ")
    expect(issued.locator("tbody tr")).to_have_count(5)
    me.shot("class-certificates", "the class's certificates",
            show=page.get_by_role("heading", name="Đã cấp cho lớp này"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tất cả về trong một tệp ZIP").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    pdfs = [n for n in archive.namelist() if n.lower().endswith(".pdf")]
    assert len(pdfs) == 5, archive.namelist()
    assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)

    # Revoke one; the public verify page says so.
    holder = issued.locator("tbody tr").first.locator("td").nth(1).inner_text().strip()
    issued.locator("tr").filter(has_text=holder).get_by_role("link").click()
    page.get_by_text("Thu hồi", exact=True).click()
    revoking = page.locator("form[action$='/revoke']")
    ground = revoking.get_by_label("Căn cứ thu hồi")
    ground.select_option(index=1 if ground.locator("option").count() > 1 else 0)
    revoking.get_by_label("Ghi chú (lý do và căn cứ, chứng cứ)").fill(
        "Cấp nhầm: học viên vắng buổi học (biên bản số 12).")
    revoking.get_by_role("button", name="Thu hồi chứng chỉ").click()
    expect(page.locator("main")).to_contain_text("Đã thu hồi")
    me.check("the revoked certificate")
    page.locator("main a[href*='/verify/']").first.click()  # the public page its QR code opens
    expect(page.get_by_role("heading", name="Chứng chỉ này đã bị thu hồi.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(holder)
    me.shot("verify-revoked", "the verify page of a revoked certificate")
