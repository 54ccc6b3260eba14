"""The hostile corpus written into every kind of file a user can import: a course folder (course.yaml, an
HTML and a Markdown lesson, a GIFT quiz), Aiken, Moodle XML and CSV question files, and unit and official
lists. Each writer puts every payload in every text field the format has."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import yaml

from lms.core.sanitize import DROPPED_WITH_CONTENT
from tests.security.payloads import PAYLOADS, Payload, by_name, one_line, printable

COURSE_KEY = "khoa-doc-hai"
SUMMARY_PAYLOADS = 20  # the course's summary is one field: a share of the corpus, all of it in other places

# The sanitiser drops an unclosed <svg> or <script> with everything after it, which would hide the rest of
# the corpus from the page; closing them after each payload lets every payload reach the page on its own.
CLOSE_ALL = "".join(f"</{tag}></{tag}>" for tag in sorted(DROPPED_WITH_CONTENT | {"iframe", "a", "p", "div"}))
# The course's title reaches the most places (catalogue, <title>, attributes, notices, certificates,
# the training record): it carries the breakouts of every context a title is printed in.
COURSE_TITLE = "".join(by_name(name).text for name in (
    "quote-double", "quote-title-close", "quote-textarea-close", "json-script-break"))
_GIFT_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\~=#{}:"})


def gift_text(text: str) -> str:
    """A payload as GIFT text: its special characters escaped, its line breaks written \\n."""
    return text.translate(_GIFT_SPECIAL).replace("\n", "\\n")


def gift(payloads=PAYLOADS) -> str:
    """One single-choice question per payload: the payload as name, text (HTML), choices and feedback."""
    blocks = []
    for p in payloads:
        text = gift_text(p.text)
        blocks.append(f"::{gift_text(one_line(p.text))[:200]}::[html]{text} {{\n"
                      f"  ={text} #{text}\n  ~{gift_text('sai ' + p.text)} #{text}\n"
                      f"  ####{text}\n}}")
    return "\n\n".join(blocks) + "\n"


def aiken(payloads=PAYLOADS) -> str:
    """Aiken is plain text, one line per choice."""
    return "\n\n".join(f"{one_line(p.text)}\nA) {one_line(p.text)}\nB) Không\nANSWER: A" for p in payloads) + "\n"


def _xml_text(text: str) -> str:
    return escape(printable(text))


def moodle_xml(payloads=PAYLOADS) -> str:
    questions = []
    for p in payloads:
        text = _xml_text(p.text)
        questions.append(
            f'<question type="multichoice"><name><text>{_xml_text(one_line(p.text))}</text></name>'
            f'<questiontext format="html"><text>{text}</text></questiontext>'
            f'<generalfeedback format="markdown"><text>{text}</text></generalfeedback>'
            f"<single>true</single>"
            f'<answer fraction="100" format="html"><text>{text}</text>'
            f'<feedback format="html"><text>{text}</text></feedback></answer>'
            f'<answer fraction="0" format="moodle_auto_format"><text>{text}</text>'
            f'<feedback format="moodle_auto_format"><text>{text}</text></feedback></answer>'
            f"</question>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def questions_csv(payloads=PAYLOADS) -> bytes:
    """The spreadsheet template's columns, read from CSV the same way as from XLSX."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Danh mục", "Loại", "Tên", "Câu hỏi", "A", "B", "Đáp án đúng", "Phản hồi"])
    for p in payloads:
        writer.writerow(["Độc hại", "single_choice", one_line(p.text)[:200], p.text, p.text, "Không", "A", p.text])
    return out.getvalue().encode("utf-8")


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([printable(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def units_xlsx(parent_code: str, payloads=PAYLOADS) -> bytes:
    return _xlsx(["Mã đơn vị", "Tên đơn vị", "Tên tiếng Anh", "Cấp", "Mã đơn vị cấp trên"],
                 [[f"DH{p.id}", one_line(p.text), one_line(p.text), "xã", parent_code] for p in payloads])


def officials_csv(payloads=PAYLOADS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Loại", "Chức vụ", "Ngạch"])
    for p in payloads:
        writer.writerow([f"CB{p.id}", one_line(p.text), f"DH{p.id}", "công chức", one_line(p.text)[:200],
                         one_line(p.text)[:100]])
    return out.getvalue().encode("utf-8")


def course_folder(root: Path, school_code: str) -> Path:
    """A course whose summary, sections and activities carry the corpus, with one HTML lesson, one
    Markdown lesson and one GIFT quiz that carry all of it."""
    folder = root / COURSE_KEY
    (folder / "lessons").mkdir(parents=True)
    (folder / "lessons" / "all.html").write_text(f"\n{CLOSE_ALL}<hr>\n".join(p.text for p in PAYLOADS),
                                                 encoding="utf-8")
    (folder / "lessons" / "all.md").write_text(f"\n\n{CLOSE_ALL}\n\n---\n\n".join(p.text for p in PAYLOADS),
                                               encoding="utf-8")
    (folder / "lessons" / "short.md").write_text("Bài ngắn.\n", encoding="utf-8")
    (folder / "quiz.gift").write_text(gift(), encoding="utf-8")
    spec = {
        "key": COURSE_KEY, "version": 1, "title": {"vi": COURSE_TITLE, "en": COURSE_TITLE},
        "summary": {"vi": "\n\n".join(p.text for p in PAYLOADS[:SUMMARY_PAYLOADS]),
                    "en": "\n\n".join(p.text for p in PAYLOADS[SUMMARY_PAYLOADS:2 * SUMMARY_PAYLOADS])},
        "content_area": "science_technology_digital", "periods": 2, "level": "all", "school": school_code,
        "self_enrol": True, "status": "published", "sources": [p.text for p in PAYLOADS[:5]],
        "sections": [_section(index, p) for index, p in enumerate(PAYLOADS)],
    }
    (folder / "course.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return folder


def _section(index: int, payload: Payload) -> dict:
    if index == 0:
        activities = [
            {"key": "bai-html", "type": "page", "title": {"vi": payload.text}, "source": "lessons/all.html"},
            {"key": "bai-md", "type": "page", "title": {"vi": payload.text}, "source": "lessons/all.md"},
            {"key": "kiem-tra", "type": "quiz", "title": {"vi": payload.text}, "source": "quiz.gift",
             "required": False},
        ]
    else:
        activities = [{"key": f"bai-{index}", "type": "page", "title": {"vi": payload.text, "en": payload.text},
                       "source": "lessons/short.md", "required": False}]
    return {"key": f"phan-{index}", "title": {"vi": payload.text, "en": payload.text}, "activities": activities}
