"""A small rate limit for public pages, kept in the database so every web process sees the same count."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from lms.core.db import db, utcnow
from lms.records.models import RateHit


def allow(bucket: str, address: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request; False when `address` made more than `limit` in the last `window_seconds`.

    Flushes; the caller commits (a refused request is counted too, so hammering does not reset it).
    """
    now = utcnow()
    since = now - timedelta(seconds=window_seconds)
    address = (address or "unknown")[:64]
    db.session.execute(delete(RateHit).where(RateHit.bucket == bucket, RateHit.address == address,
                                             RateHit.at < since))
    db.session.add(RateHit(bucket=bucket, address=address, at=now))
    db.session.flush()
    count = db.session.scalar(select(func.count()).select_from(RateHit)
                              .where(RateHit.bucket == bucket, RateHit.address == address, RateHit.at >= since))
    return count <= limit
