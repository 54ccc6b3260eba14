"""The ledger: add and withdraw training credits, keeping the totals exact in the same transaction.

Every change goes through `add_credit` and `withdraw_credit`. Both are idempotent and safe against a
concurrent replay: the credit is inserted with ON CONFLICT DO NOTHING on (source, source_id), and only
the transaction that really inserted (or withdrew) it touches the totals, with an atomic upsert.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.models import Official
from lms.core.vocab import CONTENT_AREAS
from lms.records.models import CreditSource, OfficialYearTotal, TrainingCredit, UnitAreaTotal


def dialect_insert(model):
    """INSERT with ON CONFLICT support for the running database (PostgreSQL or SQLite)."""
    name = db.session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(model)


@dataclass(frozen=True)
class CreditFacts:
    """What a credit records; `unit_id` defaults to the official's unit now."""

    official_id: int
    source: CreditSource
    source_id: str
    title_vi: str
    content_area: str
    periods: float
    earned_on: date
    title_en: str = ""
    topics: tuple[str, ...] = ()
    school_id: int | None = None
    provider: str = ""
    certificate_id: int | None = None
    verification_code: str | None = None
    class_id: int | None = None
    evidence_file_id: int | None = None
    recorded_by: int | None = None
    recorded_by_school_id: int | None = None
    note: str = ""
    unit_id: int | None = None


def add_credit(facts: CreditFacts, *, audit_actor: int | None = None) -> int | None:
    """Add a credit; returns its id, or None when (source, source_id) is already in the ledger."""
    added = add_credits([facts], audit_actor=audit_actor)
    return added[0] if added else None


def add_credits(many: list[CreditFacts], *, audit_actor: int | None = None) -> list[int]:
    """Add credits set-based (a class's certificates at once); returns the ids of those really added.

    One insert skips those already in the ledger (a replay), then the totals of the added ones move in
    one upsert per totals table and their audit entries go in one insert.
    """
    if not many:
        return []
    units = _units_now({f.official_id for f in many if f.unit_id is None})
    now = utcnow()
    rows = []
    for facts in many:
        unit_id = facts.unit_id if facts.unit_id is not None else units.get(facts.official_id)
        if unit_id is None:
            raise LookupError(f"official {facts.official_id} does not exist")
        rows.append(dict(
            official_id=facts.official_id, source=facts.source, source_id=facts.source_id,
            title_vi=facts.title_vi[:300], title_en=(facts.title_en or "")[:300], content_area=facts.content_area,
            topics=list(facts.topics), periods=round(float(facts.periods), 2), earned_on=facts.earned_on,
            year=facts.earned_on.year, unit_id=unit_id, school_id=facts.school_id,
            provider=(facts.provider or "")[:255], certificate_id=facts.certificate_id,
            verification_code=facts.verification_code, class_id=facts.class_id,
            evidence_file_id=facts.evidence_file_id, recorded_by=facts.recorded_by,
            recorded_by_school_id=facts.recorded_by_school_id, note=facts.note or "", created_at=now,
            withdrawn_reason=""))
    statement = (dialect_insert(TrainingCredit).on_conflict_do_nothing(index_elements=["source", "source_id"])
                 .returning(TrainingCredit.id, TrainingCredit.source, TrainingCredit.source_id))
    added = {(row.source, row.source_id): row.id for row in db.session.execute(statement, rows)}
    kept = [(added[(row["source"], row["source_id"])], row, facts) for row, facts in zip(rows, many, strict=True)
            if (row["source"], row["source_id"]) in added]
    _apply_many([(row["official_id"], row["unit_id"], row["year"], row["content_area"], row["source"],
                  row["periods"]) for _, row, _ in kept], +1)
    audit.record_many([dict(
        at=now, actor_id=audit.default_actor(audit_actor or facts.recorded_by), action="credit.added",
        target_type="official", target_id=str(row["official_id"]), reason="",
        data={"credit_id": credit_id, "source": row["source"].value, "source_id": row["source_id"],
              "periods": row["periods"], "content_area": row["content_area"]}) for credit_id, row, facts in kept])
    return [credit_id for credit_id, _, _ in kept]


def _units_now(official_ids: set[int]) -> dict[int, int]:
    units: dict[int, int] = {}
    ids = sorted(official_ids)
    for start in range(0, len(ids), 5000):
        units.update(db.session.execute(select(Official.id, Official.unit_id)
                                        .where(Official.id.in_(ids[start:start + 5000]))).all())
    return units


def withdraw_credit(source: CreditSource, source_id: str, *, reason: str = "",
                    actor_id: int | None = None) -> int | None:
    """Withdraw a credit (it stays in the ledger, marked); returns its id, or None if none counted."""
    statement = (update(TrainingCredit)
                 .where(TrainingCredit.source == source, TrainingCredit.source_id == source_id,
                        TrainingCredit.withdrawn_at.is_(None))
                 .values(withdrawn_at=utcnow(), withdrawn_reason=reason[:255])
                 .returning(TrainingCredit.id, TrainingCredit.official_id, TrainingCredit.unit_id,
                            TrainingCredit.year, TrainingCredit.content_area, TrainingCredit.periods)
                 .execution_options(synchronize_session=False))
    row = db.session.execute(statement).first()
    if row is None:
        return None
    _apply(row.official_id, row.unit_id, row.year, row.content_area, source, float(row.periods), -1)
    audit.record("credit.withdrawn", "official", row.official_id, reason=reason, actor_id=actor_id,
                 data={"credit_id": row.id, "source": source.value, "source_id": source_id})
    # ORM objects already loaded in this session must not show the credit as counting.
    for obj in db.session.identity_map.values():
        if isinstance(obj, TrainingCredit) and obj.id == row.id:
            db.session.expire(obj)
    return row.id


def _apply(official_id: int, unit_id: int, year: int, area: str, source: CreditSource, periods: float,
           sign: int) -> None:
    """Add (sign +1) or remove (sign -1) one credit's periods from both totals tables, atomically."""
    _apply_many([(official_id, unit_id, year, area, source, periods)], sign)


def _apply_many(credits: list[tuple[int, int, int, str, CreditSource, float]], sign: int) -> None:
    """Move both totals tables by these credits (official, unit, year, area, source, periods): one atomic
    upsert per row of each table, all sent together; rows left with no credit are removed."""
    if not credits:
        return
    per_official: dict[tuple[int, int], dict] = {}
    per_unit: dict[tuple[int, int, str, CreditSource], dict] = {}
    for official_id, unit_id, year, area, source, periods in credits:
        delta = sign * periods
        mine = per_official.setdefault((year, official_id), {"year": year, "official_id": official_id, "credits": 0,
                                                             "total": 0.0, **{a: 0.0 for a in CONTENT_AREAS}})
        mine["credits"] += sign
        mine["total"] += delta
        mine[area] += delta
        theirs = per_unit.setdefault((year, unit_id, area, source), {"year": year, "unit_id": unit_id,
                                                                      "content_area": area, "source": source,
                                                                      "periods": 0.0, "credits": 0})
        theirs["periods"] += delta
        theirs["credits"] += sign
    # Per official and year: the total and the area columns move together.
    official = OfficialYearTotal
    statement = dialect_insert(official)
    statement = statement.on_conflict_do_update(
        index_elements=["year", "official_id"],
        set_={"credits": official.credits + statement.excluded.credits,
              "total": official.total + statement.excluded.total,
              **{a: getattr(official, a) + getattr(statement.excluded, a) for a in CONTENT_AREAS}})
    db.session.execute(statement, list(per_official.values()))
    # Per unit (as it was then), year, area and source: for reports.
    unit = UnitAreaTotal
    statement = dialect_insert(unit)
    statement = statement.on_conflict_do_update(
        index_elements=["year", "unit_id", "content_area", "source"],
        set_={"periods": unit.periods + statement.excluded.periods,
              "credits": unit.credits + statement.excluded.credits})
    db.session.execute(statement, list(per_unit.values()))
    if sign < 0:
        for year, official_id in per_official:
            db.session.execute(delete(official).where(official.year == year, official.official_id == official_id,
                                                      official.credits <= 0)
                               .execution_options(synchronize_session=False))
        for year, unit_id, area, source in per_unit:
            db.session.execute(delete(unit).where(unit.year == year, unit.unit_id == unit_id,
                                                  unit.content_area == area, unit.source == source, unit.credits <= 0)
                               .execution_options(synchronize_session=False))


# --- recount -------------------------------------------------------------------------------------

def _official_recount():
    c = TrainingCredit
    areas = [func.round(func.sum(case((c.content_area == a, c.periods), else_=0)), 2).label(a) for a in CONTENT_AREAS]
    return (select(c.year, c.official_id, func.count().label("credits"),
                   func.round(func.sum(c.periods), 2).label("total"), *areas)
            .where(c.withdrawn_at.is_(None)).group_by(c.year, c.official_id))


OFFICIAL_COLUMNS = ("year", "official_id", "credits", "total", *CONTENT_AREAS)


def _unit_recount():
    c = TrainingCredit
    return (select(c.year, c.unit_id, c.content_area, c.source, func.round(func.sum(c.periods), 2).label("periods"),
                   func.count().label("credits"))
            .where(c.withdrawn_at.is_(None)).group_by(c.year, c.unit_id, c.content_area, c.source))


def total_differences(limit: int = 100) -> list[dict]:
    """Rows where a kept total differs from a recount of the ledger (empty when all is exact)."""
    differences: list[dict] = []
    official = OfficialYearTotal
    unit = UnitAreaTotal
    for table, recount, kept in (
        (official, _official_recount(),
         select(official.year, official.official_id, official.credits, func.round(official.total, 2).label("total"),
                *[func.round(getattr(official, a), 2).label(a) for a in CONTENT_AREAS])),
        (unit, _unit_recount(),
         select(unit.year, unit.unit_id, unit.content_area, unit.source, func.round(unit.periods, 2).label("periods"),
                unit.credits)),
    ):
        for label, left, right in (("missing or wrong", recount, kept), ("extra or wrong", kept, recount)):
            rows = db.session.execute(left.except_(right).limit(limit)).all()
            for row in rows:
                differences.append({"table": table.__tablename__, "kind": label,
                                    **{k: (v.value if hasattr(v, "value") else v) for k, v in row._mapping.items()}})
    return differences


def rebuild_totals() -> None:
    """Recompute both totals tables from the ledger (set-based): for repairs and bulk loads."""
    db.session.execute(delete(OfficialYearTotal))
    db.session.execute(delete(UnitAreaTotal))
    recount = _official_recount().subquery()
    db.session.execute(insert(OfficialYearTotal).from_select(
        list(OFFICIAL_COLUMNS), select(*[recount.c[name] for name in OFFICIAL_COLUMNS])))
    recount = _unit_recount().subquery()
    db.session.execute(insert(UnitAreaTotal).from_select(
        ["year", "unit_id", "content_area", "source", "periods", "credits"],
        select(recount.c.year, recount.c.unit_id, recount.c.content_area, recount.c.source, recount.c.periods,
               recount.c.credits)))
    db.session.flush()


