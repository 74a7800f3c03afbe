"""With DEBUG off, pages work before collectstatic has run, and link hashed files after it.

Production settings (DJANGO_DEBUG=0) use config.staticfiles.ManifestStaticFilesStorage;
the suite itself runs on the plain storage (tests/conftest.py), so these tests put the
production one back, over an empty STATIC_ROOT of their own.
"""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import settings_from_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(settings, tmp_path):
    """The static files settings of DJANGO_DEBUG=0, collecting into an empty folder."""
    deployed = settings_from_environment(DJANGO_DEBUG="0")
    settings.STORAGES = deployed["STORAGES"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.WHITENOISE_AUTOREFRESH = True
    return settings


def test_without_collectstatic_a_page_links_the_plain_file_instead_of_failing(
    production_static, caplog
):
    client = Client(raise_request_exception=False)

    page = client.get("/")
    stylesheet = client.get("/static/css/site.css")

    assert page.status_code == 200
    assert 'href="/static/css/site.css"' in page.text
    assert stylesheet.status_code == 200
    assert "css/site.css has no hashed copy" in caplog.text
    assert "collectstatic" in caplog.text


def test_after_collectstatic_a_page_links_the_hashed_file(production_static):
    call_command("collectstatic", interactive=False, verbosity=0)

    page = Client().get("/")

    assert page.status_code == 200
    assert 'href="/static/css/site.css"' not in page.text
    assert 'href="/static/css/site.' in page.text


def test_after_collectstatic_serving_starts_without_warnings(production_static, caplog):
    """whitenoise asks the storage after names it makes up (is `echarts.min.js` the hashed
    copy of `echarts.js`?): a file that does not exist is its answer, not a warning that
    collectstatic was not run."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    call_command("collectstatic", interactive=False, verbosity=0)
    production_static.WHITENOISE_AUTOREFRESH = False  # as deployed: files read at start

    WhiteNoiseMiddleware(lambda request: None)

    assert "no hashed copy" not in caplog.text
