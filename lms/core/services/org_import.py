"""Bulk import of units (officials: official_import.py): idempotent upsert by code, a report per row,
all or nothing. A file with any problem changes nothing, unless the caller asks to import the valid rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import audit
from lms.core.db import db
from lms.core.models import Unit, UnitLevel
from lms.core.services.org import set_parent
from lms.core.services.tabular import Problem, read_rows
from lms.core.text import nfc

UNIT_COLUMNS = {
    "code": ("mã đơn vị", "ma don vi", "unit code"),
    "name_vi": ("tên đơn vị", "ten don vi", "tên", "name"),
    "name_en": ("tên tiếng anh", "english name", "name (english)"),
    "level": ("cấp", "cap", "level"),
    "kind": ("loại", "loai", "kind"),
    "parent_code": ("mã đơn vị cấp trên", "đơn vị cấp trên", "parent", "parent code"),
    "valid_from": ("hiệu lực từ", "valid from"),
    "valid_to": ("hiệu lực đến", "valid to", "valid until"),
    "successor_code": ("mã đơn vị kế thừa", "đơn vị kế thừa", "successor", "successor code"),
}
UNIT_REQUIRED = ("code", "name_vi", "level")

LEVEL_ALIASES = {
    "central": UnitLevel.central, "trung ương": UnitLevel.central, "trung uong": UnitLevel.central,
    "province": UnitLevel.province, "tỉnh": UnitLevel.province, "tinh": UnitLevel.province,
    "commune": UnitLevel.commune, "xã": UnitLevel.commune, "xa": UnitLevel.commune,
    "district": UnitLevel.district, "huyện": UnitLevel.district, "huyen": UnitLevel.district,
}
BATCH = 5000


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict:
        return {"total": self.total, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": self.skipped}

    def as_dict(self) -> dict:
        return self.counts() | {"applied": self.applied, "problems": [p.as_dict() for p in self.problems]}


def parse_date(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def missing_columns(found: list[str], required: tuple[str, ...], report: ImportReport) -> bool:
    missing = [c for c in required if c not in found]
    for column in missing:
        report.problems.append(Problem(1, column, _l("The column %(column)s is missing.") % {"column": column}))
    return bool(missing)


def too_long(model, values: dict, line: int, fields: tuple[str, ...]) -> list[Problem]:
    """A problem for each value longer than its column: bulk inserts bypass the ORM's own length guard."""
    problems = []
    for name in fields:
        limit = model.__table__.c[name].type.length
        if len(nfc(values.get(name) or "")) > limit:
            problems.append(Problem(line, name, _l("The value is longer than %(limit)s characters.")
                                    % {"limit": limit}))
    return problems


def _depth(code: str, parent_of: dict[str, str]) -> int:
    depth, seen = 0, {code}
    while parent_of.get(code):
        code = parent_of[code]
        if code in seen:
            break  # a cycle: set_parent refuses it with a message
        seen.add(code)
        depth += 1
    return depth


def import_units(stream: BinaryIO, filename: str, *, valid_only: bool = False,  # noqa: C901  (parse, check, two-pass upsert and report in one transaction; to split next)
                 actor_id: int | None = None) -> ImportReport:
    """Upsert units by code; parents and successors may be defined later in the same file."""
    report = ImportReport()
    found, rows = read_rows(stream, filename, UNIT_COLUMNS)
    if missing_columns(found, UNIT_REQUIRED, report):
        return report
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    parsed, seen = [], {}
    for row in rows:
        report.total += 1
        v, line, problems = row.values, row.line, []
        for name in row.formula_fields:
            problems.append(Problem(line, name, _l("Formulas are not accepted; type the value itself.")))
        code = v.get("code", "").strip()
        if not code:
            problems.append(Problem(line, "code", _l("The unit code is empty.")))
        elif code in seen:
            problems.append(Problem(line, "code", _l("The unit code %(code)s is also on line %(other)s.")
                                    % {"code": code, "other": seen[code]}))
        seen.setdefault(code, line)
        if not nfc(v.get("name_vi", "")):
            problems.append(Problem(line, "name_vi", _l("The name is empty.")))
        problems += too_long(Unit, v, line, ("code", "name_vi", "name_en"))
        if v.get("level", "").strip().lower() not in LEVEL_ALIASES:
            problems.append(Problem(line, "level", _l("The level must be central, province, commune or district.")))
        dates = {}
        for key in ("valid_from", "valid_to"):
            try:
                dates[key] = parse_date(v.get(key, ""))
            except ValueError:
                problems.append(Problem(line, key, _l("This is not a date (dd/mm/yyyy).")))
        if problems:
            report.problems.extend(problems)
            report.skipped += 1
            continue
        parsed.append((line, v, dates))
    known = set(existing) | {v["code"].strip() for _, v, _ in parsed}
    valid = []
    for line, v, dates in parsed:
        problems = []
        for key in ("parent_code", "successor_code"):
            ref = (v.get(key) or "").strip()
            if ref and ref not in known:
                problems.append(Problem(line, key, _l("There is no unit with the code %(code)s.") % {"code": ref}))
        if problems:
            report.problems.extend(problems)
            report.skipped += 1
        else:
            valid.append((line, v, dates))
    if report.problems and not valid_only:
        return report

    by_code = dict(existing)
    for _, v, dates in valid:
        code = v["code"].strip()
        unit = by_code.get(code)
        if unit is None:
            unit = Unit(code=code, path="/")
            db.session.add(unit)
            by_code[code] = unit
            report.created += 1
        else:
            report.updated += 1
        unit.name_vi = nfc(v["name_vi"])
        unit.name_en = nfc(v.get("name_en", ""))
        unit.level = LEVEL_ALIASES[v["level"].strip().lower()]
        unit.kind = (v.get("kind") or "").strip()[:40]
        unit.valid_from, unit.valid_to = dates["valid_from"], dates["valid_to"]
    db.session.flush()
    parent_of = {u.code: (u.parent.code if u.parent else "") for u in existing.values()}
    parent_of.update({v["code"].strip(): (v.get("parent_code") or "").strip() for _, v, _ in valid})
    # Parents before children, so each child's path is built on its parent's final path.
    for _, v, _ in sorted(valid, key=lambda item: _depth(item[1]["code"].strip(), parent_of)):
        unit = by_code[v["code"].strip()]
        parent_code = parent_of[unit.code]
        successor_code = (v.get("successor_code") or "").strip()
        unit.successor_id = by_code[successor_code].id if successor_code else None
        set_parent(unit, by_code[parent_code] if parent_code else None)
    report.applied = True
    audit.record("units.imported", "file", filename, actor_id=actor_id,
                 data={"created": report.created, "updated": report.updated})
    db.session.flush()
    return report
