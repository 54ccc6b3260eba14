"""Reading CSV and XLSX files row by row, with the problems a person can fix named by line and column.

Every table is bounded by lms/core/limits.py: line and cell length, rows and columns, and an XLSX's parts
by the sizes its zip declares, checked before openpyxl unpacks anything."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from lms.core import limits
from lms.core.errors import DomainError
from lms.core.text import storable

FORMULA_PREFIXES = ("=", "+", "@")


class FileUnreadable(DomainError):
    """The file as a whole cannot be read (wrong encoding, not a spreadsheet, no header)."""


@dataclass
class Problem:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": str(self.message)}


@dataclass
class Row:
    line: int
    values: dict[str, str]
    formula_fields: list[str] = field(default_factory=list)


def _clean_header(text) -> str:
    return " ".join(str(text or "").strip().lower().split())


def read_rows(stream: BinaryIO, filename: str, columns: dict[str, tuple[str, ...]]) -> tuple[list[str], Iterator[Row]]:
    """Yield rows as {field: text}. `columns` maps a field to its accepted header names (any language).

    Returns the fields found in the header and the row iterator. Formula cells are reported, never run.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        header, rows = _xlsx_rows(stream)
    elif name.endswith(".csv") or name.endswith(".txt"):
        header, rows = _csv_rows(stream)
    else:
        raise FileUnreadable(_l("%(name)s is neither a CSV nor an XLSX file."), name=filename)
    lookup = {}
    for fieldname, names in columns.items():
        for alias in (fieldname,) + names:
            lookup[_clean_header(alias)] = fieldname
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        key = lookup.get(_clean_header(title))
        if key and key not in mapping.values():
            mapping[index] = key

    def iterate() -> Iterator[Row]:
        for line, cells, formulas in _bounded(rows):
            if all((c is None or str(c).strip() == "") for c in cells):
                continue
            values, formula_fields = {}, []
            for index, key in mapping.items():
                value = cells[index] if index < len(cells) else None
                text = "" if value is None else (value.strftime("%d/%m/%Y") if hasattr(value, "strftime")
                                                 else storable(str(value)).strip())
                _check(limits.check_field, text, line, str(header[index] or key))
                if (index in formulas) or text.startswith(FORMULA_PREFIXES):
                    formula_fields.append(key)
                values[key] = text
            yield Row(line=line, values=values, formula_fields=formula_fields)

    return list(mapping.values()), iterate()


def _check(check, *args) -> None:
    """Run a check of lms/core/limits.py, telling its refusal as this module's FileUnreadable."""
    try:
        check(*args)
    except limits.LimitExceeded as error:
        raise FileUnreadable(error.message, **error.params) from None


def _bounded(rows):
    """The rows, refused past the row limit or a row past the column limit (trailing empty cells aside:
    a sheet may declare far more columns than it fills)."""
    for line, cells, formulas in rows:
        used = len(cells)
        while used and (cells[used - 1] is None or cells[used - 1] == ""):
            used -= 1
        _check(limits.check_row, line, used)
        yield line, cells, formulas


def _csv_rows(stream: BinaryIO):
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable(_l("The file is not in UTF-8. Save it as \"CSV UTF-8\" and upload it again.")) from None
    _check(limits.check_lines, text)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise FileUnreadable(_l("The file is empty.")) from None
    except csv.Error as error:
        raise _malformed(1, error) from None

    def rows():
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                yield number, cells, set()
        except csv.Error as error:
            raise _malformed(number + 1, error) from None
    return header, rows()


def _malformed(line: int, error: csv.Error) -> FileUnreadable:
    return FileUnreadable(_l("Line %(line)s of the file cannot be read as CSV (%(reason)s)."), line=line,
                          reason=str(error))


def _xlsx_rows(stream: BinaryIO):
    _check(limits.check_xlsx, stream)
    try:
        # read_only streams the sheet; formulas stay as text (data_only=False) so we can refuse them.
        book = load_workbook(stream, read_only=True, data_only=False)
    except _BROKEN_XLSX:
        raise _not_xlsx() from None
    sheet = book.worksheets[0]
    # Values only (no cell objects): a formula comes as its text, "=...", which read_rows refuses.
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = list(next(iterator))
    except StopIteration:
        raise FileUnreadable(_l("The file is empty.")) from None
    except _BROKEN_XLSX:
        raise _not_xlsx() from None

    def rows():
        try:  # the sheet is parsed as it is read (through defusedxml): a broken part shows up here too
            yield from ((number, values, ()) for number, values in enumerate(iterator, start=2))
        except _BROKEN_XLSX:
            raise _not_xlsx() from None
        finally:
            book.close()
    return header, rows()


# DefusedXmlException (a DTD or entity in a part) is a ValueError too.
_BROKEN_XLSX = (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError)


def _not_xlsx() -> FileUnreadable:
    return FileUnreadable(_l("The file is not a valid XLSX workbook."))
