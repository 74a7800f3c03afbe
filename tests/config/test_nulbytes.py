"""A NUL byte anywhere in a request is refused with a clear 400 before any query runs.

PostgreSQL cannot compare text with a NUL in it: `/u/%00/`, `/ask/?category=%00` and the
admin's list filters answered 500 (DataError) there before the middleware.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.models import Thread
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

MESSAGE = "It contained a NUL character (a zero byte), which no page of this site accepts."


@pytest.mark.parametrize(
    "path",
    [
        "/u/%00/",
        "/u/member%00/",
        "/ask/?category=%00",
        "/search/?q=usdt%00",
        "/search/?q%00=usdt",
        "/t/1/slug%00/",
    ],
)
def test_a_nul_in_the_path_or_the_query_is_a_400_that_says_why(member, path):
    response = client_for(member).get(path)

    assert response.status_code == 400
    assert MESSAGE in response.text


def test_a_nul_in_an_admin_list_filter_is_a_400(admin_user):
    response = client_for(admin_user).get("/admin/accounts/user/?username__exact=%00")

    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_a_400_and_saves_nothing(member):
    response = client_for(member).post(
        "/ask/", {"title": "USDT on TRON pending\x00", "body": "Pending for two hours.\x00 Help"}
    )

    assert response.status_code == 400
    assert MESSAGE in response.text
    assert not Thread.objects.exists()


def test_the_page_speaks_the_visitors_language(client):
    response = client.get("/u/%00/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "空字符" in response.text


def test_a_session_cookie_with_a_nul_is_ignored(client, member):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    response = client.get("/")

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["%2500", "\\0", "null", "％００", "零"])
def test_text_that_only_looks_like_a_nul_is_searched_as_usual(client, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200


@given(
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    where=st.sampled_from(["path", "query-value", "query-name", "form"]),
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_only_a_nul_is_refused_wherever_it_is(client, text, where):
    if where == "path":
        response = client.get(f"/u/{quote(text or 'x', safe='')}/")
    elif where == "query-value":
        response = client.get("/search/", {"q": text})
    elif where == "query-name":
        response = client.get(f"/search/?{quote(text or 'x', safe='')}=usdt")
    else:
        response = client.post("/ask/preview/", {"body": text})

    assert (response.status_code == 400) == ("\x00" in text)
