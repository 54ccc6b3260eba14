"""The shared resource limits (lms/core/limits.py): each kind of hostile file is refused before it expands."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
import yaml
from flask_babel import force_locale

from lms.core import limits
from lms.core.limits import LimitExceeded
from lms.core.services.tabular import FileUnreadable, read_rows
from tests.limits_support import billion_laughs_yaml, deep_yaml, lying_zip, zip_of

COLUMNS = {"code": ("mã",), "name": ("tên",)}


def refused(call, *args, **kwargs) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as caught:
        call(*args, **kwargs)
    return caught.value


def test_yaml_billion_laughs_is_refused_quickly_without_expanding(app):
    app.config["YAML_MAX_ALIASES"] = 1000  # past the alias count: the expanded size stops it
    started = time.monotonic()
    problem = refused(limits.load_yaml, billion_laughs_yaml())
    assert problem.code == "yaml_size"
    assert time.monotonic() - started < 2


def test_yaml_aliases_past_the_count_are_refused_and_a_few_are_fine(app):
    assert refused(limits.load_yaml, billion_laughs_yaml(levels=3, width=50)).code == "yaml_aliases"
    assert limits.load_yaml("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_yaml_depth_and_size_are_capped(app):
    assert refused(limits.load_yaml, deep_yaml(60)).code == "yaml_depth"
    assert refused(limits.load_yaml, deep_yaml(5000)).code == "yaml_depth"  # never a RecursionError
    assert limits.load_yaml(deep_yaml(30)) is not None
    assert refused(limits.load_yaml, "x: '" + "a" * (1024 * 1024) + "'\n").code == "too_large"
    with pytest.raises(yaml.YAMLError):
        limits.load_yaml("a: [")


def test_yaml_tags_that_build_objects_stay_refused(app):
    with pytest.raises(yaml.YAMLError):
        limits.load_yaml("!!python/object/apply:os.system ['true']")


def test_zip_checks_use_the_declared_sizes_names_and_nested_archives(app):
    def check(data: bytes, **kw):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_zip(archive.infolist(), **{"max_entries": 10, "max_bytes": 10**6, "max_ratio": 100, **kw})

    assert refused(check, zip_of({f"f{i}": b"" for i in range(11)})).code == "too_many_files"
    assert refused(check, lying_zip({"a": 2 * 10**6})).code == "too_large"
    assert refused(check, zip_of({"zeros": bytes(3 * 1024 * 1024)}), max_bytes=10**8).code == "ratio"
    assert refused(check, zip_of({"a" * 1100: b"x"})).code == "name_too_long"
    assert refused(check, zip_of({"d/" + "é" * 200 + ".txt": b"x"})).code == "name_too_long"
    app.config["ZIP_MAX_NESTED_ARCHIVES"] = 2
    assert refused(check, zip_of({f"p{i}.zip": b"x" for i in range(3)})).code == "nested_archives"
    check(zip_of({"p1.zip": b"x", "p2.zip": b"x", "page.html": b"<p>"}))


def test_xml_depth_is_capped(app):
    root = pytest.importorskip("xml.etree.ElementTree").fromstring("<a>" * 101 + "</a>" * 101)
    assert refused(limits.check_tree_depth, root).code == "xml_depth"


def table(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def unreadable(stream, filename: str = "list.csv") -> str:
    with force_locale("en"), pytest.raises(FileUnreadable) as caught:
        _found, rows = read_rows(stream, filename, COLUMNS)
        list(rows)
    with force_locale("en"):
        return str(caught.value)


def test_csv_long_lines_fields_rows_and_columns_are_refused(app):
    assert "Line 2 is longer than 100000 characters" in unreadable(table("code,name\n1," + "x" * 100_001 + "\n"))
    long_cell = "code,name\n1," + "x" * 40_000 + "\n"
    assert "Line 2, column name: the value is longer than 32767" in unreadable(table(long_cell))
    app.config["IMPORT_MAX_ROWS"] = 5
    assert "more than 5 rows" in unreadable(table("code,name\n" + "1,a\n" * 6))
    assert list(read_rows(table("code,name\n" + "1,a\n" * 5), "l.csv", COLUMNS)[1])  # 5 rows pass
    assert "Line 2 has more than 200 columns" in unreadable(table("code,name\n" + ",".join("x" * 201) + "\n"))


def test_a_csv_the_csv_module_cannot_read_is_a_message_not_an_error(app):
    quoted_over_many_lines = 'code,name\n1,"' + ("x" * 1000 + "\n") * 200 + '"\n'
    assert "cannot be read as CSV (field larger than field limit" in unreadable(table(quoted_over_many_lines))


def test_an_xlsx_whose_parts_declare_huge_sizes_is_refused_before_openpyxl(app, monkeypatch):
    import lms.core.services.tabular as tabular

    def never(*_a, **_k):
        raise AssertionError("openpyxl must not open it")
    monkeypatch.setattr(tabular, "load_workbook", never)
    bomb = lying_zip({"[Content_Types].xml": 100, "xl/worksheets/sheet1.xml": 300 * 1024 * 1024})
    assert "unpacks to more than 200 MB" in unreadable(io.BytesIO(bomb), "list.xlsx")


def test_an_xlsx_whose_xml_declares_entities_is_refused(app):
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["code", "name"])
    book.active.append(["1", "a"])
    plain = io.BytesIO()
    book.save(plain)
    hostile = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # openpyxl reads through defusedxml: refused
                data = b'<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>' + data
            target.writestr(info, data)
    assert "not a valid XLSX workbook" in unreadable(io.BytesIO(hostile.getvalue()), "list.xlsx")


def test_lesson_markup_nested_too_deep_is_refused_before_rendering(app):
    nested_list = "".join("  " * level + "- a\n" for level in range(150))
    started = time.monotonic()
    assert refused(limits.check_markup, nested_list, "markdown").code == "markup_depth"
    assert refused(limits.check_markup, "<div>" * 20_000 + "x", "html").code == "markup_depth"
    assert refused(limits.check_markup, "> " * 150 + "x", "markdown").code == "markup_depth"
    assert time.monotonic() - started < 1
    limits.check_markup("<p>a<p>b<ul><li>c<li>d</ul><br><img src=x>" * 500, "html")  # flat: end tags left out
    limits.check_markup("<a " * 100_000, "html")  # no tag ends: scanned once, not once per '<'
    limits.check_markup("".join("  " * level + "- a\n" for level in range(40)), "markdown")
