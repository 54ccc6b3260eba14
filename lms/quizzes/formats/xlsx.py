"""The XLSX template for lecturers who keep question banks in Excel (CSV UTF-8 is read the same way).

One row per question, first row the header (Vietnamese or English names):

    Danh mục | Loại | Tên | Câu hỏi | A | B | C | D | E | F | G | H | Đáp án đúng | Sai số | Điểm | Phản hồi | Thẻ

- single choice: choices in A..H, the right letter in "Đáp án đúng" ("B");
- multiple choice: the right letters ("A, C"): each right choice is worth an equal share, each wrong
  pick takes the same share off (never below zero);
- true/false: "Đúng"/"Sai" (or True/False);
- short answer: accepted answers in A..H;
- numerical: the value in "Đáp án đúng", the tolerance in "Sai số";
- matching: each of A..H written "item -> answer" ("-> answer" alone adds a wrong answer);
- ordering: the items in A..H in the right order;
- essay and description: the text only.
Formula cells are refused, never evaluated.
"""
from __future__ import annotations

import io
import re

from flask_babel import lazy_gettext as _l

from lms.core.services.tabular import FileUnreadable as TableUnreadable
from lms.core.services.tabular import read_rows
from lms.core.text import fold
from lms.core.xlsx import Book
from lms.quizzes.formats import (
    FileUnreadable,
    ParsedQuestion,
    default_name,
    join_category_path,
    problem,
    split_category_path,
)

LETTERS = "ABCDEFGH"
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("danh mục", "danh muc", "chủ đề"),
    "type": ("loại", "loai", "loại câu hỏi", "question type"),
    "name": ("tên", "ten", "tên câu hỏi", "question name"),
    "question": ("câu hỏi", "cau hoi", "nội dung", "question text", "text"),
    **{letter.lower(): (f"phương án {letter.lower()}", f"option {letter.lower()}", f"answer {letter.lower()}")
       for letter in LETTERS},
    "correct": ("đáp án đúng", "dap an dung", "đáp án", "right answer", "correct answer", "answer"),
    "tolerance": ("sai số", "sai so"),
    "mark": ("điểm", "diem", "points", "default mark"),
    "feedback": ("phản hồi", "phan hoi", "giải thích", "general feedback"),
    "tags": ("thẻ", "the", "từ khóa"),
    "case_sensitive": ("phân biệt hoa thường", "case sensitive"),
    "diacritics_sensitive": ("phân biệt dấu", "diacritics sensitive"),
}
HEADER = ["Danh mục", "Loại", "Tên", "Câu hỏi", *LETTERS, "Đáp án đúng", "Sai số", "Điểm", "Phản hồi", "Thẻ"]
TYPE_NAMES = {
    "single_choice": ("single", "single choice", "mot lua chon", "trac nghiem", "mot dap an"),
    "multiple_choice": ("multiple", "multiple choice", "nhieu lua chon", "nhieu dap an"),
    "true_false": ("truefalse", "true/false", "dung/sai", "dung sai"),
    "short_answer": ("short", "short answer", "tra loi ngan", "dien tu"),
    "numerical": ("number", "numeric", "so"),
    "matching": ("match", "ghep doi", "noi"),
    "ordering": ("order", "sap xep", "thu tu"),
    "essay": ("tu luan",),
    "description": ("mo ta", "doan van"),
}
TRUE_WORDS = {"dung", "true", "t", "d", "1", "yes", "co"}
FALSE_WORDS = {"sai", "false", "f", "s", "0", "no", "khong"}


def _type_of(value: str) -> str | None:
    key = fold(value).replace("-", " ").replace("_", " ")
    for name, aliases in TYPE_NAMES.items():
        if key == name.replace("_", " ") or key in aliases:
            return name
    return None


def _letters(value: str, available: list[str]) -> list[str] | None:
    text = value.upper().replace(" VÀ ", ",").replace(" AND ", ",")
    parts = [p for p in re.split(r"[,;\s/]+", text) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and all(c in LETTERS for c in parts[0]):
        parts = list(parts[0])
    if not parts or any(p not in available for p in parts):
        return None
    return sorted(set(parts), key=LETTERS.index)


def parse_xlsx(raw: bytes, filename: str = "questions.xlsx") -> list:
    try:
        fields, rows = read_rows(io.BytesIO(raw), filename, COLUMNS)
        rows = list(rows)  # a limit reached on a later row refuses the file here, as a whole
    except TableUnreadable as unreadable:
        raise FileUnreadable(unreadable.message, **unreadable.params) from None
    if "question" not in fields:
        raise FileUnreadable(_l("The first row must name the columns; the \"Câu hỏi\" (question) column is missing."),
                             line=1)
    items = []
    for row in rows:
        if row.formula_fields:
            items.append(problem(row.line, _l("Formula cells are not read (column %(columns)s): type the values."),
                                 columns=", ".join(row.formula_fields)))
            continue
        try:
            items.append(_row(row.line, row.values))
        except _Bad as bad:
            items.append(problem(row.line, bad.message, name=row.values.get("name", ""), **bad.params))
    return items


class _Bad(Exception):
    def __init__(self, message, **params):
        super().__init__(str(message))
        self.message, self.params = message, params


def _row(line: int, values: dict[str, str]) -> ParsedQuestion:
    text = values.get("question", "").strip()
    if not text:
        raise _Bad(_l("The question text is empty."))
    options = [(letter, values.get(letter.lower(), "").strip()) for letter in LETTERS]
    options = [(letter, value) for letter, value in options if value]
    correct = values.get("correct", "").strip()
    type_text = values.get("type", "").strip()
    qtype = _type_of(type_text) if type_text else None
    if type_text and qtype is None:
        raise _Bad(_l("The type \"%(type)s\" is not known (single, multiple, truefalse, short, numerical, matching, "
                      "ordering, essay, description)."), type=type_text[:40])
    if qtype is None:
        if correct and options:
            picked = _letters(correct, [letter for letter, _ in options])
            qtype = "multiple_choice" if picked and len(picked) > 1 else "single_choice"
        else:
            raise _Bad(_l("Say the question's type in the \"Loại\" column."))
    question = ParsedQuestion(line=line, qtype=qtype, name=values.get("name", "").strip()[:255], text=text,
                              text_format="plain", general_feedback=values.get("feedback", "").strip())
    category = values.get("category", "").strip()
    question.category = join_category_path(split_category_path(category)) if category else None
    question.tags = [t.strip() for t in re.split(r"[,;]", values.get("tags", "")) if t.strip()]
    mark = values.get("mark", "").strip().replace(",", ".")
    if mark:
        try:
            question.default_mark = float(mark)
        except ValueError:
            raise _Bad(_l("The mark \"%(value)s\" is not a number."), value=mark[:20]) from None
        if not 0 <= question.default_mark <= 1000:
            raise _Bad(_l("The mark must be between 0 and 1000."))
    question.data = _DATA[qtype](options, correct, values)
    if not question.name:
        question.name = default_name(text, "plain")
    return question


def _choice_data(options, correct, values, *, multiple: bool) -> dict:
    if len(options) < 2:
        raise _Bad(_l("A choice question needs at least two choices (columns A, B ...)."))
    letters = [letter for letter, _ in options]
    picked = _letters(correct, letters) if correct else None
    if not picked:
        raise _Bad(_l("\"Đáp án đúng\" must name the right choice by its letter (%(letters)s)."),
                   letters=", ".join(letters))
    if not multiple and len(picked) > 1:
        raise _Bad(_l("A single-choice question has one right letter; use the type \"multiple\" for several."))
    share = round(1 / len(picked), 7)
    return {"options": [{"text": text, "feedback": "",
                         "fraction": ((1.0 if not multiple else share) if letter in picked
                                      else (-share if multiple else 0.0))}
                        for letter, text in options], "shuffle": True}


def _true_false(options, correct, values) -> dict:
    key = fold(correct)
    if key not in TRUE_WORDS | FALSE_WORDS:
        raise _Bad(_l("A true/false question needs \"Đúng\" or \"Sai\" in \"Đáp án đúng\"."))
    return {"answer": key in TRUE_WORDS, "feedback_true": "", "feedback_false": ""}


def _yes(value: str, default: bool) -> bool:
    key = fold(value)
    if not key:
        return default
    return key in TRUE_WORDS


def _short(options, correct, values) -> dict:
    answers = [text for _, text in options] or ([correct] if correct else [])
    if not answers:
        raise _Bad(_l("A short-answer question needs its accepted answers in columns A, B ..."))
    return {"answers": [{"text": a, "fraction": 1.0, "feedback": ""} for a in answers],
            "case_sensitive": _yes(values.get("case_sensitive", ""), False),
            "diacritics_sensitive": _yes(values.get("diacritics_sensitive", ""), True), "wildcard": True}


def _numerical(options, correct, values) -> dict:
    from lms.quizzes.types import InvalidResponse
    from lms.quizzes.types.answers import parse_number
    try:
        value = parse_number(correct)
        tolerance = parse_number(values.get("tolerance") or "0")
    except InvalidResponse as bad:
        raise _Bad(bad.message, **bad.params) from None
    if tolerance < 0:
        raise _Bad(_l("A tolerance cannot be negative."))
    return {"answers": [{"value": value, "tolerance": tolerance, "fraction": 1.0, "feedback": ""}]}


def _matching(options, correct, values) -> dict:
    pairs = []
    for letter, text in options:
        parts = re.split(r"\s*(?:->|→|=>|\|)\s*", text, maxsplit=1)
        if len(parts) != 2:
            raise _Bad(_l("Column %(letter)s must be written \"item -> answer\"."), letter=letter)
        pairs.append({"left": parts[0].strip(), "right": parts[1].strip()})
    return {"pairs": pairs, "shuffle": True}


def _ordering(options, correct, values) -> dict:
    return {"items": [{"text": text} for _, text in options]}


def _essay(options, correct, values) -> dict:
    return {"min_words": 0, "max_words": 0, "grader_info": "", "response_template": ""}


_DATA = {
    "single_choice": lambda o, c, v: _choice_data(o, c, v, multiple=False),
    "multiple_choice": lambda o, c, v: _choice_data(o, c, v, multiple=True),
    "true_false": _true_false, "short_answer": _short, "numerical": _numerical, "matching": _matching,
    "ordering": _ordering, "essay": _essay, "description": lambda o, c, v: {},
}

EXAMPLES = [
    ["Luật Cán bộ, công chức", "một lựa chọn", "", "Công chức được tuyển dụng theo hình thức nào?", "Bổ nhiệm",
     "Thi tuyển hoặc xét tuyển", "Bầu cử", "", "", "", "", "", "B", "", "1", "", "tuyển dụng"],
    ["Luật Cán bộ, công chức", "nhiều lựa chọn", "", "Những ai là cán bộ?", "Chủ tịch UBND xã",
     "Chuyên viên sở", "Bí thư đảng ủy xã", "Kế toán trường học", "", "", "", "", "A, C", "", "1", "", ""],
    ["Chuyển đổi số", "đúng/sai", "", "Chữ ký số có giá trị pháp lý như chữ ký tay.", "", "", "", "", "", "", "", "",
     "Đúng", "", "1", "", ""],
    ["Chuyển đổi số", "trả lời ngắn", "", "Viết tắt của \"Cơ sở dữ liệu\" là gì?", "CSDL", "", "", "", "", "", "", "",
     "", "", "1", "", ""],
    ["Chuyển đổi số", "số", "", "Một tiết học kéo dài bao nhiêu phút?", "", "", "", "", "", "", "", "", "45", "0",
     "1", "", ""],
    ["Chuyển đổi số", "ghép đôi", "", "Ghép dịch vụ với cơ quan cung cấp.", "Cấp căn cước -> Công an",
     "Đăng ký khai sinh -> UBND xã", "Cấp phép xây dựng -> Sở Xây dựng", "", "", "", "", "", "", "", "1", "", ""],
    ["Chuyển đổi số", "sắp xếp", "", "Sắp xếp các bước xử lý hồ sơ trực tuyến.", "Tiếp nhận", "Thẩm định",
     "Phê duyệt", "Trả kết quả", "", "", "", "", "", "", "1", "", ""],
    ["Chuyển đổi số", "tự luận", "", "Nêu ba giải pháp chuyển đổi số tại đơn vị anh/chị.", "", "", "", "", "", "",
     "", "", "", "", "2", "", ""],
]
INSTRUCTIONS = [
    "Mỗi dòng của trang \"Câu hỏi\" là một câu hỏi; dòng đầu là tên cột, không đổi tên.",
    "Loại: một lựa chọn, nhiều lựa chọn, đúng/sai, trả lời ngắn, số, ghép đôi, sắp xếp, tự luận, mô tả.",
    "Một lựa chọn: các phương án ở cột A..H, chữ cái đáp án đúng ở cột \"Đáp án đúng\" (ví dụ B).",
    "Nhiều lựa chọn: các chữ cái đúng cách nhau bằng dấu phẩy (A, C); chọn sai bị trừ điểm, không dưới 0.",
    "Đúng/sai: ghi Đúng hoặc Sai ở cột \"Đáp án đúng\".",
    "Trả lời ngắn: các đáp án được chấp nhận ở cột A..H.",
    "Số: giá trị đúng ở \"Đáp án đúng\", sai số cho phép ở \"Sai số\" (dấu phẩy hoặc dấu chấm thập phân).",
    "Ghép đôi: mỗi cột A..H ghi \"vế trái -> vế phải\"; chỉ \"-> đáp án\" là đáp án nhiễu.",
    "Sắp xếp: các mục ở cột A..H theo đúng thứ tự.",
    "Không dùng công thức: ô có công thức sẽ bị bỏ qua.",
    "",
    "One question per row of the \"Câu hỏi\" sheet; keep the header row. Types: single, multiple, truefalse, short,",
    "numerical, matching, ordering, essay, description. Right letters go in \"Đáp án đúng\" (A, C for several).",
]


def xlsx_template() -> bytes:
    """The template workbook: a "Câu hỏi" sheet with the header and examples, and the instructions."""
    book = Book()
    sheet = book.sheet("Câu hỏi")
    sheet.header(*HEADER)
    for example in EXAMPLES:
        sheet.row(*example)
    help_sheet = book.sheet("Hướng dẫn")
    for line in INSTRUCTIONS:
        help_sheet.line(line)
    return book.to_bytes()
