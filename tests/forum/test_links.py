"""Links in posts: their real host shows, blocked sites are refused, look-alikes are caught."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.markdown import render_markdown
from forum.models import Flag, Post, Thread
from forum.services import posting as forum_posting
from safety import links
from safety.errors import LinkRefused
from safety.models import BlockedDomain, OfficialDomain
from tests.factories import UserFactory
from tests.forum.conftest import client_for
from tests.safety.test_hosts import LOOKALIKES

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _domain_lists(settings):
    settings.OFFICIAL_DOMAINS = ["tpwallet.com", "tokenpocket.pro"]
    settings.BLOCKED_DOMAINS = ["evil.io"]


@pytest.fixture
def trusted_member(db):
    """Well voted and a month old: may link to a look-alike, which moderators then review."""
    return UserFactory(
        username="trusted", reputation=200, date_joined=timezone.now() - timedelta(days=60)
    )


def body_with(link: str) -> str:
    return f"My transfer is stuck, somebody told me to try {link} — is that safe?"


# --- Showing where a link goes -------------------------------------------------------


def test_a_link_whose_text_is_not_its_host_shows_the_real_host():
    html = render_markdown("[Download the fix](https://fast-wallet-update.example/apk)")

    assert '<span class="link-host">fast-wallet-update.example</span>' in html


def test_a_link_that_names_another_site_shows_the_site_it_goes_to():
    html = render_markdown("[https://tpwallet.com/download](https://tpwallet.com.evil.example/x)")

    assert '<span class="link-host">tpwallet.com.evil.example</span>' in html


def test_user_info_before_an_at_sign_cannot_pass_for_the_host():
    html = render_markdown("https://tpwallet.com@phish.example/login")

    assert '<span class="link-host">phish.example</span>' in html


def test_a_bare_url_already_shows_its_host_and_gets_no_label():
    html = render_markdown("See https://tronscan.org/#/transaction/abc for the status.")

    assert "link-host" not in html


def test_a_link_to_an_official_site_gets_the_check_mark():
    html = render_markdown(
        "[the help centre](https://help.tpwallet.com/faq) or https://tpwallet.com"
    )

    assert '<span class="link-host link-verified">✓ help.tpwallet.com</span>' in html
    assert '</a> <span class="link-verified">✓</span>' in html


def test_an_official_domain_added_in_the_admin_is_marked_from_the_next_post():
    assert "link-verified" not in render_markdown("[docs](https://docs.wallet.example)")

    OfficialDomain.objects.create(domain="wallet.example")

    assert "link-verified" in render_markdown("[docs](https://docs.wallet.example)")


def test_a_punycode_look_alike_shows_in_its_xn_form_not_as_the_letters_it_imitates():
    # "tpwаllet.com" with a Cyrillic а: the link text shows the Unicode, the label the truth.
    html = render_markdown("<https://xn--tpwllet-4fg.com/login>")

    assert '<span class="link-host">xn--tpwllet-4fg.com</span>' in html


def test_an_international_host_shows_in_its_own_script():
    html = render_markdown("[官网](https://例子.中国/钱包)")

    assert '<span class="link-host">例子.中国</span>' in html


def test_a_post_cannot_write_its_own_verified_label():
    html = render_markdown('[x](https://phish.example) <span class="link-verified">✓</span>')

    assert html.count("<span") == 1
    assert "&lt;span" in html


# --- Blocked domains -------------------------------------------------------------------

BLOCKED_SPELLINGS = [
    "https://evil.io/claim",  # a bare URL
    "[the official site](https://evil.io)",  # a written link
    "<https://evil.io/airdrop>",  # an autolink
    "[claim][1]\n\n[1]: https://evil.io/claim",  # a reference link
    "[claim](https&#58;//evil&#46;io)",  # HTML entities
    "[claim](https://evil%2Eio/x)",  # a percent-escaped dot, which browsers decode
    "[claim](https://evil。io)",  # an ideographic full stop, which browsers read as a dot
    "[claim](https://ｅｖｉｌ.io)",  # full-width letters
    "HTTPS://EVIL.IO/CLAIM",  # capitals
    "https://evil.io./claim",  # a trailing dot
    "https://login.wallet.evil.io/",  # a subdomain
    "https://tpwallet.com@evil.io/",  # user info that pretends to be the host
    '[x](https://evil.io "tpwallet.com")',  # a title
]


@pytest.mark.parametrize("link", BLOCKED_SPELLINGS)
def test_a_link_to_a_blocked_domain_is_refused_however_it_is_written(trusted_member, link):
    with pytest.raises(LinkRefused, match=r"points to [\w.]*evil\.io, which is on our list"):
        forum_posting.check_links(author=trusted_member, body=body_with(link))


@pytest.mark.parametrize(
    "text",
    [
        "just type evil.io in your browser",  # named, not linked
        "email help@evil.io with your words",  # an email address
        "进入ｅｖｉｌ．ｉｏ领取",  # full-width, in Chinese text
        "打开 evil。io 就可以",  # an ideographic full stop
        "`https://login.evil.io`",  # in code
    ],
)
def test_a_blocked_domain_named_without_a_link_is_refused_too(member, text):
    with pytest.raises(LinkRefused, match=r"evil\.io"):
        forum_posting.check_links(author=member, body=body_with(text))


def test_a_look_alike_named_without_a_link_is_refused_from_a_new_member(member):
    with pytest.raises(LinkRefused, match=r"looks like tpwallet\.com"):
        forum_posting.check_links(author=member, body="下载地址是tpwallet-app.com，官方的")


def test_file_names_and_versions_in_the_text_are_not_taken_for_sites(member):
    body = (
        "I installed tpwallet.apk and TokenPocket.exe, edited config.py and README.md, "
        "app v5.12.3, then sent 1.5 USDT to TQ1...x9."
    )

    assert forum_posting.check_links(author=member, body=body) == links.PostLinks()


@pytest.mark.parametrize(
    "link", ["https://notevil.io/", "https://evil.io.example/", "https://example.com/evil.io"]
)
def test_hosts_that_only_contain_a_blocked_name_pass(member, link):
    assert forum_posting.check_links(author=member, body=body_with(link)).blocked == ()


def test_a_domain_blocked_in_the_admin_is_refused_at_once(member):
    forum_posting.check_links(
        author=member, body=body_with("https://drainer.example/x")
    )  # cached now

    BlockedDomain.objects.create(domain="drainer.example", reason="Wallet drainer")

    with pytest.raises(LinkRefused, match=r"drainer\.example"):
        forum_posting.check_links(author=member, body=body_with("https://app.drainer.example/x"))


def test_deleting_a_blocked_domain_in_the_admin_lets_links_through_again(member):
    BlockedDomain.objects.create(domain="drainer.example")
    with pytest.raises(LinkRefused):
        forum_posting.check_links(author=member, body=body_with("https://drainer.example"))

    BlockedDomain.objects.filter(domain="drainer.example").delete()  # the admin's bulk delete

    assert forum_posting.check_links(author=member, body=body_with("https://drainer.example")).hosts


def test_asking_with_a_blocked_link_keeps_the_text_names_the_domain_and_stores_nothing(
    member, category
):
    body = body_with("[claim here](https://evil.io/claim)")

    response = client_for(member).post(
        reverse("forum:ask"),
        {"title": "Is this airdrop claim page real?", "category": category.pk, "body": body},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "evil.io, which is on our list of phishing and scam sites" in page
    assert "claim here" in page  # the text stays in the form
    assert not Thread.objects.exists()


def test_replying_with_a_blocked_link_by_htmx_shows_why_and_stores_nothing(thread, other_member):
    before = Post.objects.count()

    response = client_for(other_member).post(
        reverse("forum:reply", args=[thread.pk]),
        {"body": body_with("https://evil.io/fix")},
        **HTMX,
    )

    assert response.status_code == 200
    assert "evil.io, which is on our list" in response.content.decode()
    assert Post.objects.count() == before


def test_the_service_refuses_a_blocked_link_whatever_called_it(thread, other_member):
    with pytest.raises(LinkRefused):
        forum_posting.create_post(
            author=other_member, thread=thread, body=body_with("https://evil.io")
        )


def test_editing_a_link_to_a_blocked_domain_into_a_post_is_refused(reply, other_member):
    response = client_for(other_member).post(
        reverse("forum:edit-post", args=[reply.pk]),
        {"body": body_with("https://evil.io/new"), "reason": ""},
    )

    assert response.status_code == 200
    assert "evil.io" in response.content.decode()
    reply.refresh_from_db()
    assert "evil.io" not in reply.body


@pytest.mark.parametrize(("host", "official"), LOOKALIKES[:4])
def test_a_member_who_is_not_trusted_yet_cannot_link_to_a_look_alike(member, host, official):
    with pytest.raises(LinkRefused, match=rf"looks like {official}"):
        forum_posting.check_links(author=member, body=body_with(f"https://{host}/login"))


def test_a_trusted_members_look_alike_link_is_posted_and_flagged_for_moderators(
    thread, trusted_member, moderator
):
    post = forum_posting.create_post(
        author=trusted_member, thread=thread, body=body_with("https://tpwallet-support.com")
    )

    flag = Flag.objects.get(post=post)
    assert flag.reporter is None
    assert flag.reason == Flag.Reason.SCAM
    assert flag.note == "tpwallet-support.com ≈ tpwallet.com"
    assert not post.is_hidden
    queue = client_for(moderator).get(reverse("forum:flag-queue")).content.decode()
    assert "look-alike of an official site" in queue
    assert "tpwallet-support.com ≈ tpwallet.com" in queue


def test_a_moderators_look_alike_link_is_flagged_too(thread, moderator):
    post = forum_posting.create_post(
        author=moderator, thread=thread, body=body_with("[site](https://tpwa11et.com)")
    )

    assert Flag.objects.filter(post=post, reporter=None).exists()


def test_a_question_with_a_look_alike_is_flagged_once(trusted_member, category):
    thread = forum_posting.create_thread(
        author=trusted_member,
        category=category,
        title="Which of these two sites is the real one?",
        body=body_with("https://tpwalet.com and https://tpwallet-help.com"),
    )

    flag = Flag.objects.get(post__thread=thread)
    assert flag.note == "tpwalet.com ≈ tpwallet.com; tpwallet-help.com ≈ tpwallet.com"


def test_an_edit_that_adds_a_look_alike_is_flagged_but_one_already_there_is_not(
    thread, trusted_member
):
    post = forum_posting.create_post(
        author=trusted_member, thread=thread, body=body_with("nothing")
    )
    forum_posting.edit_post(actor=trusted_member, post=post, body=body_with("https://tpwa11et.com"))
    assert Flag.objects.filter(post=post, reporter=None).count() == 1
    Flag.objects.update(resolved_at=timezone.now())

    forum_posting.edit_post(
        actor=trusted_member, post=post, body=body_with("https://tpwa11et.com, really")
    )

    assert not Flag.objects.filter(post=post, resolved_at=None).exists()


def test_links_to_official_sites_are_fine_for_everyone(member, thread):
    post = forum_posting.create_post(
        author=member, thread=thread, body=body_with("https://tpwallet.com/download")
    )

    assert not Flag.objects.filter(post=post).exists()
    assert "link-verified" in post.body_html
