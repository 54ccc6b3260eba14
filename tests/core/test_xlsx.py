"""The one XLSX writer, read back with openpyxl: formula guard, dates, numbers, frozen header, filters, widths."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.core.xlsx import MAX_WIDTH, MEASURED_ROWS, Book, sheet_name, table_xlsx

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-5"]


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_that_starts_like_a_formula_is_stored_as_text(text):
    sheet = read(table_xlsx("Danh sách", ["Họ và tên"], [[text]])).active
    cell = sheet["A2"]
    assert cell.value == text.replace("\r", "\n")  # shown as typed, no apostrophe added (XML reads a CR as LF)
    assert cell.data_type == "s" and cell.quotePrefix  # a text cell that stays text when edited


def test_no_cell_of_the_file_is_a_formula_wherever_the_text_is():
    book = Book()
    sheet = book.sheet("=A1")
    sheet.title("=1+1", "+1")
    sheet.line("@x", "-y")
    sheet.header("=B1", "-C1")
    for text in HOSTILE:
        sheet.row(text, text, total=True)
    data = book.to_bytes()
    sheet = read(data).active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_ordinary_text_is_not_marked_and_real_numbers_stay_numbers():
    sheet = read(table_xlsx("S", ["a", "b", "c", "d", "e"], [["Nguyễn Văn An", -5, 2.5, Decimal("7.25"), True]])).active
    name, negative, half, decimal, yes = sheet[2]
    assert name.value == "Nguyễn Văn An" and not name.quotePrefix
    assert (negative.value, negative.data_type) == (-5, "n")
    assert (half.value, half.data_type) == (2.5, "n")
    assert (decimal.value, decimal.data_type) == (7.25, "n")
    assert (yes.value, yes.data_type) == (True, "b")


def test_dates_are_dates_and_moments_are_shown_in_vietnam():
    moment = datetime(2025, 3, 14, 20, 30, tzinfo=timezone.utc)  # 03:30 the next morning in Hà Nội
    naive_utc = datetime(2025, 3, 14, 1, 0)  # the database's naive UTC
    sheet = read(table_xlsx("S", ["Ngày", "Lúc", "Lúc"], [[date(2025, 3, 14), moment, naive_utc]])).active
    day, when, naive = sheet[2]
    assert day.is_date and day.value == datetime(2025, 3, 14) and day.number_format == "DD/MM/YYYY"
    assert when.is_date and when.value == datetime(2025, 3, 15, 3, 30) and when.number_format == "DD/MM/YYYY HH:MM"
    assert naive.value == datetime(2025, 3, 14, 8, 0)


def test_the_header_is_styled_frozen_and_filters_cover_the_data():
    book = Book()
    sheet = book.sheet("Báo cáo")
    sheet.title("Báo cáo năm 2025: một tiêu đề dài hơn mọi cột bên dưới")
    sheet.line("Đơn vị", "Sở Nội vụ")
    sheet.line()
    sheet.header("Mã", "Họ và tên", "Số tiết")
    for n in range(3):
        sheet.row(f"CB{n}", f"Người {n}", n)
    sheet.row("Tổng", "", 3, total=True)
    result = read(book.to_bytes()).active
    assert result.freeze_panes == "A5"
    assert result.auto_filter.ref == "A4:C8"
    header = result[4]
    assert [c.value for c in header] == ["Mã", "Họ và tên", "Số tiết"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDE4EE") for c in header)
    assert result["A8"].font.b and not result["A5"].font.b
    assert result["A1"].font.b


def test_widths_follow_the_content_capped_and_a_title_spills_over():
    rows = [["ngắn", "x" * 200, "vừa phải một chút"]]
    book = Book()
    sheet = book.sheet("S")
    sheet.title("Một tiêu đề rất dài, rất dài, rất dài, rất dài, rất dài, rất dài")
    sheet.header("A", "B", "C")
    sheet.row(*rows[0])
    widths = read(book.to_bytes()).active.column_dimensions
    assert widths["A"].width < 10  # the title alone does not widen column A
    assert widths["B"].width == MAX_WIDTH
    assert widths["C"].width == len("vừa phải một chút") + 2


def test_a_long_table_streams_past_the_measured_rows_and_keeps_everything():
    count = MEASURED_ROWS * 2 + 7
    sheet = read(table_xlsx("S", ["n", "text"], ([n, f"-{n}"] for n in range(count)))).active
    assert sheet.max_row == count + 1 and sheet.auto_filter.ref == f"A1:B{count + 1}"
    assert sheet.cell(row=count + 1, column=2).value == f"-{count - 1}"
    assert sheet.cell(row=count + 1, column=2).data_type == "s"


def test_several_sheets_with_names_excel_accepts():
    book = Book()
    book.sheet("Kết quả").header("a")
    book.sheet("BD/2025:01 [lớp] *?").header("b")
    book.sheet("").line("hướng dẫn")
    names = read(book.to_bytes()).sheetnames
    assert names == ["Kết quả", "BD 2025 01  lớp", "Sheet"]
    assert sheet_name("x" * 40) == "x" * 31


def test_control_characters_and_overlong_text_do_not_break_the_file():
    sheet = read(table_xlsx("S", ["a", "b"], [["Tên\x01 lạ\x0b", "y" * 40000]])).active
    assert sheet["A2"].value == "Tên lạ" and len(sheet["B2"].value) == 32767


def test_rows_come_after_the_header_and_lines_before_it():
    sheet = Book().sheet("S")
    with pytest.raises(ValueError):
        sheet.row("no header yet")
    sheet.header("a")
    with pytest.raises(ValueError):
        sheet.line("too late")
    with pytest.raises(ValueError):
        sheet.header("again")
