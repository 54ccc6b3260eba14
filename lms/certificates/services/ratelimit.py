"""Fixed-window request counters kept in the database, so every web process and machine shares them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from lms.certificates.models import VerifyCounter
from lms.core.db import db, utcnow


def hit(bucket: str, address: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> bool:
    """Count one request of `address` in `bucket`; False once the window's limit is passed."""
    now = now or utcnow()
    start = int(now.timestamp()) // window_seconds * window_seconds
    key = f"{bucket}:{address}:{start}"[:120]
    expires = datetime.fromtimestamp(start + window_seconds, tz=timezone.utc)
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = VerifyCounter.__table__
    statement = module.insert(table).values(key=key, count=1, expires_at=expires)
    statement = statement.on_conflict_do_update(index_elements=["key"], set_={"count": table.c.count + 1})
    count = db.session.execute(statement.returning(table.c.count)).scalar_one()
    return count <= limit


def purge(now: datetime | None = None) -> int:
    """Forget finished windows (the daily job)."""
    now = now or utcnow()
    result = db.session.execute(delete(VerifyCounter).where(VerifyCounter.expires_at < now - timedelta(minutes=5)))
    return result.rowcount or 0
