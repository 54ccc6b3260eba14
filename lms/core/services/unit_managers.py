"""Unit managers granted in bulk: from a column of the officials import, or to the heads of units named by
their position. Grants are only ever added here (taking one away is a decision made on the account's page)."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from lms.core.db import db, utcnow
from lms.core.models import Grant, Official, Role, Unit, User
from lms.core.services.tabular import Problem
from lms.core.text import fold

# The "manages unit" column: yes for the official's own unit, a unit code for another, empty or no for none.
YES = {"yes", "y", "x", "1", "có", "co", "true"}
NO = {"", "no", "n", "0", "không", "khong", "false"}
BATCH = 5000


def managed_unit(value: str, own_unit_code: str, units: dict[str, int], line: int) -> tuple[int | None, list[Problem]]:
    """The unit an import line makes its official manager of (None: none), or the problem with the value."""
    text = (value or "").strip()
    if text.lower() in NO:
        return None, []
    code = own_unit_code.strip() if text.lower() in YES else text
    if code not in units:
        return None, [Problem(line, "manages_unit", _l("The unit to manage must be yes, no or a unit code; "
                                                       "there is no unit with the code %(code)s.") % {"code": code})]
    return units[code], []


def grant_unit_managers(pairs: Iterable[tuple[int, int]]) -> int:
    """Make each (account id, unit id) a unit manager of that unit, unless it already is; set-based.
    Returns how many grants were added."""
    wanted = set(pairs)
    held = set()
    user_ids = sorted({user_id for user_id, _ in wanted})
    for start in range(0, len(user_ids), BATCH):
        held.update(db.session.execute(select(Grant.user_id, Grant.unit_id).where(
            Grant.role == Role.unit_manager, Grant.user_id.in_(user_ids[start:start + BATCH]))).all())
    now = utcnow()
    rows = [{"user_id": user_id, "unit_id": unit_id, "role": Role.unit_manager, "created_at": now}
            for user_id, unit_id in sorted(wanted - held)]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(Grant), rows[start:start + BATCH])
    return len(rows)


def is_head(position: str, titles: Iterable[str]) -> bool:
    """Is a position that of a unit's head? "Giám đốc Sở Nội vụ" is, for the title "Giám đốc"; "Phó Giám đốc"
    (a deputy) is not: the title must open the position."""
    folded = fold(position)
    return any(folded == title or folded.startswith(title + " ") for title in map(fold, titles) if title)


def heads_of_units(titles: Iterable[str], within: Unit | None = None) -> list[tuple[int, int]]:
    """(account id, unit id) of every active official with an active account whose position is a head's
    (`titles`), in `within` and the units below it (all units when None)."""
    titles = list(titles)
    statement = (select(User.id, Official.unit_id, Official.position)
                 .join(User, User.official_id == Official.id)
                 .where(Official.active.is_(True), User.active.is_(True), Official.position != ""))
    if within is not None:
        statement = statement.join(Unit, Unit.id == Official.unit_id).where(Unit.path.startswith(within.path))
    return [(user_id, unit_id) for user_id, unit_id, position in db.session.execute(statement)
            if is_head(position, titles)]
