"""What commands that import or check things print: one JSON report with --json, else readable lines."""
from __future__ import annotations

import json
import sys

import click


def emit(report: dict, as_json: bool, lines: list[str], ok: bool) -> None:
    """Print the report and exit non-zero when it failed."""
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        for line in lines:
            click.echo(line)
    if not ok:
        sys.exit(1)


def problem_lines(problems: list[dict]) -> list[str]:
    return [f"  line {p['line']}, {p.get('field', '')}: {p['message']}" for p in problems]
