"""An app's import graph, read from its source: which of its modules import which."""

import ast
from pathlib import Path


def app_imports(app, *, deferred: frozenset[str] = frozenset()) -> dict[str, set[str]]:
    """Each module of the app (a package) → the modules of the app it imports, function-level
    imports too, except function-level imports of the modules named in `deferred`."""
    root = Path(app.__file__).parent
    prefix = app.__name__
    modules = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        top_level = {id(node) for node in tree.body}
        graph[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(prefix):
                targets = set()
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    targets.add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                targets = {a.name for a in node.names if a.name in modules}
            else:
                continue
            if id(node) not in top_level:
                targets -= deferred
            graph[name] |= targets
        graph[name] -= {name, prefix}
    return graph


def reaches(graph, start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


def cycles(graph) -> list[str]:
    """The modules that import themselves back, directly or through others."""
    return sorted(name for name in graph if reaches(graph, name, name))
