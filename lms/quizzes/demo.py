"""Demo content of the quizzes plugin: a sample bank for the demo school and a quiz that uses it.

Idempotent: when the bank exists, nothing is added. The questions are written in GIFT, the format
lecturers bring from Moodle, and imported the way a lecturer's file is.
"""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import School

BANK_KEY = "mau-chuyen-doi-so"
# A backslash at the end of a line is Python's line continuation (the two lines are one), not a GIFT escape.
GIFT = """$CATEGORY: Chuyển đổi số

::Chữ ký số::[plain]Chữ ký số được dùng trong giao dịch điện tử có giá trị pháp lý tương đương chữ ký tay \
khi đáp ứng đủ điều kiện theo quy định.{TRUE#Chữ ký số hợp lệ có giá trị như chữ ký tay.#Đúng.}

::Dịch vụ công trực tuyến::[plain]Cổng nào là nơi người dân nộp hồ sơ dịch vụ công trực tuyến trên toàn quốc?{
\t=Cổng Dịch vụ công quốc gia#Đúng.
\t~Cổng thông tin điện tử của một bộ#Chưa đúng: đó là nơi đăng thông tin.
\t~Mạng xã hội của cơ quan#Chưa đúng.
}

::Dữ liệu mở::[plain]Những việc nào giúp bảo vệ dữ liệu cá nhân của người dân khi xử lý hồ sơ?{
\t~%50%Chỉ thu thập dữ liệu cần cho thủ tục
\t~%50%Phân quyền truy cập theo nhiệm vụ
\t~%-50%Gửi hồ sơ qua thư điện tử cá nhân
\t~%-50%Dùng chung một mật khẩu cho cả phòng
}

::Viết tắt::[plain]Viết tắt thường dùng của "cơ sở dữ liệu" là gì?{=CSDL =csdl}

::Tiết học::[plain]Một tiết học bồi dưỡng kéo dài bao nhiêu phút?{#45}

::Ghép dịch vụ::[plain]Ghép mỗi thủ tục với nơi giải quyết.{
\t=Đăng ký khai sinh -> Ủy ban nhân dân cấp xã
\t=Cấp căn cước -> Cơ quan công an
\t=Cấp giấy phép xây dựng -> Sở Xây dựng
\t= -> Tòa án nhân dân
}

::Xử lý hồ sơ::[plain]Các bước xử lý một hồ sơ trực tuyến, theo thứ tự.{}

::Giải pháp::[plain]Nêu ba giải pháp đẩy mạnh chuyển đổi số tại cơ quan, đơn vị của anh/chị.{}
"""
ORDERING_STEPS = ["Tiếp nhận hồ sơ", "Thẩm định", "Phê duyệt", "Trả kết quả"]


def seed_demo_quizzes() -> None:
    from lms.quizzes.services.banks import bank_by_key, create_bank
    from lms.quizzes.services.importing import import_questions
    from lms.quizzes.services.quizzes import add_questions, create_quiz

    if bank_by_key(BANK_KEY) is not None:
        return
    school = db.session.scalar(select(School).where(School.code == "TCT-T01"))
    bank = create_bank(BANK_KEY, "Ngân hàng mẫu: Chuyển đổi số", school_id=school.id if school else None)
    report = import_questions(bank, "gift", GIFT.encode("utf-8"))
    questions = report.questions
    steps = next(q for q in questions if q.name == "Xử lý hồ sơ")
    steps.qtype, steps.data = "ordering", {"items": [{"id": f"i{n}", "text": text}
                                                     for n, text in enumerate(ORDERING_STEPS, start=1)]}
    quiz = create_quiz(bank, title_vi="Kiểm tra kiến thức chuyển đổi số (mẫu)",
                       title_en="Digital transformation check (sample)",
                       intro="Bài kiểm tra mẫu: 15 phút, làm tối đa 2 lượt, đạt từ 50%.",
                       settings={"time_limit_minutes": 15, "attempts_allowed": 2, "questions_per_page": 4,
                                 "pass_mark": 0.5, "shuffle_answers": True, "review_answers_after": True})
    add_questions(quiz, questions)
    db.session.flush()
