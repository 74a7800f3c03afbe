"""Pathological bodies cost bounded work: hosts as DNS bounds them, a markdown budget.

These tests count work (labels, parents, hosts judged, parser steps), never time: the
time each worst body takes is measured by bench/abuse.py.
"""

import pytest

from forum import hosts, links
from forum.errors import NotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_HOST_BODY = "See " + "a." * 24000 + "com"


@pytest.fixture(autouse=True)
def _domain_lists(settings):
    settings.OFFICIAL_DOMAINS = ["tpwallet.com"]
    settings.BLOCKED_DOMAINS = ["evil.io"]


@pytest.fixture
def author(db):
    return UserFactory(username="writer", reputation=500)


# --- Hosts ---------------------------------------------------------------------------


def test_a_host_longer_than_dns_allows_is_read_as_its_last_253_characters():
    host = hosts.host_of("https://" + "a." * 24000 + "com")

    assert len(host) <= hosts.MAX_HOST_LENGTH
    assert host.endswith(".a.com")
    assert all(len(label) <= hosts.MAX_LABEL_LENGTH for label in host.split("."))


def test_a_label_longer_than_63_characters_ends_the_host_there():
    assert hosts.host_of("https://" + "x" * 64 + ".evil.io/") == "evil.io"
    assert hosts.host_of("https://" + "x" * 300) is None


def test_judging_a_named_48_kb_host_looks_up_a_bounded_number_of_parents():
    found = links._named_hosts(LONG_HOST_BODY, limit=links.MAX_HOSTS)

    assert len(found) == 1
    assert len(list(hosts.parents(found[0]))) <= hosts.MAX_LABELS


def test_padding_a_blocked_host_does_not_get_it_past_the_block(author):
    for body in (
        "Go to " + "a." * 24000 + "evil.io for the fix, it works.",
        "Go to https://" + "a." * 300 + "evil.io/fix for the fix, it works.",
        "Go to " + "x" * 70 + ".evil.io for the fix, it works.",
    ):
        with pytest.raises(NotAllowed, match=r"evil\.io"):
            links.check_body(author=author, body=body)


def test_padding_a_look_alike_does_not_get_it_past_the_rule(db):
    newcomer = UserFactory(username="newbie")
    body = "Official help: " + "a." * 24000 + "tpwallet-support.com ask them."

    with pytest.raises(NotAllowed, match="not our official site"):
        links.check_body(author=newcomer, body=body)


def test_a_body_naming_too_many_sites_is_refused_after_judging_a_bounded_number(author):
    body = " ".join(f"x{n}.com" for n in range(7000))

    assert len(links._named_hosts(body, limit=links.MAX_HOSTS)) == links.MAX_HOSTS + 1
    with pytest.raises(NotAllowed, match="more than 100 different web sites"):
        links.check_body(author=author, body=body)


def test_a_blocked_site_after_a_hundred_harmless_ones_is_not_let_through(author):
    body = " ".join(f"x{n}.com" for n in range(150)) + " evil.io"

    with pytest.raises(NotAllowed):
        links.check_body(author=author, body=body)
