"""Where a link really goes, and the domain lists: what admins may list, what imitates an
official domain (safety.hosts)."""

import pytest
from django.core.exceptions import ValidationError

from safety import hosts
from safety.models import BlockedDomain
from safety.selectors import domain_rules

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _domain_lists(settings):
    settings.OFFICIAL_DOMAINS = ["tpwallet.com", "tokenpocket.pro"]
    settings.BLOCKED_DOMAINS = ["evil.io"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Evil.IO", "evil.io"),
        ("https://Phish.example/login?x=1", "phish.example"),
        ("*.phish.example", "phish.example"),
        ("例子.中国", "xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_admins_may_type_a_domain_as_they_find_it(typed, stored):
    assert BlockedDomain.objects.create(domain=typed).domain == stored


@pytest.mark.parametrize("typed", ["co.uk", "com", "github.io", "not a domain", "localhost", ""])
def test_public_suffixes_and_non_domains_cannot_be_listed(typed):
    with pytest.raises(ValidationError):
        BlockedDomain(domain=typed).full_clean()


# --- Look-alikes of official domains ---------------------------------------------------

LOOKALIKES = [
    ("tpwallet-support.com", "tpwallet.com"),  # an extra word
    ("tpwa11et.com", "tpwallet.com"),  # digits for letters
    ("tpwallet.com.evil.example", "tpwallet.com"),  # the real name as a subdomain
    ("xn--tpwllet-4fg.com", "tpwallet.com"),  # punycode of a Cyrillic а
    ("tpwаllet.net", "tpwallet.com"),  # the same, typed in Unicode
    ("tpvvallet.com", "tpwallet.com"),  # vv for w
    ("tp-wallet.app", "tpwallet.com"),  # a hyphen
    ("tpwalet.com", "tpwallet.com"),  # one letter missing
    ("tpwallett.com", "tpwallet.com"),  # one letter too many
    ("tpwlalet.com", "tpwallet.com"),  # two letters swapped
    ("tpwallet.co.uk", "tpwallet.com"),  # another suffix
    ("login-tokenpocket.pro.example", "tokenpocket.pro"),
    ("tokenpocket-airdrop.xyz", "tokenpocket.pro"),
]
NOT_LOOKALIKES = [
    "tpwallet.com",
    "help.tpwallet.com",
    "tokenpocket.pro",
    "tronscan.org",
    "etherscan.io",
    "github.com",
    "httpbin.org",
    "wallet.example",
    "pocket.example",
]


@pytest.mark.parametrize(("host", "official"), LOOKALIKES)
def test_look_alikes_of_official_domains_are_recognised(host, official):
    ascii_host = hosts.host_of(f"https://{host}/")

    assert domain_rules().imitated_domain(ascii_host) == official


@pytest.mark.parametrize("host", NOT_LOOKALIKES)
def test_official_domains_and_ordinary_sites_are_not_look_alikes(host):
    assert domain_rules().imitated_domain(host) is None


def test_a_blocked_domain_covers_its_subdomains_and_only_them():
    rules = domain_rules()

    assert rules.blocked_domain("login.evil.io") == "evil.io"
    assert rules.blocked_domain("notevil.io") is None


def test_a_domain_listed_in_the_admin_counts_at_once():
    BlockedDomain.objects.create(domain="drainer.example")

    assert domain_rules().blocked_domain("app.drainer.example") == "drainer.example"
