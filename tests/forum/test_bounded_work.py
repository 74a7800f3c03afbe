"""Pathological bodies cost bounded work: hosts as DNS bounds them, a markdown budget.

These tests count work (labels, parents, hosts judged, parser steps), never time: the
time each worst body takes is measured by bench/abuse.py.
"""

import pytest
from django.urls import reverse

from forum import markdown
from forum.errors import NotAllowed
from forum.models import Thread
from forum.services import posting as forum_posting
from safety import hosts, links
from safety.errors import LinkRefused
from tests.factories import UserFactory
from tests.forum.conftest import client_for

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
        with pytest.raises(LinkRefused, match=r"evil\.io"):
            forum_posting.check_links(author=author, body=body)


def test_padding_a_look_alike_does_not_get_it_past_the_rule(db):
    newcomer = UserFactory(username="newbie")
    body = "Official help: " + "a." * 24000 + "tpwallet-support.com ask them."

    with pytest.raises(LinkRefused, match="not our official site"):
        forum_posting.check_links(author=newcomer, body=body)


def test_a_link_longer_than_any_real_one_stays_text_and_is_never_parsed(monkeypatch):
    import mdurl

    parsed = []
    real_parse = mdurl.parse
    monkeypatch.setattr(
        mdurl, "parse", lambda url, *a, **k: parsed.append(url) or real_parse(url, *a, **k)
    )
    long_link = "https://" + "a." * 1100 + "com/"

    html = markdown.render_markdown(f"See {long_link} and https://tpwallet.com/help for the fix.")

    assert f'href="{long_link}' not in html
    assert 'href="https://tpwallet.com/help"' in html
    assert parsed
    assert max(map(len, parsed)) <= markdown.MAX_URL_CHARS


def test_a_blocked_site_in_a_link_too_long_to_link_is_still_refused(author):
    with pytest.raises(LinkRefused):
        forum_posting.check_links(author=author, body="See https://" + "a." * 1100 + "evil.io/ now")


def test_a_body_naming_too_many_sites_is_refused_after_judging_a_bounded_number(author):
    body = " ".join(f"x{n}.com" for n in range(7000))

    assert len(links._named_hosts(body, limit=links.MAX_HOSTS)) == links.MAX_HOSTS + 1
    with pytest.raises(LinkRefused, match="more than 100 different web sites"):
        forum_posting.check_links(author=author, body=body)


def test_a_blocked_site_after_a_hundred_harmless_ones_is_not_let_through(author):
    body = " ".join(f"x{n}.com" for n in range(150)) + " evil.io"

    with pytest.raises(LinkRefused):
        forum_posting.check_links(author=author, body=body)


# --- The markdown render budget ------------------------------------------------------

PATHOLOGICAL = {
    "brackets": "[" * 50000,
    "link brackets": "[](" * 16000,
    "nested brackets": "[" * 25000 + "]" * 25000,
    "emphasis": "*a" * 25000,
    "underscores": "_a" * 25000,
    "backticks": "`a" * 25000,
    "table": "|a" * 100 + "|\n" + "|-" * 100 + "|\n" + ("|x" * 100 + "|\n") * 200,
    "many links": "https://a.example/ " * 2500,
    "link references": "[a]: /u\n" * 3000 + "[a]" * 3000,
    "entities": "&amp;" * 10000,
}


def a_long_real_question() -> str:
    prose = (
        "I sent **50 USDT** on TRON to my exchange and it is still *pending* after two "
        "hours; the explorer says `SUCCESS`. See https://tronscan.org/#/tx/abc and "
        "[the FAQ](https://tpwallet.com/faq). Should I wait, or ask the exchange?\n\n"
    )
    table = "| Chain | Fee | Time |\n|---|---|---|\n" + "| TRON | 1 TRX | 3 min |\n" * 20
    steps = "".join(f"- step {n}: open *Settings*, then `Networks`\n" for n in range(20))
    logs = "```\n" + "12:00:00 ERROR [wallet] tx failed: {code: -32000} | retry=3\n" * 300 + "```\n"
    return prose * 15 + table + steps + logs


@pytest.mark.parametrize("kind", PATHOLOGICAL)
def test_a_pathological_body_is_over_the_render_budget(kind):
    assert not markdown.is_within_budget(PATHOLOGICAL[kind])


def test_the_parser_stops_counting_one_step_past_the_budget():
    env = {}

    with pytest.raises(markdown.OverBudget):
        markdown._parser.parse("[" * 50000, env)

    assert env[markdown._STEPS] == markdown.MAX_PARSE_STEPS + 1


def test_a_long_real_question_with_a_table_links_and_logs_is_within_the_budget():
    html = markdown.render_markdown(a_long_real_question())

    assert "<table>" in html
    assert "<strong>50 USDT</strong>" in html
    assert "<pre><code>" in html


def test_a_body_over_the_budget_renders_as_escaped_plain_text():
    html = markdown.render_markdown("<b>hi</b>\n" + "*a" * 25000 + "\n\nnext paragraph")

    assert html.startswith("<p>&lt;b&gt;hi&lt;/b&gt;<br>\n*a*a")
    assert html.endswith("<p>next paragraph</p>\n")
    assert "<em>" not in html


def test_asking_with_a_body_over_the_budget_says_how_to_fix_it_and_stores_nothing(author, category):
    response = client_for(author).post(
        reverse("forum:ask"),
        {
            "title": "Transfer pending for hours, what now?",
            "category": category.pk,
            "body": "My logs: " + "[" * 40000,
        },
    )

    assert response.status_code == 200
    assert "too much formatting to show" in response.content.decode()
    assert not Thread.objects.exists()


def test_replying_with_a_body_over_the_budget_is_refused_by_the_service_too(author, thread):
    with pytest.raises(NotAllowed, match="too much formatting"):
        forum_posting.create_post(author=author, thread=thread, body="|a" * 20000)

    assert thread.posts.count() == 1


def test_previewing_a_body_over_the_budget_shows_why_instead(visitor_client):
    response = visitor_client.post(reverse("forum:preview"), {"body": "[" * 50000})

    assert response.status_code == 200
    assert "too much formatting to show" in response.content.decode()
