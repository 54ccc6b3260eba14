"""The one XLSX writer: every spreadsheet the platform hands out is written here.

Whoever exports, the file gets the same care:
- the table's header row styled, frozen, with filters over the data below it;
- column widths from the content (capped), measured on the first rows so that a long register still
  streams into the file instead of memory (openpyxl's write-only mode);
- dates and datetimes as real Excel dates (datetimes shown in Asia/Ho_Chi_Minh), numbers as numbers;
- the formula guard: a text beginning with = + - @, a tab or a carriage return is stored as a text cell
  with Excel's quote prefix, so a name someone typed ("=HYPERLINK(...)") is shown as typed and never run,
  even after the cell is edited. "-5" given as text stays text; real numbers stay numbers.

A sheet is an optional block of lines above one table: `title()`/`line()`, then `header()`, then `row()`.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DAY_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 6, 60
MEASURED_ROWS = 500  # rows held back to measure widths; the rest stream straight into the file
MAX_CELL_TEXT = 32767  # Excel refuses to open a file with a longer cell
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="7F8FA6"))


def local_zone() -> ZoneInfo:
    """The platform's time zone, in which every date and time is shown."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Asia/Ho_Chi_Minh")


def sheet_name(text: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters, never empty."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub(" ", str(text or "")).strip().strip("'")[:31].strip()
    return cleaned or "Sheet"


class Book:
    """A workbook of one or more sheets; `to_bytes()` closes it."""

    def __init__(self):
        self._book = Workbook(write_only=True)
        self._sheets: list[Sheet] = []

    def sheet(self, name: str) -> Sheet:
        sheet = Sheet(self._book.create_sheet(title=sheet_name(name)))
        self._sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        if not self._sheets:
            self.sheet("Sheet")
        for sheet in self._sheets:
            sheet.finish()
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def table_xlsx(name: str, header, rows, *, title=()) -> bytes:
    """A workbook of one sheet: an optional title line, the header, the rows."""
    book = Book()
    sheet = book.sheet(name)
    if title:
        sheet.title(*title)
    sheet.header(*header)
    for row in rows:
        sheet.row(*row)
    return book.to_bytes()


class Sheet:
    """One sheet: lines above the table, then the table. Rows are held until the widths are measured."""

    def __init__(self, worksheet):
        self._sheet = worksheet
        self._pending: list[list] = []
        self._widths: dict[int, int] = {}
        self._rows = 0
        self._columns = 0
        self._header_row: int | None = None
        self._streaming = False

    def title(self, *values) -> None:
        """A bold line above the table (the sheet's title, a section's name)."""
        self._line(values, _TITLE if self._rows == 0 else _BOLD)

    def line(self, *values) -> None:
        """A plain line above the table (who, which unit, which year; an empty line)."""
        self._line(values, None)

    def header(self, *names) -> None:
        """The table's header row: styled, frozen, and the top of the filters."""
        if self._header_row is not None:
            raise ValueError("a sheet holds one table: header() is called once")
        self._add(names, font=_BOLD, header=True, measured=len(names))
        self._header_row = self._rows

    def row(self, *values, total: bool = False) -> None:
        """A row of the table; a total row is bold."""
        if self._header_row is None:
            raise ValueError("row() comes after header()")
        self._add(values, font=_BOLD if total else None, measured=len(values))
        if not self._streaming and len(self._pending) >= MEASURED_ROWS:
            self._start_streaming()

    def finish(self) -> None:
        if not self._streaming:
            self._start_streaming()
        if self._header_row is not None and self._columns:
            last = get_column_letter(self._columns)
            self._sheet.auto_filter.ref = f"A{self._header_row}:{last}{self._rows}"

    def _line(self, values, font) -> None:
        if self._header_row is not None:
            raise ValueError("lines go above the table")
        # The last text of a line may spill into the empty cells on its right: it does not widen its column.
        self._add(values, font=font, measured=len(values) - 1)

    def _add(self, values, *, font, measured: int, header: bool = False) -> None:
        cells = []
        for index, value in enumerate(values, start=1):
            value, number_format = _plain(value)
            if index <= measured:
                self._widths[index] = max(self._widths.get(index, 0), _width(value))
            cells.append(self._cell(value, number_format, font, header))
        self._rows += 1
        self._columns = max(self._columns, len(cells))
        if self._streaming:
            self._sheet.append(cells)
        else:
            self._pending.append(cells)

    def _cell(self, value, number_format: str | None, font, header: bool):
        guarded = isinstance(value, str) and value.startswith(FORMULA_START)
        if not (guarded or number_format or font or header):
            return value
        cell = WriteOnlyCell(self._sheet, value=value)
        if guarded:
            # Stored as a string (never a formula), and marked so that Excel keeps it text when edited.
            cell.data_type = "s"
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        if header:
            cell.fill, cell.border = _HEADER_FILL, _HEADER_BORDER
        return cell

    def _start_streaming(self) -> None:
        # Widths and the frozen pane belong to the top of the sheet's XML: set them before the first row.
        for index, width in self._widths.items():
            self._sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
        if self._header_row is not None:
            self._sheet.freeze_panes = f"A{self._header_row + 1}"
        for cells in self._pending:
            self._sheet.append(cells)
        self._pending = []
        self._streaming = True


def _plain(value):
    """The value as the cell holds it, and its number format (dates only)."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value, None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # stored in UTC
        return moment.astimezone(local_zone()).replace(tzinfo=None), MOMENT_FORMAT
    if isinstance(value, date):
        return value, DAY_FORMAT
    # Lazy translations and the like become text; characters XML cannot carry are dropped.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL_TEXT], None


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    return min(len(str(value)), 12)
