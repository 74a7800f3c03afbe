"""The client's address, which every per-address limit counts: one rule, read from settings.

Directly on the internet it is REMOTE_ADDR and forwarded headers are ignored; behind our
TLS proxy (DJANGO_BEHIND_PROXY=1) it is what the proxy passes on, never what the client wrote.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from accounts.adapter import AccountAdapter
from config.ratelimit import client_ip
from tests.conftest import PROXY_ADDRESS, settings_from_environment, through_proxy

PROXY_OFF = {
    "DJANGO_BEHIND_PROXY": "",
    "DJANGO_TRUSTED_PROXY_COUNT": "",
    "DJANGO_CLIENT_IP_HEADER": "",
}


def request(**meta):
    return RequestFactory().get("/", **meta)


def client_settings(**environ) -> tuple:
    deployed = settings_from_environment(**{**PROXY_OFF, **environ})
    return deployed["ALLAUTH_TRUSTED_PROXY_COUNT"], deployed["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"]


def test_without_a_proxy_no_forwarded_header_is_trusted():
    assert client_settings() == (0, None)


def test_behind_a_proxy_one_proxy_is_trusted_by_default():
    assert client_settings(DJANGO_BEHIND_PROXY="1") == (1, None)


def test_the_proxy_count_and_a_client_address_header_can_be_set():
    assert client_settings(DJANGO_BEHIND_PROXY="1", DJANGO_TRUSTED_PROXY_COUNT="2") == (2, None)
    assert client_settings(DJANGO_BEHIND_PROXY="1", DJANGO_CLIENT_IP_HEADER="X-Real-IP") == (
        1,
        "X-Real-IP",
    )


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"DJANGO_TRUSTED_PROXY_COUNT": "1"}, "need DJANGO_BEHIND_PROXY=1"),
        ({"DJANGO_CLIENT_IP_HEADER": "X-Real-IP"}, "need DJANGO_BEHIND_PROXY=1"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXY_COUNT": "0"}, "1 to 10"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXY_COUNT": "-1"}, "1 to 10"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_TRUSTED_PROXY_COUNT": "one"}, "whole number"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_CLIENT_IP_HEADER": "X Real IP"}, "header name"),
        ({"DJANGO_BEHIND_PROXY": "1", "DJANGO_CLIENT_IP_HEADER": "X-Forwarded-For"}, "clients add"),
    ],
)
def test_a_client_address_setting_that_makes_no_sense_stops_the_start(environ, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        client_settings(**environ)


def test_without_a_proxy_the_address_is_the_connections_and_forwarded_headers_are_ignored(
    settings,
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None

    forged = request(
        REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1", HTTP_X_REAL_IP="192.0.2.2"
    )

    assert client_ip(forged) == "203.0.113.9"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(behind_proxy):
    assert client_ip(request(**through_proxy("203.0.113.9"))) == "203.0.113.9"
    forged = request(**through_proxy("203.0.113.9", forged="192.0.2.1, 192.0.2.2"))
    assert client_ip(forged) == "203.0.113.9"


def test_behind_two_proxies_the_address_is_second_from_the_right(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
    forwarded = "192.0.2.1, 203.0.113.9, 10.0.0.7"  # forged, the client, the outer proxy

    assert client_ip(request(REMOTE_ADDR=PROXY_ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)) == (
        "203.0.113.9"
    )


def test_a_client_address_header_wins_over_forwarded_for(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "CF-Connecting-IP"

    sent = request(
        REMOTE_ADDR=PROXY_ADDRESS,
        HTTP_X_FORWARDED_FOR="192.0.2.1",
        HTTP_CF_CONNECTING_IP="2001:db8::5",
    )

    assert client_ip(sent) == "2001:db8::5"


@pytest.mark.parametrize(
    "forwarded",
    ["", "not an address", "203.0.113.9\x00", "1" * 10_000, "999.1.1.1", ",", "203.0.113.9, "],
)
def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_proxy_not_an_error(
    behind_proxy, forwarded
):
    assert client_ip(request(REMOTE_ADDR=PROXY_ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)) == (
        PROXY_ADDRESS
    )


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::5]:443", "2001:db8::5"),
        (" 2001:DB8::5 ", "2001:db8::5"),
    ],
)
def test_a_forwarded_address_loses_its_port_and_is_normalised(behind_proxy, forwarded, address):
    assert client_ip(request(REMOTE_ADDR=PROXY_ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)) == address


def test_allauth_counts_the_same_address(behind_proxy):
    sent = request(**through_proxy("203.0.113.9", forged="192.0.2.1"))

    assert AccountAdapter().get_client_ip(sent) == client_ip(sent) == "203.0.113.9"


def test_the_projects_own_per_address_limits_count_each_client_apart(behind_proxy):
    def used(address: str, *, forged: str = "") -> int:
        usage = get_usage(
            request(**through_proxy(address, forged=forged)),
            group="test:per-address",
            key="ip",
            rate="5/m",
            increment=True,
        )
        return usage["count"]

    assert [used("203.0.113.9", forged=f"192.0.2.{n}") for n in range(3)] == [1, 2, 3]
    assert used("198.51.100.7") == 1
