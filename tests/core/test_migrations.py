"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.core.db import db


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models changed without a migration: run `lms db revision --package <name> -m ...`"


def test_every_plugin_branch_has_one_head(app):
    from lms.core import migrate
    heads = migrate.current_heads()
    assert len(heads) == len(set(heads))
