"""`lms records ...`: check that the kept totals match the ledger, and rebuild them."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.core.cli_output import emit
from lms.core.db import db
from lms.records import ledger


@click.group("records", help="The training record: credits, totals, requirements.")
def records_group():
    pass


@records_group.command("check", help="Recount the ledger and compare it with the kept totals.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def check(as_json: bool):
    differences = ledger.total_differences()
    lines = ["The kept totals match a recount of the ledger."] if not differences else (
        [f"{len(differences)} differences between the kept totals and a recount (first ones):"]
        + [f"  {d}" for d in differences[:20]] + ["Run `lms records rebuild-totals` to repair them."])
    emit({"ok": not differences, "differences": differences}, as_json, lines, ok=not differences)


@records_group.command("rebuild-totals", help="Recompute the kept totals from the ledger (set-based).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def rebuild(as_json: bool):
    ledger.rebuild_totals()
    db.session.commit()
    differences = ledger.total_differences()
    emit({"ok": not differences, "differences": differences}, as_json,
         ["Totals rebuilt from the ledger." if not differences else "Totals still differ after the rebuild."],
         ok=not differences)
