"""The unit manager's dashboard: province > unit > official, who is behind, and its export."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.core.db import db
from lms.core.i18n import locale_code
from lms.core.models import Role, Unit
from lms.core.permissions import roles_required
from lms.core.views.transaction import commits
from lms.core.vocab import CONTENT_AREAS, area_label
from lms.records import dashboard as dash
from lms.records import exports, jobs
from lms.records.access import may_manage, top_managed_units
from lms.records.dates import local_today, parse_year
from lms.records.labels import LEVEL_LABELS
from lms.records.models import Requirement
from lms.records.requirements import STATE_LABELS, active_requirements
from lms.records.views import bp


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def starting_units(user) -> list[Unit]:
    """Where a user's dashboard starts: the units they manage (admins: the top units)."""
    return top_managed_units(user)


def chosen_unit() -> Unit | None:
    """The unit in ?unit=, if the user may see it; else their only starting unit; else None (chooser)."""
    raw = request.args.get("unit", "")
    if raw.isdigit():
        unit = db.session.get(Unit, int(raw))
        if unit is None or not may_manage(current_user, unit):
            abort(404)
        return unit
    starts = starting_units(current_user)
    return starts[0] if len(starts) == 1 else None


def breadcrumb(unit: Unit) -> list[tuple[Unit, bool]]:
    """The unit's ancestors and itself, each with whether the user may open it."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [(units[i], may_manage(current_user, units[i])) for i in ids if i in units]


@bp.get("/dashboard")
@roles_required(Role.unit_manager)
def dashboard():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    unit = chosen_unit()
    if unit is None:
        return render_template("records/dashboard_choose.html", units=starting_units(current_user), year=year)
    data = dash.unit_dashboard(unit, year, today)
    officials_page = dash.paginate_rows(dash.officials_in_unit(unit, year, today, data.requirements), _page_number())
    locale = locale_code()
    return render_template(
        "records/dashboard.html", data=data, year=year, years=list(range(today.year, today.year - 6, -1)),
        crumbs=breadcrumb(unit), officials=dash.rows_of(officials_page.rows, data.requirements),
        officials_page=officials_page, areas=CONTENT_AREAS, area_label=area_label, state_labels=STATE_LABELS,
        level_labels=LEVEL_LABELS,
        area_rows=[(area_label(a, locale), data.whole.areas[a]) for a in CONTENT_AREAS],
        share_rows=[(r.name(locale), round(data.whole.requirements[r.id].share_met or 0)) for r in data.requirements])


def _requirement_for(year: int) -> tuple[Requirement, list[Requirement]]:
    requirements = active_requirements(year)
    raw = request.args.get("requirement", "")
    chosen = next((r for r in requirements if str(r.id) == raw), None)
    if chosen is None:
        if raw or not requirements:
            abort(404)
        chosen = requirements[0]
    return chosen, requirements


@bp.get("/dashboard/behind")
@roles_required(Role.unit_manager)
def behind():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    unit = chosen_unit() or abort(404)
    requirement, requirements = _requirement_for(year)
    include_on_track = request.args.get("all") == "1"
    page = dash.paginate_rows(dash.behind_query(unit, year, requirement, today, include_on_track=include_on_track),
                              _page_number())
    return render_template("records/behind.html", unit=unit, year=year, requirement=requirement,
                           requirements=requirements, page=page, rows=dash.rows_of(page.rows),
                           include_on_track=include_on_track, state_labels=STATE_LABELS,
                           years=list(range(today.year, today.year - 6, -1)), crumbs=breadcrumb(unit))


@bp.get("/dashboard/behind.xlsx")
@roles_required(Role.unit_manager)
def behind_xlsx():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    unit = chosen_unit() or abort(404)
    requirement, _ = _requirement_for(year)
    include_on_track = request.args.get("all") == "1"
    result = db.session.execute(dash.behind_query(unit, year, requirement, today, include_on_track=include_on_track))
    data = exports.behind_xlsx(unit, year, requirement, dash.rows_of(result))
    return send_file(io.BytesIO(data), mimetype=exports.XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"behind-{unit.code}-{year}-{requirement.id}.xlsx")


@bp.post("/dashboard/behind/remind")
@roles_required(Role.unit_manager)
@commits
def remind():
    """Remind everyone behind (with an account); a second click in the same week reminds nobody twice."""
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    unit = chosen_unit() or abort(404)
    requirement, _requirements = _requirement_for(year)
    reminded, behind_count = jobs.remind_behind(unit, year, requirement, today)
    flash(_("%(reminded)s of the %(behind)s officials behind were reminded (those without an account, or already "
            "reminded this week, were not).", reminded=reminded, behind=behind_count), "success")
    return redirect(url_for("records.behind", unit=unit.id, year=year, requirement=requirement.id))
