"""Links in posts under review, and links to blocked or look-alike sites, show as text."""

import pytest
from django.urls import reverse

from forum import defang
from forum.markdown import render_markdown
from forum.models import Flag, Post
from forum.services import moderation as forum_moderation
from safety.selectors import domain_rules
from tests.factories import PostFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

SCAM = Flag.Reason.SCAM
LIVE_LINK = 'href="https://example.com/claim"'
AS_TEXT = '<span class="defanged-link">'
NOTE = "Links in this post are shown as text until a moderator has reviewed it."


@pytest.fixture(autouse=True)
def _domain_lists(settings):
    settings.OFFICIAL_DOMAINS = ["tpwallet.com"]
    settings.BLOCKED_DOMAINS = ["evil.io"]


@pytest.fixture
def linked_reply(thread, other_member):
    return PostFactory(
        thread=thread,
        author=other_member,
        body="Claim your refund at [the refund page](https://example.com/claim) today.",
    )


def _rules():
    return domain_rules()


def _page(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _flag(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.flag_post(actor=UserFactory(), post=post, reason=SCAM)


# --- The transformation ---------------------------------------------------------------


def test_every_link_of_a_post_under_review_becomes_text_with_its_host_defanged():
    body_html = render_markdown("See [the refund page](https://example.com/claim) now.")

    shown = defang.links_as_text(body_html, every_link=True, rules=_rules())

    assert "<a " not in shown
    assert AS_TEXT + "the refund page</span>" in shown
    assert "example[.]com" in shown
    assert "example.com" not in shown


def test_a_bare_url_under_review_shows_as_text_and_cannot_be_linked_again():
    body_html = render_markdown("Go to https://example.com/claim please")

    shown = defang.links_as_text(body_html, every_link=True, rules=_rules())

    assert "<a " not in shown
    assert "https://example[.]com/claim" in shown


def test_links_to_our_own_pages_stay_links():
    body_html = render_markdown("Read [the guide](/t/12/backups/) first.")

    assert defang.links_as_text(body_html, every_link=True, rules=_rules()) == body_html


def test_ordinary_links_of_an_ordinary_post_stay_links():
    body_html = render_markdown("See [the docs](https://example.com/docs).")

    assert defang.links_as_text(body_html, every_link=False, rules=_rules()) == body_html


@pytest.mark.parametrize(
    "url", ["https://evil.io/x", "https://help.evil.io/", "https://tpwa11et.com/recover"]
)
def test_blocked_and_look_alike_links_are_never_clickable(url):
    body_html = render_markdown(f"Fine [docs](https://example.com/docs) and [this]({url}).")

    shown = defang.links_as_text(body_html, every_link=False, rules=_rules())

    assert 'href="https://example.com/docs"' in shown
    assert f'href="{url}"' not in shown
    assert shown.count("<a ") == 1
    assert AS_TEXT + "this</span>" in shown


def test_the_pass_is_linear_in_the_body():
    body_html = render_markdown(" ".join(f"https://x{n}.example.com/p" for n in range(90)))
    body_html *= 50  # far more than any stored body

    shown = defang.links_as_text(body_html, every_link=True, rules=_rules())

    # One pass over the body: what it gives back grows with it, no more (bench/rules.py
    # times it).
    assert "<a " not in shown
    assert len(shown) < 3 * len(body_html)


# --- The count of open flags ------------------------------------------------------------


def test_open_flags_are_counted_and_cleared_when_a_moderator_decides(linked_reply, moderator):
    forum_moderation.flag_post(actor=UserFactory(), post=linked_reply, reason=SCAM)
    forum_moderation.flag_post(actor=UserFactory(), post=linked_reply, reason=SCAM)
    assert Post.objects.get(pk=linked_reply.pk).open_flag_count == 2

    forum_moderation.dismiss_flags(actor=moderator, post=linked_reply)

    assert Post.objects.get(pk=linked_reply.pk).open_flag_count == 0


def test_hiding_a_flagged_post_clears_the_count_but_keeps_the_links_as_text(
    linked_reply, moderator
):
    forum_moderation.flag_post(actor=UserFactory(), post=linked_reply, reason=SCAM)

    forum_moderation.set_post_hidden(actor=moderator, post=linked_reply, is_hidden=True)

    post = Post.objects.get(pk=linked_reply.pk)
    assert post.open_flag_count == 0
    assert post.has_links_as_text


# --- Pages ----------------------------------------------------------------------------


def test_a_flagged_posts_links_are_text_for_members_visitors_and_moderators(
    thread, linked_reply, member, moderator, django_capture_on_commit_callbacks
):
    reader, visitor, mod = client_for(UserFactory()), client_for(None), client_for(moderator)
    for client in (reader, visitor, mod):
        assert LIVE_LINK in _page(client, thread)  # and the member's copy is saved

    _flag(linked_reply, django_capture_on_commit_callbacks)

    for client in (reader, visitor, mod):
        page = _page(client, thread)
        assert LIVE_LINK not in page
        assert AS_TEXT in page
        assert "example[.]com" in page
        assert NOTE in page


def test_the_link_works_again_once_a_moderator_dismisses_the_flags(
    thread, linked_reply, moderator, django_capture_on_commit_callbacks
):
    reader = client_for(UserFactory())
    _flag(linked_reply, django_capture_on_commit_callbacks)
    assert LIVE_LINK not in _page(reader, thread)

    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.dismiss_flags(actor=moderator, post=linked_reply)

    page = _page(reader, thread)
    assert LIVE_LINK in page
    assert NOTE not in page


def test_a_hidden_posts_links_are_text_for_the_moderator_until_it_is_shown_again(
    thread, linked_reply, moderator, django_capture_on_commit_callbacks
):
    mod = client_for(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.set_post_hidden(actor=moderator, post=linked_reply, is_hidden=True)
    assert LIVE_LINK not in _page(mod, thread)

    with django_capture_on_commit_callbacks(execute=True):
        forum_moderation.set_post_hidden(actor=moderator, post=linked_reply, is_hidden=False)

    assert LIVE_LINK in _page(mod, thread)


def test_the_flag_queue_shows_links_as_text(linked_reply, moderator):
    forum_moderation.flag_post(actor=UserFactory(), post=linked_reply, reason=SCAM)

    page = client_for(moderator).get(reverse("forum:flag-queue")).content.decode()

    assert "the refund page" in page
    assert LIVE_LINK not in page
    assert AS_TEXT in page


def test_the_edit_history_of_a_flagged_post_shows_links_as_text(linked_reply, moderator):
    forum_moderation.flag_post(actor=UserFactory(), post=linked_reply, reason=SCAM)

    page = client_for(moderator).get(reverse("forum:post-history", args=[linked_reply.pk]))

    assert LIVE_LINK not in page.content.decode()


def test_a_domain_blocked_after_the_post_stops_being_a_link_on_the_next_view(
    thread, linked_reply, settings
):
    reader = client_for(UserFactory())
    assert LIVE_LINK in _page(reader, thread)

    settings.BLOCKED_DOMAINS = ["evil.io", "example.com"]

    page = _page(reader, thread)
    assert LIVE_LINK not in page
    assert AS_TEXT in page


def test_visitors_saved_pages_are_forgotten_when_a_post_is_flagged(
    thread, linked_reply, settings, django_capture_on_commit_callbacks
):
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    visitor = client_for(None)
    assert LIVE_LINK in _page(visitor, thread)

    _flag(linked_reply, django_capture_on_commit_callbacks)

    assert LIVE_LINK not in _page(visitor, thread)
