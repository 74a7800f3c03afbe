"""seed_scale is a developer command: installed with debug on or HANDOFF_DEV_COMMANDS=1 only."""

import pytest

from tests.conftest import settings_from_environment


@pytest.mark.parametrize(
    ("environment", "installed"),
    [
        ({"DJANGO_DEBUG": "0", "HANDOFF_DEV_COMMANDS": "0"}, False),
        ({"DJANGO_DEBUG": "0", "HANDOFF_DEV_COMMANDS": "1"}, True),
        ({"DJANGO_DEBUG": "1"}, True),
    ],
    ids=["production", "asked-for", "debug"],
)
def test_the_developer_commands_are_installed_only_where_asked_for(
    environment, installed, monkeypatch
):
    monkeypatch.delenv("HANDOFF_DEV_COMMANDS")  # tests.settings sets it for the suite
    deployed = settings_from_environment(**environment)
    assert ("bench.devtools" in deployed["INSTALLED_APPS"]) is installed
