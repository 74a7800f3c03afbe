"""The layers hold (README, "The apps"): safety imports no other app of ours, and accounts
does not import the forum. Read from the source, imports inside functions included."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS_ABOVE = {
    "safety": {"notifications", "accounts", "forum", "escalation", "demo", "bench"},
    "accounts": {"forum", "escalation", "demo", "bench"},
}


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(APPS_ABOVE))
def test_an_app_imports_nothing_from_the_apps_above_it(app):
    crossings = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & APPS_ABOVE[app])
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: apps for path, apps in crossings.items() if apps} == {}
