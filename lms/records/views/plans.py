"""Training plans and the provincial report (page and XLSX): admins and unit managers of a province."""
from __future__ import annotations

import io
from functools import wraps

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.core.db import db
from lms.core.i18n import locale_code
from lms.core.models import Unit
from lms.core.views.transaction import commits, flash_domain_errors
from lms.core.vocab import CONTENT_AREAS, area_label
from lms.records import exports, plans
from lms.records.access import may_manage, may_report
from lms.records.dates import local_today, parse_year
from lms.records.forms import PlanForm
from lms.records.labels import LEVEL_LABELS
from lms.records.models import TrainingPlan
from lms.records.report import provincial_report
from lms.records.views import bp
from lms.records.views.dashboard import chosen_unit, starting_units


def reporters_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may_report(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _plannable_units(root: Unit | None) -> list[Unit]:
    """Units a plan may be made for: current units the user manages (below `root` when given)."""
    statement = select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path)
    units = [u for u in db.session.scalars(statement) if may_manage(current_user, u)]
    return [u for u in units if root is None or u.path.startswith(root.path)]


@bp.get("/plans")
@reporters_only
def plans_index():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    root = chosen_unit()
    if root is None:
        return render_template("records/dashboard_choose.html", units=starting_units(current_user), year=year,
                               endpoint="records.plans_index")
    subtree = select(Unit.id).where(Unit.path.startswith(root.path))
    return render_template("records/plans.html", root=root, year=year, plans=sorted(
        plans.plans_for(year, subtree), key=lambda p: p.unit.path), areas=CONTENT_AREAS, area_label=area_label,
        years=list(range(today.year + 1, today.year - 5, -1)))


@bp.route("/plans/edit", methods=["GET", "POST"])
@reporters_only
@commits
def edit_plan():
    today = local_today()
    form = PlanForm()
    root = chosen_unit()
    choices = _plannable_units(root)
    form.unit_id.choices = [(u.id, f"{'· ' * (u.path.count('/') - 2)}{u.name(locale_code())} ({u.code})")
                            for u in choices]
    if request.method == "GET":
        form.year.data = parse_year(request.args.get("year"), today.year)
        unit_arg = request.args.get("plan_unit", "")
        form.unit_id.data = int(unit_arg) if unit_arg.isdigit() else (choices[0].id if choices else 0)
        existing = db.session.scalar(select(TrainingPlan).where(TrainingPlan.year == form.year.data,
                                                                TrainingPlan.unit_id == form.unit_id.data))
        if existing is not None:
            form.note.data = existing.note
            for target in existing.targets:
                form[f"classes_{target.content_area}"].data = target.classes
                form[f"trainees_{target.content_area}"].data = target.trainees
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data or 0)
        if unit is None or not may_manage(current_user, unit):
            abort(403)
        data = plans.PlanInput(year=form.year.data, unit_id=unit.id, note=form.note.data or "",
                               targets={area: (classes.data or 0, trainees.data or 0)
                                        for area, classes, trainees in form.area_fields()})
        with flash_domain_errors():
            plans.save_plan(data, actor_id=current_user.id)
            flash(_("The plan of %(unit)s for %(year)s is saved.", unit=unit.name(locale_code()), year=data.year),
                  "success")
            return redirect(url_for("records.plans_index", unit=root.id if root else None, year=data.year))
    return render_template("records/plan_edit.html", form=form, root=root, area_label=area_label)


@bp.post("/plans/<int:plan_id>/delete")
@reporters_only
@commits
def delete_plan(plan_id: int):
    plan = db.session.get(TrainingPlan, plan_id) or abort(404)
    if not may_manage(current_user, plan.unit):
        abort(404)
    year = plan.year
    plans.delete_plan(plan, actor_id=current_user.id)
    flash(_("The plan was deleted."), "success")
    return redirect(url_for("records.plans_index", unit=request.args.get("unit"), year=year))


@bp.get("/report")
@reporters_only
def report():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    root = chosen_unit()
    if root is None:
        return render_template("records/dashboard_choose.html", units=starting_units(current_user), year=year,
                               endpoint="records.report")
    data = provincial_report(root, year)
    certificate_rows = [(area_label(area, locale_code()), f.certificates) for area, f in data.areas.items()]
    return render_template("records/report.html", report=data, year=year, level_labels=LEVEL_LABELS,
                           certificate_rows=certificate_rows,
                           area_label=area_label, years=list(range(today.year, today.year - 6, -1)))


@bp.get("/report.xlsx")
@reporters_only
def report_xlsx():
    today = local_today()
    year = parse_year(request.args.get("year"), today.year)
    root = chosen_unit() or abort(404)
    data = exports.report_xlsx(provincial_report(root, year), LEVEL_LABELS)
    return send_file(io.BytesIO(data), mimetype=exports.XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"report-{root.code}-{year}.xlsx")
