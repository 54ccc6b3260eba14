"""core_records_0002 builds the per-official-per-year totals from credits already in the ledger."""
from __future__ import annotations

from sqlalchemy import text

from lms.core.db import db


def test_upgrading_builds_the_year_rows_from_the_ledger(empty_database_url, instance_root):
    from lms.core import migrate
    from lms.core.app import create_app
    from tests.conftest import make_config
    fresh = create_app(make_config(empty_database_url, instance_root))
    with fresh.app_context():
        migrate.upgrade("core_0002")
        run = db.session.execute
        run(text("INSERT INTO core_units (id, code, name_vi, name_en, name_folded, level, kind, path) "
                 "VALUES (1, 'U1', 'Sở', '', 'so', 'province', '', '/1/')"))
        run(text("INSERT INTO core_officials (id, employee_code, full_name, name_folded, gender, unit_id, position, "
                 "kind, rank, political_theory_level, political_theory_school, created_at, updated_at) VALUES "
                 "(1, 'CB1', 'A', 'a', '', 1, '', 'cadre', '', '', '', '2025-01-01', '2025-01-01')"))
        for n, (area, periods, withdrawn) in enumerate([
                ("political_theory", 8, None), ("job_position", 4.5, None),
                ("job_position", 16, "2025-04-01"), ("political_theory", 2, None)]):
            run(text("INSERT INTO core_records_credits (official_id, source, source_id, title_vi, title_en, "
                     "content_area, topics, periods, earned_on, year, unit_id, provider, note, created_at, "
                     "withdrawn_at, withdrawn_reason) VALUES (1, 'certificate', :sid, 'T', '', :area, '[]', :periods, "
                     "'2025-03-01', 2025, 1, '', '', '2025-03-01', :withdrawn, '')"),
                {"sid": str(n), "area": area, "periods": periods, "withdrawn": withdrawn})
        db.session.commit()
        migrate.upgrade()  # to every head: records_0001 then moves the tables to the plugin's prefix
        row = run(text("SELECT year, official_id, credits, total, political_theory, job_position, defence_security "
                       "FROM records_official_years")).all()
        from lms.records import ledger
        # the raw inserts above bypassed the ledger service, so only the year rows are the migration's work
        differences = [d for d in ledger.total_differences() if d["table"] == "records_official_years"]
        db.session.remove()
        db.engine.dispose()
    assert [tuple(float(v) for v in r) for r in row] == [(2025, 1, 3, 14.5, 10, 4.5, 0)]
    assert differences == []
