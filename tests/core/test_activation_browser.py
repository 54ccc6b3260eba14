"""The activation-letter journey in Chromium: the demo's unit manager prints the letters of a commune, and an
official of it types the code from the letter on a phone-sized screen, chooses a password and is home."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_support import login, require_chromium, start_server
from tests.core.activation_support import CODE, NEW_PASSWORD, texts_by_half

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    require_chromium()
    folder = Path(tempfile.mkdtemp(prefix="lms-activation-"))
    live = start_server(folder / "instance")
    try:
        yield live
    finally:
        live.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _seed_demo_people():
    from lms.core.db import db
    from lms.core.demo import AWAITING_LETTERS_UNIT, seed_people
    from lms.core.models import Unit
    seed_people()
    return db.session.scalar(select(Unit.id).where(Unit.code == AWAITING_LETTERS_UNIT))


def test_a_letter_from_the_manager_activates_an_official_on_a_phone(chromium, server):
    unit_id = server.seed(_seed_demo_people)
    manager = chromium.new_context()
    page = manager.new_page()
    login(page, server, "quanly@sonha.example.vn", "sonha-demo-2026")
    page.goto(f"{server.url}/org/units")
    page.get_by_role("row", name="Phường Sông Cầu").get_by_role("link", name="Kích hoạt").click()
    assert page.url.endswith(f"/activation/units/{unit_id}")
    page.select_option("select[name=file_format]", "pdf")
    with page.expect_download() as download:
        page.get_by_role("button", name="Cấp thư cho đơn vị này").click()
    letters = [half for halves in texts_by_half(Path(download.value.path()).read_bytes()) for half in halves]
    [letter] = [text for text in letters if "KH00002" in text]
    assert "Đinh Thị Mai" in letter
    code = CODE.search(letter).group()
    manager.close()

    phone = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{server.url}/activate")
    page.get_by_label("Mã kích hoạt").fill(code.lower().replace("-", ""))  # as typed on a phone keyboard
    page.get_by_label("Mã cán bộ").fill("KH00002")
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.get_by_role("button", name="Kích hoạt và đăng nhập").click()
    assert page.url == f"{server.url}/"
    assert "Tài khoản của bạn đã được kích hoạt" in page.inner_text("main")
    phone.close()

    # The code was for one use: typed again, it is refused with a message.
    again = chromium.new_context(viewport={"width": 360, "height": 740})
    page = again.new_page()
    page.goto(f"{server.url}/activate?code={code}&employee_code=KH00002")
    page.get_by_label("Mật khẩu mới", exact=True).fill("một mật khẩu khác hẳn")
    page.get_by_label("Nhập lại mật khẩu mới").fill("một mật khẩu khác hẳn")
    page.get_by_role("button", name="Kích hoạt và đăng nhập").click()
    assert "đã được dùng" in page.get_by_role("alert").inner_text()
    again.close()
