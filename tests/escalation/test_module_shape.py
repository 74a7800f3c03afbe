"""The app's modules import one another one way only: no cycles, and nothing below the
views imports a view."""

import escalation
from tests.module_graph import app_imports, cycles


def test_no_module_of_the_app_imports_itself_back():
    assert cycles(app_imports(escalation)) == []


def test_services_and_selectors_import_no_view():
    graph = app_imports(escalation)
    for name, imported in graph.items():
        if name.startswith(("escalation.services", "escalation.selectors")):
            assert not any(module.startswith("escalation.views") for module in imported), name
