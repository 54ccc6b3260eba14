"""A school's certificate register: search, filter by year, class and status; export as XLSX."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from lms.certificates.dates import local_today
from lms.certificates.models import Certificate
from lms.certificates.services import lifecycle, setup
from lms.certificates.services.register import RegisterFilter, register_statement, state_of_row, xlsx
from lms.certificates.views import bp
from lms.certificates.vocabulary import STATE_BADGES, STATE_LABELS
from lms.core.db import db
from lms.core.models import Role
from lms.core.permissions import roles_required
from lms.core.views.pagination import paginate
from lms.core.xlsx import XLSX_MIMETYPE


def _filter():
    schools = setup.schools_for(current_user)
    wanted = request.args.get("school", type=int)
    chosen = [s for s in schools if wanted is None or s.id == wanted]
    school_ids = sorted({i for s in chosen for i in lifecycle.schools_answered_by(s)})
    return schools, RegisterFilter(school_ids=school_ids, year=request.args.get("year", type=int),
                                   class_id=request.args.get("class_id", type=int),
                                   state=request.args.get("state", ""), q=request.args.get("q", ""))


@bp.get("/register")
@roles_required(Role.school_admin)
def register():
    schools, f = _filter()
    today = local_today()
    page = paginate(register_statement(f, today))
    years = list(db.session.scalars(select(Certificate.register_year).distinct()
                                    .where(Certificate.school_id.in_(f.school_ids or [0]))
                                    .order_by(Certificate.register_year.desc())))
    classes = db.session.execute(select(Certificate.class_id, Certificate.class_code).distinct()
                                 .where(Certificate.school_id.in_(f.school_ids or [0]),
                                        Certificate.class_id.is_not(None))
                                 .order_by(Certificate.class_code)).all()
    return render_template("certificates/register.html", page=page, f=f, schools=schools, years=years,
                           classes=classes, states={c.id: state_of_row(c, today) for c in page.items},
                           state_labels=STATE_LABELS, state_badges=STATE_BADGES,
                           school=request.args.get("school", type=int))


@bp.get("/register.xlsx")
@roles_required(Role.school_admin)
def register_xlsx():
    _schools, f = _filter()
    today = local_today()
    data = xlsx(register_statement(f, today), today)
    name = f"so-dang-ky-chung-chi-{f.year or 'tat-ca'}.xlsx"
    return data, 200, {"Content-Type": XLSX_MIMETYPE,
                       "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
