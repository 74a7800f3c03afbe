"""The app's modules import one another one way only: no cycles, and nothing below the
views imports a view."""

import ast
from pathlib import Path

import escalation

APP = Path(escalation.__file__).parent


def _imports() -> dict[str, set[str]]:
    """Each module of the app → the modules of the app it imports (function-level too)."""
    modules = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("escalation"):
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    graph[name].add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
        graph[name] -= {name, "escalation"}
    return graph


def _reaches(graph, start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


def test_no_module_of_the_app_imports_itself_back():
    graph = _imports()
    cycles = sorted(name for name in graph if _reaches(graph, name, name))
    assert cycles == []


def test_services_and_selectors_import_no_view():
    graph = _imports()
    for name, imported in graph.items():
        if name.startswith(("escalation.services", "escalation.selectors")):
            assert not any(module.startswith("escalation.views") for module in imported), name
