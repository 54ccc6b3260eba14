"""core_accounts_0001 on a database that has accounts: passwords kept and dated, empty hashes marked unusable."""
from __future__ import annotations

from sqlalchemy import text

from lms.core.db import db
from tests.records.conftest import empty_database_url  # noqa: F401  (a database of its own, on the pass's backend)


def test_upgrading_keeps_passwords_and_marks_accounts_without_one(empty_database_url, instance_root):  # noqa: F811
    from lms.core import migrate
    from lms.core.app import create_app
    from tests.conftest import make_config
    fresh = create_app(make_config(empty_database_url, instance_root))
    with fresh.app_context():
        migrate.upgrade("core_records_0002")
        run = db.session.execute
        run(text("INSERT INTO core_units (id, code, name_vi, name_en, name_folded, level, kind, path) "
                 "VALUES (1, 'U1', 'Sở', '', 'so', 'province', '', '/1/')"))
        run(text("INSERT INTO core_officials (id, employee_code, full_name, name_folded, gender, unit_id, position, "
                 "kind, rank, political_theory_level, political_theory_school, created_at, updated_at) VALUES "
                 "(1, 'CB1', 'A', 'a', '', 1, '', 'cadre', '', '', '', '2025-01-01', '2025-01-01')"))
        for email, password_hash in (("a@x.vn", "scrypt:32768:8:1$salt$hash"), ("b@x.vn", "")):
            run(text("INSERT INTO core_users (email, display_name, password_hash, locale, active, session_version, "
                     "created_at) VALUES (:email, '', :hash, 'vi', :yes, 1, '2025-01-01')"),
                {"email": email, "hash": password_hash, "yes": True})
        db.session.commit()
        migrate.upgrade()
        users = run(text("SELECT email, password_hash, password_set_at IS NOT NULL FROM core_users "
                         "ORDER BY email")).all()
        officials = run(text("SELECT active, left_on FROM core_officials")).all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(u) for u in users] == [("a@x.vn", "scrypt:32768:8:1$salt$hash", True),
                                         ("b@x.vn", "!unusable", False)]
    assert [tuple(o) for o in officials] == [(True, None)]
