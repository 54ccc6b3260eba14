"""Question files past the limits are refused before they expand, and a refused or failed import stores nothing."""
from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.quizzes.models import Category, Question
from lms.quizzes.services import importing
from tests.limits_support import deep_xml, lying_zip

LONG_LINE = "::Câu dài:: " + "a" * 100_001 + " {T}\n"


def _problem(fmt: str, raw: bytes, filename: str = "") -> str:
    with force_locale("en"):
        items = None
        with pytest.raises(importing.FileUnreadable) as caught:
            items = importing.parse_file(fmt, raw, filename)
        assert items is None
        return str(caught.value)


def test_gift_and_aiken_lines_past_the_limit_are_refused(app):
    assert "Line 2 is longer than 100000 characters" in _problem("gift", b"// ok\n" + LONG_LINE.encode())
    aiken = ("Câu hỏi " + "b" * 100_001 + "\nA. Có\nB. Không\nANSWER: A\n").encode()
    assert "Line 1 is longer than 100000 characters" in _problem("aiken", aiken)


def test_moodle_xml_entities_dtds_depth_and_size_are_refused(app):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b"<quiz>&b;</quiz>")
    assert "DTDs and entities are refused" in _problem("moodle-xml", laughs)
    external = b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://example.invalid/q.dtd"><quiz/>'
    assert "DTD" in _problem("moodle-xml", external)
    deep = ("<quiz><question type=\"essay\">" + deep_xml(200) + "</question></quiz>").encode()
    assert "nests elements deeper than 100 levels" in _problem("moodle-xml", deep)
    app.config["XML_MAX_BYTES"] = 1000
    assert "XML is larger than the limit of 1 KB" in _problem("moodle-xml", b"<quiz>" + b" " * 1000 + b"</quiz>")


def test_an_xlsx_of_questions_whose_parts_declare_huge_sizes_is_refused(app):
    bomb = lying_zip({"[Content_Types].xml": 100, "xl/worksheets/sheet1.xml": 300 * 1024 * 1024})
    assert "unpacks to more than 200 MB" in _problem("xlsx", bomb, "q.xlsx")


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Question)),
            db.session.scalar(select(func.count()).select_from(Category)))


def test_a_refused_import_and_one_failing_midway_store_nothing(client, login, lecturer, bank, monkeypatch):
    login(lecturer)
    before = _counts()
    data = {"format": "gift", "file": (io.BytesIO(LONG_LINE.encode()), "q.gift")}
    report = client.post(f"/quizzes/banks/{bank.id}/import", data=data, content_type="multipart/form-data")
    assert report.status_code == 200 and b"100000" in report.data
    assert _counts() == before

    made = []
    real = importing.ensure_category

    def second_fails(*args, **kwargs):
        made.append(real(*args, **kwargs))
        if len(made) == 2:
            raise DomainError("the second category fails")
        return made[-1]
    monkeypatch.setattr(importing, "ensure_category", second_fails)
    gift = "$CATEGORY: Một\n::a:: 1 + 1 = 2 {T}\n\n$CATEGORY: Hai\n::b:: 2 + 2 = 4 {T}\n"
    data = {"format": "gift", "file": (io.BytesIO(gift.encode()), "q.gift")}
    response = client.post(f"/quizzes/banks/{bank.id}/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and len(made) == 2
    assert _counts() == before


def test_a_10000_character_bank_search_is_cut_and_told(client, login, lecturer, bank, make_question):
    make_question(name="Câu " + "x" * 220)
    login(lecturer)
    page = client.get(f"/quizzes/banks/{bank.id}", query_string={"q": "x" * 10_000}).get_data(as_text=True)
    assert "chỉ dùng 200 ký tự đầu" in page
    assert "x" * 220 in page  # the first 200 characters still find it


def test_a_question_nested_too_deep_is_skipped_with_its_line_and_the_others_import(app, bank):
    gift = "::sâu:: [html]" + "<div>" * 150 + "Đúng? {T}\n\n::phẳng:: [html]<p>Đúng?</p> {T}\n"
    with force_locale("en"):
        report = importing.import_questions(bank, "gift", gift.encode())
        assert [(e.line, e.status) for e in report.entries] == [(1, "skipped"), (3, "imported")]
        assert report.entries[0].message == "The text nests elements or indents lines deeper than 100 levels."
