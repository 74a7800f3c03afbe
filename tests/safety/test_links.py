"""The link rules on their own (safety.links): the caller says what the body links to and
how far its writer is trusted; the rules say what may be posted."""

from dataclasses import dataclass

import pytest

from safety import links
from safety.errors import LinkRefused
from safety.limits import Trust

pytestmark = pytest.mark.django_db

NEW = Trust(is_new_member=True, is_trusted=False)
ORDINARY = Trust()
TRUSTED = Trust(is_new_member=False, is_trusted=True)


@dataclass(frozen=True)
class Outbound:
    hrefs: tuple[str, ...] = ()
    image_count: int = 0


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.OFFICIAL_DOMAINS = ["tpwallet.com"]
    settings.BLOCKED_DOMAINS = ["evil.io"]
    settings.NEW_MEMBER_MAX_LINKS = 2


def test_a_link_to_a_blocked_domain_is_refused_whoever_writes_it():
    outbound = Outbound(hrefs=("https://login.evil.io/x",))

    with pytest.raises(LinkRefused, match=r"login\.evil\.io, which is on our list"):
        links.check_body(body="See the link.", outbound=outbound, trust=TRUSTED)


def test_a_blocked_domain_named_in_the_text_counts_without_a_link():
    with pytest.raises(LinkRefused, match=r"evil\.io"):
        links.check_body(body="Go to evil.io and sign in", outbound=Outbound(), trust=ORDINARY)


def test_a_look_alike_is_kept_for_trusted_writers():
    body = "Download it from https://tpwallet-app.com"
    outbound = Outbound(hrefs=("https://tpwallet-app.com",))

    with pytest.raises(LinkRefused, match=r"looks like tpwallet\.com"):
        links.check_body(body=body, outbound=outbound, trust=ORDINARY)
    found = links.check_body(body=body, outbound=outbound, trust=TRUSTED)
    assert found.lookalikes == {"tpwallet-app.com": "tpwallet.com"}


def test_a_new_member_links_to_at_most_two_sites_and_posts_no_images():
    three = Outbound(hrefs=tuple(f"https://site{n}.example" for n in range(3)))

    with pytest.raises(LinkRefused, match="at most 2 links"):
        links.check_body(body="Three links.", outbound=three, trust=NEW)
    with pytest.raises(LinkRefused, match="cannot post images"):
        links.check_body(body="A picture.", outbound=Outbound(image_count=1), trust=NEW)
    assert links.check_body(body="Three links.", outbound=three, trust=ORDINARY).hosts == (
        "site0.example",
        "site1.example",
        "site2.example",
    )
