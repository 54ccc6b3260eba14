"""records: the training record's tables leave the core's prefix (core_records_* becomes records_*)

The training record moved out of the core into the records plugin, whose tables carry its own prefix.
History stays as it was: the core's revisions core_records_0001 and 0002 still create core_records_*
tables, and this first revision of the plugin's branch moves them, rows, indexes and named
constraints included, so an existing database upgrades in place and a new one ends the same way.

- PostgreSQL renames in place (tables, constraints, indexes, id sequences): no row is copied and ids
  go on from where they were.
- SQLite can rename a table but not a constraint, and dropping a parent table would cascade into its
  children: each table is built again under its new name with its constraints and indexes renamed,
  its rows copied, and the old tables dropped children first.

Revision ID: records_0001
Revises:
Create Date: 2026-12-07 21:10:00
"""
import re

import sqlalchemy as sa
from alembic import op

revision = 'records_0001'
down_revision = None
branch_labels = ('records',)
depends_on = 'core_records_0002'

# Every table the core's records revisions left behind, without prefix.
TABLES = ("credits", "official_years", "unit_totals", "requirements", "plans", "plan_targets", "api_tokens",
          "transcripts", "rate_hits")


def upgrade():
    _move("core_records_", "records_")


def downgrade():
    _move("records_", "core_records_")


def _renamer(old_prefix: str, new_prefix: str):
    """Renames every occurrence of a prefixed name inside an identifier: fk_core_records_plan_targets_plan_id_
    core_records_plans becomes fk_records_plan_targets_plan_id_records_plans; core_officials stays."""
    pattern = re.compile(rf"(^|_){re.escape(old_prefix)}")
    return lambda name: pattern.sub(lambda m: m.group(1) + new_prefix, name)


def _move(old_prefix: str, new_prefix: str) -> None:
    bind = op.get_bind()
    renames = {old_prefix + t: new_prefix + t for t in TABLES}
    if bind.dialect.name == "postgresql":
        _rename_in_place(bind, renames, _renamer(old_prefix, new_prefix))
    else:
        _rebuild(bind, renames, _renamer(old_prefix, new_prefix))


def _rename_in_place(bind, renames: dict[str, str], new_name) -> None:
    def names(sql: str, table: str) -> list[str]:
        return list(bind.execute(sa.text(sql), {"table": table}).scalars())

    for old, new in renames.items():
        op.rename_table(old, new)
    for table in renames.values():
        # Renaming a primary key or unique constraint renames the index behind it too.
        for name in names("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass)", table):
            if new_name(name) != name:
                op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}" TO "{new_name(name)}"')
        for name in names("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                          "AND tablename = :table", table):
            if new_name(name) != name:
                op.execute(f'ALTER INDEX "{name}" RENAME TO "{new_name(name)}"')
        for name in names("SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
                          "WHERE s.relkind = 'S' AND d.refobjid = CAST(:table AS regclass)", table):
            op.execute(f'ALTER SEQUENCE "{name}" RENAME TO "{new_name(name)}"')


def _rebuild(bind, renames: dict[str, str], new_name) -> None:
    old = sa.MetaData()
    old.reflect(bind, only=list(renames))  # brings the core tables they refer to along
    new = sa.MetaData()
    for table in old.tables.values():
        if table.name not in renames:
            table.to_metadata(new)  # referred to by foreign keys, never created
    moving = [t for t in old.sorted_tables if t.name in renames]  # parents first
    for table in moving:
        built = _renamed_copy(table, new, renames, new_name)
        built.create(bind)
        columns = ", ".join(f'"{c.name}"' for c in table.columns)
        op.execute(f'INSERT INTO "{built.name}" ({columns}) SELECT {columns} FROM "{table.name}"')
    for table in reversed(moving):  # children first: dropping a parent with children left would cascade
        op.drop_table(table.name)


def _renamed_copy(table: sa.Table, metadata: sa.MetaData, renames: dict[str, str], new_name) -> sa.Table:
    items = [sa.Column(c.name, c.type, nullable=c.nullable, server_default=c.server_default) for c in table.columns]
    items.append(sa.PrimaryKeyConstraint(*table.primary_key.columns.keys(), name=new_name(table.primary_key.name)))
    for fk in table.foreign_key_constraints:
        target = renames.get(fk.referred_table.name, fk.referred_table.name)
        items.append(sa.ForeignKeyConstraint(fk.column_keys, [f"{target}.{e.column.name}" for e in fk.elements],
                                             name=new_name(fk.name), ondelete=fk.ondelete, onupdate=fk.onupdate))
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            items.append(sa.UniqueConstraint(*constraint.columns.keys(), name=new_name(constraint.name)))
    built = sa.Table(renames[table.name], metadata, *items)
    for index in table.indexes:
        sa.Index(new_name(index.name), *[built.c[c.name] for c in index.columns], unique=index.unique)
    return built
