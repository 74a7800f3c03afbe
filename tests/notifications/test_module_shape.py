"""The app's modules import one another one way only: no cycles, the services' modules in
the order their package's docstring gives, and nothing below the views imports a view."""

import re

import notifications
import notifications.services
from tests.module_graph import app_imports, cycles

# The one way back: a service names the Celery task that calls it, inside the function
# that enqueues it (the tasks module imports the services at load).
TASKS = frozenset({"notifications.tasks"})


def test_no_module_of_the_app_imports_itself_back():
    assert cycles(app_imports(notifications, deferred=TASKS)) == []


def test_the_services_modules_import_one_another_in_the_documented_order():
    stated = re.search(r"bottom up, never back: ([^(.]+)", notifications.services.__doc__)
    order = [f"notifications.services.{name.strip()}" for name in stated[1].split(",")]
    graph = app_imports(notifications)
    assert sorted(order) == sorted(n for n in graph if n.startswith("notifications.services."))
    for position, name in enumerate(order):
        later = [module for module in graph[name] if module in order[position:]]
        assert later == [], name


def test_services_and_selectors_import_no_view():
    graph = app_imports(notifications)
    for name, imported in graph.items():
        if name.startswith(("notifications.services", "notifications.selectors")):
            assert not any(module.startswith("notifications.views") for module in imported), name
