"""Every app's modules import one another one way only: no cycles, the modules of a
services package in the order its docstring gives, and nothing below the views imports a
view (README, "Where things live")."""

import importlib
import re

import pytest

from tests.module_graph import app_imports, cycles

APPS = ["accounts", "safety", "notifications", "forum", "escalation", "help", "analytics"]
# The one way back: a service names the Celery task that calls it, inside the function
# that enqueues it (the tasks module imports the services at load).
DEFERRED = {"notifications": frozenset({"notifications.tasks"})}
SERVICE_PACKAGES = ["notifications", "forum", "escalation", "help"]


@pytest.mark.parametrize("name", APPS)
def test_no_module_of_the_app_imports_itself_back(name):
    app = importlib.import_module(name)
    assert cycles(app_imports(app, deferred=DEFERRED.get(name, frozenset()))) == []


@pytest.mark.parametrize("name", SERVICE_PACKAGES)
def test_the_services_modules_import_one_another_in_the_documented_order(name):
    services = importlib.import_module(f"{name}.services")
    stated = re.search(r"bottom up, never back: ([^(.]+)", services.__doc__)
    order = [f"{name}.services.{module.strip()}" for module in stated[1].split(",")]
    graph = app_imports(importlib.import_module(name))
    assert sorted(order) == sorted(n for n in graph if n.startswith(f"{name}.services."))
    for position, module in enumerate(order):
        later = [other for other in graph[module] if other in order[position:]]
        assert later == [], module


@pytest.mark.parametrize("name", APPS)
def test_services_and_selectors_import_no_view(name):
    graph = app_imports(importlib.import_module(name))
    for module, imported in graph.items():
        if module.startswith((f"{name}.services", f"{name}.selectors")):
            assert not any(other.startswith(f"{name}.views") for other in imported), module
