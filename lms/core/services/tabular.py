"""Reading CSV and XLSX files row by row, with the problems a person can fix named by line and column."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from lms.core.errors import DomainError

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
        for line, cells, formulas in rows:
            if all((c is None or str(c).strip() == "") for c in cells):
                continue
            values, formula_fields = {}, []
            for index, key in mapping.items():
                value = cells[index] if index < len(cells) else None
                text = "" if value is None else (value.strftime("%d/%m/%Y") if hasattr(value, "strftime")
                                                 else str(value).strip())
                if (index in formulas) or text.startswith(FORMULA_PREFIXES):
                    formula_fields.append(key)
                values[key] = text
            yield Row(line=line, values=values, formula_fields=formula_fields)

    return list(mapping.values()), iterate()


def _csv_rows(stream: BinaryIO):
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable(_l("The file is not in UTF-8. Save it as \"CSV UTF-8\" and upload it again.")) from None
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

    def rows():
        for number, cells in enumerate(reader, start=2):
            yield number, cells, set()
    return header, rows()


def _xlsx_rows(stream: BinaryIO):
    try:
        # read_only streams the sheet; formulas stay as text (data_only=False) so we can refuse them.
        book = load_workbook(stream, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileUnreadable(_l("The file is not a valid XLSX workbook.")) from None
    sheet = book.worksheets[0]
    # Values only (no cell objects): a formula comes as its text, "=...", which read_rows refuses.
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = list(next(iterator))
    except StopIteration:
        raise FileUnreadable(_l("The file is empty.")) from None

    def rows():
        for number, values in enumerate(iterator, start=2):
            yield number, values, ()
        book.close()
    return header, rows()
