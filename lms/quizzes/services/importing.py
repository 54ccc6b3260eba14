"""Importing question files into a bank and exporting a bank's questions.

Each import ends with a report per question: the line (or element) and "imported", or why not. A
question that cannot be read is skipped and the others import. When `existing` questions are given
(a course re-import), each question of the file is matched with one of them by name and type (else by
text and type): an unchanged question is left alone, a changed one is corrected in place (its version
goes up; attempts keep the responses they saved), and a new one is added.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.text import nfc
from lms.quizzes.formats import (
    FORMAT_NAMES,
    FileUnreadable,
    ParsedCategory,
    ParsedQuestion,
    ParseProblem,
    canonical,
    join_category_path,
    split_category_path,
)
from lms.quizzes.models import Category, Question, QuestionBank
from lms.quizzes.services.banks import check_common, ensure_category
from lms.quizzes.types import get_type

IMPORTED, UPDATED, UNCHANGED, SKIPPED = "imported", "updated", "unchanged", "skipped"


@dataclass
class ImportEntry:
    line: int
    name: str
    status: str
    message: str = ""


@dataclass
class ImportReport:
    entries: list[ImportEntry] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)  # in file order (imported, updated, unchanged)
    categories: int = 0
    file_problem: str | None = None
    file_line: int = 0

    @property
    def imported(self) -> int:
        return sum(1 for e in self.entries if e.status in (IMPORTED, UPDATED, UNCHANGED))

    @property
    def skipped(self) -> int:
        return sum(1 for e in self.entries if e.status == SKIPPED)

    @property
    def ok(self) -> bool:
        return self.file_problem is None and self.skipped == 0

    @property
    def problems(self) -> list[dict]:
        found = [{"line": self.file_line, "message": self.file_problem}] if self.file_problem else []
        return found + [{"line": e.line, "message": e.message} for e in self.entries if e.status == SKIPPED]

    def as_dict(self) -> dict:
        return {"imported": self.imported, "skipped": self.skipped, "problems": self.problems}


def parse_file(fmt: str, raw: bytes, filename: str = "") -> list:
    """Parse with the named format; raises FileUnreadable for a file that cannot be read at all."""
    if fmt == "gift":
        from lms.quizzes.formats.gift import parse_gift
        return parse_gift(raw)
    if fmt == "aiken":
        from lms.quizzes.formats.aiken import parse_aiken
        return parse_aiken(raw)
    if fmt == "moodle-xml":
        from lms.quizzes.formats.moodle_xml import parse_moodle_xml
        return parse_moodle_xml(raw)
    if fmt == "xlsx":
        from lms.quizzes.formats.xlsx import parse_xlsx
        name = filename if filename.lower().endswith((".xlsx", ".csv")) else "questions.xlsx"
        return parse_xlsx(raw, name)
    raise DomainError(_l("The format \"%(format)s\" is not known (gift, aiken, moodle-xml, xlsx)."), format=fmt)


def guess_format(filename: str) -> str | None:
    name = filename.lower()
    if name.endswith((".gift", ".gift.txt")):
        return "gift"
    if name.endswith(".xml"):
        return "moodle-xml"
    if name.endswith((".xlsx", ".csv")):
        return "xlsx"
    if name.endswith(".txt"):
        return "aiken"
    return None


def _prefixed(base: str | None, path: str | None) -> str | None:
    parts = split_category_path(base or "") + split_category_path(path or "")
    return join_category_path(parts) if parts else None


def import_questions(bank: QuestionBank, fmt: str, raw: bytes, *, filename: str = "", base_category: str | None = None,
                     default_category: str | None = None, user_id: int | None = None,
                     existing: list[Question] | None = None) -> ImportReport:
    """Import a question file into `bank`; returns the report (flushes, never commits).

    Categories in the file are created under `base_category`; questions without a category go to
    `default_category` (else the base, else "Default").
    """
    if fmt not in FORMAT_NAMES:
        raise DomainError(_l("The format \"%(format)s\" is not known (gift, aiken, moodle-xml, xlsx)."), format=fmt)
    report = ImportReport()
    try:
        items = parse_file(fmt, raw, filename)
    except FileUnreadable as unreadable:
        report.file_problem, report.file_line = str(unreadable), unreadable.line
        return report
    cache: dict[str, Category] = {}
    fallback = default_category or base_category
    unmatched = list(existing or [])
    for item in items:
        if isinstance(item, ParsedCategory):
            if item.path:
                ensure_category(bank, _prefixed(base_category, item.path), info=item.info, cache=cache)
                report.categories += 1
            continue
        if isinstance(item, ParseProblem):
            report.entries.append(ImportEntry(item.line, item.name, SKIPPED, item.text))
            continue
        try:
            kind, clean, mark = _checked(item)
        except DomainError as invalid:
            report.entries.append(ImportEntry(item.line, item.name, SKIPPED, str(invalid)))
            continue
        category = ensure_category(bank, _prefixed(base_category, item.category) if item.category else
                                   (fallback or ""), cache=cache)
        match = _match(unmatched, item)
        if match is not None:
            unmatched.remove(match)
            status = _update(match, item, clean, mark, category, kind)
            report.entries.append(ImportEntry(item.line, item.name, status))
            report.questions.append(match)
            continue
        question = Question(bank_id=bank.id, category_id=category.id, category=category, qtype=item.qtype,
                            name=item.name, idnumber=item.idnumber[:100], text=item.text, text_format=item.text_format,
                            general_feedback=item.general_feedback, data=clean, default_mark=mark, hidden=item.hidden,
                            created_by=user_id, version=1)
        question.set_tags(item.tags)
        db.session.add(question)
        report.entries.append(ImportEntry(item.line, item.name, IMPORTED))
        report.questions.append(question)
    db.session.flush()
    return report


def _checked(item: ParsedQuestion):
    kind = get_type(item.qtype)
    if kind is None:
        raise DomainError(_l("The question type \"%(type)s\" is not available."), type=item.qtype)
    item.text, item.name = nfc(item.text), " ".join(nfc(item.name).split())
    item.general_feedback = nfc(item.general_feedback)
    mark = kind.default_mark if item.default_mark is None else float(item.default_mark)
    if not kind.gradable:
        mark = 0.0
    check_common(name=item.name, text=item.text, text_format=item.text_format,
                 general_feedback=item.general_feedback, default_mark=mark)
    return kind, kind.validate(item.data), mark


def _match(candidates: list[Question], item: ParsedQuestion) -> Question | None:
    for test in (lambda q: q.name == item.name, lambda q: q.text == item.text):
        for question in candidates:
            if question.qtype == item.qtype and test(question):
                return question
    return None


def _update(question: Question, item: ParsedQuestion, clean: dict, mark: float, category: Category, kind) -> str:
    before = canonical(to_parsed(question))
    clean = kind.carry_ids(question.data or {}, clean)
    after_item = ParsedQuestion(line=0, qtype=item.qtype, name=item.name, text=item.text, text_format=item.text_format,
                                data=clean, general_feedback=item.general_feedback, category=category.path,
                                tags=item.tags, idnumber=item.idnumber, default_mark=mark, hidden=item.hidden)
    if canonical(after_item) == before and question.category_id == category.id:
        return UNCHANGED
    question.name, question.text, question.text_format = item.name, item.text, item.text_format
    question.general_feedback, question.data, question.default_mark = item.general_feedback, clean, mark
    question.category_id, question.category, question.idnumber = category.id, category, item.idnumber[:100]
    question.hidden = item.hidden
    question.set_tags(item.tags)
    question.version += 1
    question.updated_at = utcnow()
    return UPDATED


# -- export ---------------------------------------------------------------------------------------

def to_parsed(question: Question, base_category: str | None = None) -> ParsedQuestion:
    """A stored question in the form the writers take; its category path is made relative to the base."""
    path = question.category.path if question.category else ""
    if base_category:
        base = base_category.rstrip("/")
        if path == base:
            path = ""
        elif path.startswith(base + "/"):
            path = path[len(base) + 1:]
    return ParsedQuestion(line=0, qtype=question.qtype, name=question.name, text=question.text,
                          text_format=question.text_format, data=question.data or {},
                          general_feedback=question.general_feedback or "", category=path or None,
                          tags=list(question.tags), idnumber=question.idnumber or "",
                          default_mark=question.default_mark, hidden=question.hidden)


def bank_questions(bank: QuestionBank, category_ids: list[int] | None = None) -> list[Question]:
    from sqlalchemy.orm import selectinload
    statement = (select(Question).options(selectinload(Question.tag_rows))
                 .join(Category, Category.id == Question.category_id)
                 .where(Question.bank_id == bank.id).order_by(Category.path, Question.id))
    if category_ids:
        statement = statement.where(Question.category_id.in_(category_ids))
    return list(db.session.scalars(statement))


def export_questions(questions: list[Question], fmt: str, *, base_category: str | None = None,
                     category_info: dict[str, str] | None = None) -> str:
    """Write questions as GIFT or Moodle XML text (UTF-8 when encoded)."""
    parsed = [to_parsed(q, base_category) for q in questions]
    if fmt == "gift":
        from lms.quizzes.formats.gift import write_gift
        return write_gift(parsed)
    if fmt == "moodle-xml":
        from lms.quizzes.formats.moodle_xml import write_moodle_xml
        return write_moodle_xml(parsed, category_info)
    raise DomainError(_l("Questions can be exported as GIFT or Moodle XML."))
