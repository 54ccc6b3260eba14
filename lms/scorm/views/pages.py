"""Pagination for list statements that select several columns (the core's `paginate` takes scalars)."""
from __future__ import annotations

from flask import request
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.views.pagination import PER_PAGE, Page


def page_of_rows(statement, per_page: int = PER_PAGE) -> Page:
    """Two queries whatever the page size: the count, then the page's rows (tuples)."""
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = db.session.execute(statement.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=rows, page=number, total=total, per_page=per_page)
