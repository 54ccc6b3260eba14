"""A database from before the record became a plugin upgrades in place: records_0001 moves every
core_records_* table to records_* with its rows, indexes and named constraints, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.core.db import UTCDateTime, db

# The heads of main before the record became a plugin (the database a province runs today).
HEADS_BEFORE = ("core_records_0002", "courses_0001", "quizzes_0001", "certificates_0001", "scorm_0001")
TABLES = ("credits", "official_years", "unit_totals", "requirements", "plans", "plan_targets", "api_tokens",
          "transcripts", "rate_hits")
TYPES = {"topics": sa.JSON, "area_minimums": sa.JSON, "facts": sa.JSON, "earned_on": sa.Date,
         **{name: UTCDateTime for name in ("created_at", "updated_at", "withdrawn_at", "issued_at", "at",
                                           "last_used_at", "revoked_at")}}
AT = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
# (official, unit, year, area, source, periods, withdrawn)
CREDITS = [
    (1, 1, 2024, "political_theory", "certificate", 8, False),
    (1, 1, 2025, "job_position", "attendance", 4.5, False),
    (1, 1, 2025, "job_position", "certificate", 16, True),
    (1, 1, 2025, "political_theory", "outside", 2, False),
    (2, 2, 2025, "science_technology_digital", "certificate", 12.25, False),
    (2, 2, 2025, "science_technology_digital", "attendance", 3, False),
]


def _insert(table: str, rows: list[dict]) -> None:
    """Plain SQL through a typed table sketch (JSON and UTC times bound as each backend wants), no model."""
    sketch = sa.table(table, *[sa.column(name, TYPES.get(name)) for name in rows[0]])
    db.session.execute(sa.insert(sketch), rows)


def _fill_before_upgrade() -> None:
    _insert("core_units", [
        {"id": 1, "code": "P", "name_vi": "Tỉnh", "name_en": "", "name_folded": "tinh", "level": "province",
         "kind": "", "path": "/1/", "parent_id": None},
        {"id": 2, "code": "X", "name_vi": "Xã", "name_en": "", "name_folded": "xa", "level": "commune",
         "kind": "commune", "path": "/1/2/", "parent_id": 1}])
    _insert("core_officials", [
        {"id": n, "employee_code": f"CB{n}", "full_name": f"Cán bộ {n}", "name_folded": f"can bo {n}", "gender": "",
         "unit_id": n, "position": "", "kind": "cadre", "rank": "", "political_theory_level": "",
         "political_theory_school": "", "created_at": AT, "updated_at": AT} for n in (1, 2)])
    _insert("core_records_credits", [
        {"official_id": official, "source": source, "source_id": f"s{n}", "title_vi": f"Lớp {n}", "title_en": "",
         "content_area": area, "topics": ["digital_transformation"] if n % 2 else [], "periods": periods,
         "earned_on": date(year, 3, 1), "year": year, "unit_id": unit, "provider": "", "note": "", "created_at": AT,
         "withdrawn_at": AT if withdrawn else None, "withdrawn_reason": "school_error" if withdrawn else ""}
        for n, (official, unit, year, area, source, periods, withdrawn) in enumerate(CREDITS)])
    # The kept totals as the ledger service keeps them: withdrawn credits count nowhere.
    areas = ("political_theory", "defence_security", "state_management", "job_position", "science_technology_digital")
    sums = ", ".join(f"coalesce(sum(CASE WHEN content_area = '{a}' THEN periods END), 0)" for a in areas)
    db.session.execute(sa.text(
        f"INSERT INTO core_records_official_years (year, official_id, credits, total, {', '.join(areas)}) "
        f"SELECT year, official_id, count(*), sum(periods), {sums} FROM core_records_credits "
        "WHERE withdrawn_at IS NULL GROUP BY year, official_id"))
    db.session.execute(sa.text(
        "INSERT INTO core_records_unit_totals (year, unit_id, content_area, source, periods, credits) "
        "SELECT year, unit_id, content_area, source, sum(periods), count(*) FROM core_records_credits "
        "WHERE withdrawn_at IS NULL GROUP BY year, unit_id, content_area, source"))
    _insert("core_records_requirements", [
        {"name_vi": "Kỹ năng số", "name_en": "Digital skills", "year_from": 2025, "year_to": None, "unit_id": 1,
         "include_subunits": True, "unit_level": None, "official_kind": None, "position": "", "min_periods": 8,
         "area_minimums": {"science_technology_digital": 4}, "active": True, "note": "", "created_at": AT,
         "updated_at": AT}])
    _insert("core_records_plans", [
        {"year": 2025, "unit_id": unit, "note": "", "created_at": AT, "updated_at": AT} for unit in (1, 2)])
    plan_ids = db.session.execute(sa.text("SELECT id FROM core_records_plans ORDER BY unit_id")).scalars().all()
    _insert("core_records_plan_targets", [
        {"plan_id": plan_ids[0], "content_area": "political_theory", "classes": 2, "trainees": 80},
        {"plan_id": plan_ids[0], "content_area": "job_position", "classes": 1, "trainees": 30},
        {"plan_id": plan_ids[1], "content_area": "science_technology_digital", "classes": 3, "trainees": 45}])
    _insert("core_records_api_tokens", [
        {"name": "HR", "token_hash": "a" * 64, "token_prefix": "lms_aaaa", "unit_id": 1, "created_at": AT,
         "last_used_at": None, "revoked_at": None}])
    _insert("core_records_transcripts", [
        {"code": "TR-1", "official_id": 1, "year": 2025, "issued_at": AT, "facts": {"total": 6.5},
         "facts_sha256": "b" * 64, "signature": "c2ln", "key_id": "d" * 64}])
    _insert("core_records_rate_hits", [{"bucket": "verify", "address": "203.0.113.7", "at": AT}])


def _snapshot(prefix: str) -> dict[str, list[tuple]]:
    """Every row of every records table, in primary-key order."""
    inspector = sa.inspect(db.session.connection())
    rows = {}
    for name in TABLES:
        order = ", ".join(inspector.get_pk_constraint(prefix + name)["constrained_columns"])
        rows[name] = [tuple(r) for r in db.session.execute(sa.text(f"SELECT * FROM {prefix}{name} ORDER BY {order}"))]
    return rows


def schema_names(inspector, table: str) -> set[str]:
    names = {inspector.get_pk_constraint(table)["name"]}
    names |= {fk["name"] for fk in inspector.get_foreign_keys(table)}
    names |= {uq["name"] for uq in inspector.get_unique_constraints(table)}
    names |= {ix["name"] for ix in inspector.get_indexes(table) if not ix.get("duplicates_constraint")}
    return names


def model_names(table: sa.Table) -> set[str]:
    return {c.name for c in table.constraints if not isinstance(c, sa.CheckConstraint)} | {
        ix.name for ix in table.indexes}


def assert_schema_is_the_models(connection) -> None:
    """No drift Alembic would see, and every constraint and index named as the models name it."""
    differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
    assert differences == []
    inspector = sa.inspect(connection)
    tables = inspector.get_table_names()
    assert not [t for t in tables if t.startswith("core_records_")]
    for name in TABLES:
        table = db.metadata.tables["records_" + name]
        assert schema_names(inspector, table.name) == model_names(table), table.name


def test_a_database_from_before_the_plugin_keeps_its_record(empty_database_url, instance_root):
    from lms.core import migrate
    from lms.core.app import create_app
    from lms.records import ledger
    from lms.records.models import (
        ApiToken,
        CreditSource,
        OfficialYearTotal,
        RateHit,
        Requirement,
        TrainingCredit,
        TrainingPlan,
        Transcript,
        UnitAreaTotal,
    )
    from tests.conftest import make_config
    app = create_app(make_config(empty_database_url, instance_root))
    with app.app_context():
        for head in HEADS_BEFORE:
            migrate.upgrade(head)
        assert not [t for t in sa.inspect(db.engine).get_table_names() if t.startswith("records_")]
        _fill_before_upgrade()
        db.session.commit()
        before = _snapshot("core_records_")
        db.session.remove()

        migrate.upgrade()

        assert _snapshot("records_") == before
        assert all(before.values()), "every table had rows to move"
        # Same totals, read through the plugin's models.
        kept = {(t.official_id, t.year): (t.credits, float(t.total))
                for t in db.session.scalars(sa.select(OfficialYearTotal))}
        assert kept == {(1, 2024): (1, 8.0), (1, 2025): (2, 6.5), (2, 2025): (2, 15.25)}
        assert db.session.scalar(sa.select(sa.func.sum(UnitAreaTotal.periods))) == pytest.approx(29.75)
        assert db.session.scalar(sa.select(sa.func.count(TrainingCredit.id))) == len(CREDITS)
        assert ledger.total_differences() == []
        plans = db.session.scalars(sa.select(TrainingPlan).order_by(TrainingPlan.unit_id)).all()
        assert [[(t.content_area, t.classes) for t in p.targets] for p in plans] == [
            [("job_position", 1), ("political_theory", 2)], [("science_technology_digital", 3)]]
        assert [r.name_en for r in db.session.scalars(sa.select(Requirement).order_by(Requirement.id))] == [
            "At least 40 periods a year (former 2017 rule, example)", "Digital skills"]
        assert db.session.scalar(sa.select(Transcript.facts)) == {"total": 6.5}
        assert db.session.scalar(sa.select(ApiToken.unit_id)) == 1
        assert db.session.scalar(sa.select(RateHit.at)) == AT

        # New rows get new ids (PostgreSQL's sequences moved with their tables) and the totals stay exact.
        added = ledger.add_credit(ledger.CreditFacts(
            official_id=2, source=CreditSource.outside, source_id="after-upgrade", title_vi="Lớp mới",
            content_area="job_position", periods=4, earned_on=date(2025, 6, 1)))
        db.session.commit()
        assert added > max(r[0] for r in before["credits"])
        assert ledger.total_differences() == []
        assert db.session.get(OfficialYearTotal, (2025, 2)).total == pytest.approx(19.25)

        with db.engine.connect() as connection:
            assert_schema_is_the_models(connection)
        db.session.remove()
        db.engine.dispose()


def test_a_new_database_ends_with_the_plugins_names(app):
    with db.engine.connect() as connection:
        assert_schema_is_the_models(connection)
