"""Playwright journeys: Debian's chromium against pytest-django's live server.

Screenshots of failing journeys land in test-results/ (gitignored) as test artifacts.
"""

from pathlib import Path

import pytest

from tests.conftest import require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def pytest_configure(config):
    # A journey that fails leaves a picture of where it stopped (pytest-playwright's default is off).
    if config.getoption("--screenshot") == "off":
        config.option.screenshot = "only-on-failure"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the journeys after every other test (after pytest-django's own ordering).

    From the first journey on, Playwright's loop and the setting that tolerates it (see
    the `playwright` fixture below) stay for the rest of the session; no other test may
    run under them: the subprocesses of tests/config would inherit that setting.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium: Playwright's own browser download cannot work here.

    The tests do not install it: `make browser` does (and `make test` runs it first).
    Missing, the journeys fail on CI and are skipped on a laptop, saying what to run.
    """
    require_service(
        "Debian's chromium",
        CHROMIUM.exists(),
        f"{CHROMIUM} is missing: run `make browser` as root "
        "(or apt-get install chromium), then the tests again",
    )
    return {
        "headless": True,  # unless --headed asked otherwise
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def playwright(playwright):
    """Allow Django's sync ORM on the test thread while Playwright runs.

    Playwright's sync API keeps an asyncio loop marked as running on this thread from
    its start to the end of the session, and Django refuses sync database calls while a
    loop runs there. The live server answers on its own thread, without a loop.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/") opens the live server (and brings the transactional database along)."""
    return live_server.url


@pytest.fixture
def context(context):
    # A page that is not there in 10 s is broken; no need to wait Playwright's default 30.
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Pinned, so LocaleMiddleware negotiates English whatever the machine's locale is.
    return {**browser_context_args, "locale": "en-US", "timezone_id": "UTC"}
