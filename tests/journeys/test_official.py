"""An official on a 360x740 phone: log in, find a course in the catalogue, enrol, read the lessons, take
the final quiz (the network drops in the middle of the attempt and comes back), get the certificate PDF,
open the address its QR code carries, and see the periods on the training record. Then another official
completes a quiz with the keyboard alone."""
from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import urlparse

import pytest

from tests.journeys.helpers import (
    DESKTOP,
    PHONE,
    answer_by_keyboard,
    answer_by_tapping,
    answer_key,
    attempt_id_of,
    follow_menu,
    questions_on_page,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE = "Chuyển đổi xanh và tăng trưởng xanh trong quản lý nhà nước ở địa phương"
LESSONS = ["Bài 1. Bối cảnh và các khái niệm cơ bản",
           "Bài 2. Cam kết khí hậu và Chiến lược quốc gia về tăng trưởng xanh",
           "Bài 3. Khung pháp lý về bảo vệ môi trường và giảm phát thải",
           "Bài 4. Vai trò của chính quyền địa phương",
           "Bài 5. Xây dựng công sở xanh"]
QUIZ = "Bài kiểm tra cuối khóa"


def test_an_official_on_a_phone_enrols_learns_passes_and_gets_the_certificate(actor, server):
    from playwright.sync_api import expect
    from pypdf import PdfReader
    me = actor("CB00002", viewport=PHONE)
    page = me.page
    expect(page.locator("main")).to_contain_text("Xin chào")
    me.shot("home", "the official's home page")

    # The catalogue, from the menu (folded on a phone): search, then open the course.
    follow_menu(page, "Danh mục khóa học")
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh mục khóa học")
    page.get_by_role("searchbox", name="Tìm khóa học").fill("tăng trưởng xanh")
    page.get_by_role("button", name="Tìm kiếm").click()
    results = page.locator("main").get_by_role("link", name=COURSE)
    expect(results).to_have_count(1)
    expect(page.locator("main").get_by_role("link", name=re.compile("Chuyển đổi số trong"))).to_have_count(0)
    me.shot("catalogue", "the catalogue, searched")
    results.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    me.shot("course", "the course page")

    # Enrol: the first lesson opens; read them all with "next".
    page.get_by_role("button", name="Ghi danh vào khóa học này").click()
    expect(page.locator(".flash-success")).to_contain_text("Bạn đã ghi danh")
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSONS[0])
    me.shot("lesson", "a lesson", show=page.locator(".crumbs"))
    for title in LESSONS[1:] + [QUIZ]:
        page.locator("a[rel=next]").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        me.check(title)
    outline = page.get_by_role("complementary", name="Nội dung khóa học")
    for title in LESSONS:
        expect(outline.get_by_role("listitem").filter(has_text=title)).to_contain_text("Đã xong")

    # The quiz: start, answer page by page; the network drops on the second page and comes back.
    page.get_by_role("link", name="Bắt đầu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ)
    me.check("the quiz page")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("[data-countdown-text]")).to_be_visible()
    key = answer_key(server, attempt_id_of(page))
    page_number = 0
    while True:
        shown = questions_on_page(page)
        assert shown, f"no question on {page.url}"
        for n, question in enumerate(shown):
            if page_number == 1 and n == 1:
                me.context.set_offline(True)  # the phone loses the network mid-attempt
            answer_by_tapping(page, key, question)
            state = page.locator(f"#q{question} [data-save-state]")
            if page_number == 1 and n in (1, 2):
                expect(state).to_contain_text("Mất kết nối")
            else:
                expect(state).to_have_text("Đã lưu")
            if page_number == 1 and n == 2:
                me.shot("quiz-offline", "the attempt while offline", show=page.locator(".attempt-bar"))
                me.context.set_offline(False)  # ... and finds it again: what was kept is sent
                expect(page.locator("[data-connection]")).to_contain_text("Đã có mạng trở lại")
                for kept in shown[1:3]:
                    expect(page.locator(f"#q{kept} [data-save-state]")).to_have_text("Đã lưu")
        if page_number == 0:
            me.shot("quiz", "an attempt", show=page.locator(".attempt-bar"))
        else:
            me.check(f"page {page_number + 1} of the attempt")
        following = page.get_by_role("button", name="Trang sau ›")
        if following.count() == 0:
            break
        following.click()
        page_number += 1
        expect(page.locator("[data-countdown-text]")).to_be_visible()
        expect(page.locator("fieldset.question").first).not_to_have_id(f"q{shown[0]}")
    assert page_number >= 2, "the attempt should have several pages"
    page.get_by_role("button", name="Kết thúc bài làm…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tóm tắt bài làm")
    expect(page.locator("main").get_by_text("Chưa trả lời", exact=True)).to_have_count(0)
    me.check("the summary of the attempt")
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("main")).to_contain_text("100")
    me.shot("quiz-review", "the review of the attempt")

    # The certificate, issued on completion: its page, the PDF, and the address of its QR code.
    follow_menu(page, "Chứng chỉ của tôi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chứng chỉ của tôi")
    mine = page.locator("main").get_by_role("link", name=re.compile(COURSE[:30]))
    expect(mine).to_have_count(1)
    me.shot("my-certificates", "the official's certificates")
    mine.click()
    me.check("the certificate's page")
    with page.expect_download() as download:
        page.locator("main").get_by_role("link", name=re.compile("PDF")).first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = unicodedata.normalize("NFC", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "GIẤY CHỨNG NHẬN" in text and COURSE[:20] in " ".join(text.split())
    qr = re.search(r"https?://\S+/verify/[A-Za-z0-9-]+", text)  # printed under the QR code it encodes
    assert qr, text
    page.goto(server.url + urlparse(qr.group(0)).path)  # as a phone scanning the QR code would
    expect(page.get_by_role("heading", name="Chứng chỉ này còn hiệu lực.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Trần Văn Bảo")
    expect(page.locator("main")).to_contain_text(COURSE[:30])
    me.shot("verify", "the public verify page")

    # The training record: the course's 8 periods in its content area.
    page.goto(server.url + "/")
    page.get_by_role("link", name="Hồ sơ bồi dưỡng của tôi").first.click()
    record = page.locator("main")
    expect(record).to_contain_text(COURSE[:30])
    expect(record).to_contain_text("Kiến thức, kỹ năng quản lý nhà nước")
    expect(record.get_by_text(re.compile(r"\b8\b")).first).to_be_visible()
    me.shot("training-record", "the training record",
            show=page.get_by_role("heading", name=re.compile("Số tiết theo nội dung")))


def test_an_official_completes_a_quiz_with_the_keyboard_alone(actor, server):
    """CB00001 is enrolled in the digital-transformation course by the demo. From the quiz's activity page
    on, only keys are pressed: Tab, the arrows, Space and Enter."""
    from playwright.sync_api import expect
    me = actor("CB00001", viewport=DESKTOP)
    page = me.page
    page.goto(server.url + "/courses/c/chuyen-doi-so-co-quan-nha-nuoc/a/kiem-tra-cuoi-khoa")
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ)
    tab_to(page, "main a.button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Bắt đầu làm bài")).to_be_visible()
    tab_to(page, "main form[action$='/start'] button")
    page.keyboard.press("Enter")
    expect(page.locator("[data-countdown-text]")).to_be_visible()
    key = answer_key(server, attempt_id_of(page))
    while True:
        shown = questions_on_page(page)
        for question in shown:
            answer_by_keyboard(page, key, question)
            expect(page.locator(f"#q{question} [data-save-state]")).to_have_text("Đã lưu")
        focused = page.evaluate("document.activeElement.matches(':focus-visible')")
        assert focused, "the focused answer shows no focus indicator"
        if page.locator("button[name=go][value=next]").count() == 0:
            break
        tab_to(page, "button[name=go][value=next]")
        page.keyboard.press("Enter")
        expect(page.locator("fieldset.question").first).not_to_have_id(f"q{shown[0]}")
    tab_to(page, "button[name=go][value=summary]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tóm tắt bài làm")
    tab_to(page, "main form[action$='/submit'] button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("main")).to_contain_text("100")
    me.check("the review after a keyboard-only attempt")


def test_the_main_menu_folds_on_a_phone_and_opens_from_its_button(actor, browser, server):
    """On a phone the menu takes one line until it is asked for; without script it is simply open; on a
    desktop it is always open and the button is not there."""
    from playwright.sync_api import expect
    me = actor("CB00002", viewport=PHONE)
    page = me.page
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    toggle = page.get_by_role("button", name="Trình đơn")
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 120, f"the folded header is {header['height']}px tall on a phone"
    tab_to(page, "[data-menu-toggle]")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Danh mục khóa học")).to_be_visible()
    me.check("the menu, open on a phone")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    expect(menu.get_by_role("link", name="Danh mục khóa học")).to_be_visible()

    without_script = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    try:
        plain = without_script.new_page()
        plain.goto(server.url + "/login")
        expect(plain.get_by_role("button", name="Trình đơn")).to_be_hidden()
        expect(plain.get_by_role("navigation", name="Điều hướng chính").get_by_role("link").first).to_be_visible()
    finally:
        without_script.close()
