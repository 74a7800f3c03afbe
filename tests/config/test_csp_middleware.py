"""config/csp.py: the policy headers are django-csp's, built once per process."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from config.csp import CSPMiddleware

pytestmark = pytest.mark.django_db


def _through(middleware_class, response, path="/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: response)
    return middleware(request)


def test_a_page_carries_the_policy_django_csp_builds(client):
    page = client.get("/")

    assert page[HEADER] == build_policy()
    assert "script-src 'self'" in page[HEADER]


def test_the_headers_are_those_django_csp_would_set():
    ours = _through(CSPMiddleware, HttpResponse("ok"))
    theirs = _through(DjangoCSPMiddleware, HttpResponse("ok"))

    assert ours[HEADER] == theirs[HEADER]
    assert (HEADER_REPORT_ONLY in ours) == (HEADER_REPORT_ONLY in theirs)


def test_a_response_with_its_own_policy_goes_through_django_csp():
    response = HttpResponse("ok")
    response._csp_update = {"img-src": ["https://example.org"]}

    header = _through(CSPMiddleware, response)[HEADER]

    assert "https://example.org" in header


def test_an_exempt_response_gets_no_header():
    response = HttpResponse("ok")
    response._csp_exempt = True

    assert HEADER not in _through(CSPMiddleware, response)


def test_a_changed_setting_changes_the_header(settings):
    _through(CSPMiddleware, HttpResponse("ok"))  # built and kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert _through(CSPMiddleware, HttpResponse("ok"))[HEADER] == "default-src 'none'"
