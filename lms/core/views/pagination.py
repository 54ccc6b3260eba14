"""Keyset-free, simple pagination for list pages: two queries whatever the page size."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import func, select

from lms.core.db import db

PER_PAGE = 50


@dataclass
class Page:
    items: list
    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(statement, per_page: int = PER_PAGE) -> Page:
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    items = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, total=total, per_page=per_page)
