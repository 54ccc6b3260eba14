"""One commit point per request: no view commits or rolls back by hand; `@commits` and its helpers do."""
from __future__ import annotations

import ast
from pathlib import Path

LMS = Path(__file__).resolve().parents[2] / "lms"
MECHANISM = "core/views/transaction.py"
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}

# (file under lms/, function) that may still call db.session.commit()/rollback(), each with its reason.
ALLOWED = {
    # The SCORM run-time's commit retries a clash of two saves of one learner at once (the page's last
    # beacon and a fetch); the clash may show only at the database's COMMIT, so it commits inside the loop.
    ("scorm/views/player.py", "commit"),
}


def _is_view_module(tree: ast.Module) -> bool:
    """A module that routes: some function is decorated with `<blueprint>.route/get/post/...(...)`."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr in ROUTE_DECORATORS):
                    return True
    return False


def _hand_written(tree: ast.Module) -> list[tuple[str, str, int]]:
    """(function, commit|rollback, line) for each `<...>.session.commit()` or `.rollback()` call."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in ("commit", "rollback") and isinstance(child.func.value, ast.Attribute)
                    and child.func.value.attr == "session"):
                found.append((function, child.func.attr, child.lineno))
            visit(child, name)

    visit(tree, "<module>")
    return found


def _view_modules():
    for path in sorted(LMS.rglob("*.py")):
        relative = path.relative_to(LMS).as_posix()
        if relative == MECHANISM:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if _is_view_module(tree):
            yield relative, tree


def test_the_rule_sees_the_view_modules():
    names = {relative for relative, _tree in _view_modules()}
    assert {"core/views/org.py", "courses/views/learn.py", "quizzes/views/learner.py",
            "core/notifications/password_views.py", "records/views/outside.py", "records/api.py"} <= names


def test_no_view_commits_or_rolls_back_by_hand():
    offenders = [f"{relative}:{line} {function}() calls session.{verb}()"
                 for relative, tree in _view_modules() for function, verb, line in _hand_written(tree)
                 if (relative, function) not in ALLOWED]
    assert offenders == [], "use @commits, flash_domain_errors() or discard_changes():\n" + "\n".join(offenders)


def test_every_allowed_exception_is_still_needed():
    seen = {(relative, function)
            for relative, tree in _view_modules() for function, _verb, _line in _hand_written(tree)}
    assert ALLOWED - seen == set(), "remove these from ALLOWED"


def test_the_rule_catches_a_hand_written_commit():
    tree = ast.parse("@bp.post('/x')\ndef save():\n    db.session.commit()\n")
    assert _is_view_module(tree)
    assert _hand_written(tree) == [("save", "commit", 3)]
