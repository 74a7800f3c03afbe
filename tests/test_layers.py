"""The import contract between the apps (DESIGN.md, "Apps and boundaries").

Read from the source with Python's ast, not by importing anything: every `import` and
`from … import` in an app's modules (inside functions and migrations too) is an edge
from that app to another. The rules:

- an app imports only from layers below its own (LAYERS, top to bottom); so no two apps
  of one layer import each other;
- `forum` and `safety` import nothing of `escalation` (the forum works on its own);
- no app imports `bench` (benchmarks and data generators; `bench/devtools`, the
  developer-only app that wraps seed_scale, lives there and is no app of the product);
- no import cycle between apps.

An app listed in LAYERS that does not exist yet (safety, help, analytics) is simply
checked once it appears; a new app that LAYERS does not place fails until it is placed.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom; an app imports only from the layers below its own.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("demo", "analytics"),
    ("escalation", "help"),
    ("forum",),
    ("accounts",),
    ("notifications",),
    ("safety",),
    ("config",),
)
# Folders of the repository that hold no app of the product.
NOT_APPS = {"tests", "bench", "locale", "static", "templates", "var"}
NOBODY_IMPORTS = ("bench",)
KNOWS_NOTHING_OF = {"forum": "escalation", "safety": "escalation"}


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, "accounts.views"
    imported: str  # the module imported, "forum.errors"
    where: str  # "accounts/views.py:13"

    @property
    def from_app(self) -> str:
        return self.importer.split(".")[0]

    @property
    def to_app(self) -> str:
        return self.imported.split(".")[0]


def layer_of(app: str) -> int | None:
    for rank, layer in enumerate(LAYERS):
        if app in layer:
            return rank
    return None


def app_packages(root: Path) -> list[str]:
    """The apps in the tree: the top-level packages with an apps.py, and those LAYERS names."""
    known = {app for layer in LAYERS for app in layer}
    return sorted(
        folder.name
        for folder in root.iterdir()
        if folder.is_dir()
        and folder.name not in NOT_APPS
        and (folder / "__init__.py").exists()
        and (folder.name in known or (folder / "apps.py").exists())
    )


def imports_between_packages(root: Path, apps: list[str]) -> list[Import]:
    """Every import in an app's modules of another top-level package of the tree."""
    packages = {folder.name for folder in root.iterdir() if (folder / "__init__.py").exists()}
    found = []
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(
                ".__init__"
            )
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                for imported in _names(node, root):
                    if imported.split(".")[0] in packages - {app}:
                        where = f"{path.relative_to(root)}:{node.lineno}"
                        found.append(Import(module, imported, where))
    return found


def _names(node, root: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        # `from forum import sanctions` imports the module forum.sanctions.
        names = []
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            path = root.joinpath(*full.split("."))
            is_module = path.with_suffix(".py").exists() or (path / "__init__.py").exists()
            names.append(full if is_module else node.module)
        return names
    return []  # relative imports stay inside their app


def violations(root: Path, *, allowed=frozenset()) -> list[str]:
    """What breaks the contract in the tree at `root`, in words; [] when nothing does."""
    apps = app_packages(root)
    problems = [
        f"{app} is an app that LAYERS (tests/test_layers.py) does not place: add it to the "
        "layer DESIGN.md gives it"
        for app in apps
        if layer_of(app) is None
    ]
    edges: dict[str, set[str]] = {app: set() for app in apps}
    for found in imports_between_packages(root, apps):
        if (found.importer, found.imported) in allowed:
            continue
        source, target = found.from_app, found.to_app
        says = f"{found.importer} imports {found.imported} ({found.where})"
        if target in NOBODY_IMPORTS:
            problems.append(f"{says}: no app imports {target}")
            continue
        if KNOWS_NOTHING_OF.get(source) == target:
            problems.append(f"{says}: {source} knows nothing of {target}")
        if target in edges:
            edges[source].add(target)
            source_layer, target_layer = layer_of(source), layer_of(target)
            if None not in (source_layer, target_layer) and target_layer <= source_layer:
                relation = "the same layer as" if target_layer == source_layer else "above"
                problems.append(f"{says}: {target} is {relation} {source}")
    problems.extend(f"import cycle between apps: {' → '.join(cycle)}" for cycle in _cycles(edges))
    return problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each app that lies on one, as a path back to where it starts."""
    cycles, reported = [], set()
    for start in sorted(edges):
        path = _path_back(edges, start)
        if path and not reported & set(path):
            reported |= set(path)
            cycles.append(path)
    return cycles


def _path_back(edges, start: str) -> list[str] | None:
    stack, seen = [(start, [start])], set()
    while stack:
        app, path = stack.pop()
        for target in sorted(edges.get(app, ())):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


# --- The contract, on this repository ------------------------------------------------


def test_the_apps_import_only_downwards_without_cycles_or_bench():
    assert violations(ROOT) == []


# --- The checker, on a tiny tree -------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for app in ("config", "notifications", "accounts", "forum", "escalation"):
        files.setdefault(f"{app}/__init__.py", "")
        files.setdefault(f"{app}/apps.py", "from django.apps import AppConfig\n")
    files.setdefault("bench/__init__.py", "")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_tree_that_imports_downwards_passes(tmp_path):
    root = _tree(
        tmp_path,
        {
            "forum/views.py": "from accounts.models import User\nimport config.keyset\n",
            "escalation/services.py": "from forum import views\nfrom . import models\n",
            "notifications/services.py": "from django.conf import settings\n",
            "bench/scale.py": "from forum import views\n",  # bench may import the apps
        },
    )

    assert violations(root) == []


def test_a_lower_app_importing_a_higher_one_fails(tmp_path):
    root = _tree(tmp_path, {"notifications/services.py": "from accounts.models import User\n"})

    assert violations(root) == [
        "notifications.services imports accounts.models (notifications/services.py:1): "
        "accounts is above notifications"
    ]


def test_the_forum_importing_escalation_fails_even_inside_a_function(tmp_path):
    root = _tree(tmp_path, {"forum/views.py": "def page():\n    from escalation import models\n"})

    assert violations(root) == [
        "forum.views imports escalation (forum/views.py:2): forum knows nothing of escalation",
        "forum.views imports escalation (forum/views.py:2): escalation is above forum",
    ]


def test_an_app_importing_bench_fails(tmp_path):
    root = _tree(tmp_path, {"forum/scale.py": "import bench.scale\n", "bench/scale.py": "X = 1\n"})

    assert violations(root) == [
        "forum.scale imports bench.scale (forum/scale.py:1): no app imports bench"
    ]


def test_a_cycle_between_apps_fails(tmp_path):
    root = _tree(
        tmp_path,
        {
            "demo/__init__.py": "",
            "analytics/__init__.py": "",
            "demo/seed.py": "from analytics import rollups\n",
            "analytics/rollups.py": "import demo.seed\n",
        },
    )

    problems = violations(root)

    assert "import cycle between apps: analytics → demo → analytics" in problems
    assert (
        "demo.seed imports analytics.rollups (demo/seed.py:1): analytics is the same layer as demo"
        in problems
    )


def test_an_app_that_layers_do_not_place_fails(tmp_path):
    root = _tree(tmp_path, {"payments/__init__.py": "", "payments/apps.py": ""})

    assert violations(root) == [
        "payments is an app that LAYERS (tests/test_layers.py) does not place: add it to the "
        "layer DESIGN.md gives it"
    ]


def test_an_allowed_import_passes_and_only_that_one(tmp_path):
    root = _tree(
        tmp_path,
        {
            "accounts/forms.py": "from forum.forms import RefusesSecrets\n",
            "accounts/views.py": "from forum.errors import ForumError\n",
        },
    )

    assert violations(root, allowed={("accounts.forms", "forum.forms")}) == [
        "accounts.views imports forum.errors (accounts/views.py:1): forum is above accounts"
    ]
