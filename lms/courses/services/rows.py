"""Insert-if-absent in one statement, so two requests racing on a unique key never both insert and
neither has to roll back (pysqlite mishandles savepoints, so none are used)."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from lms.core.db import db


def insert_if_absent(model, values: dict, keys: list[str]) -> None:
    """INSERT ... ON CONFLICT (keys) DO NOTHING."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(model.__table__).values(**values).on_conflict_do_nothing(index_elements=keys))
