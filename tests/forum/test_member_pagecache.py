"""A member's thread page comes from their saved copy only while nothing it shows changed.

forum/pagecache.py keys the copy by every value the page shows, read on the request
(forum.selectors.ThreadPageFacts.cache_values and the viewer's own row, roles and second
factor). These tests serve the copy with the caches warm, change one thing the page shows
the way the product changes it, and check the next page shows the change. The whole
suite runs with MEMBER_PAGE_CACHE_VERIFY="raise", so any test that reloads a thread page
also compares the copy with a fresh render.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template import loader

from accounts import roles
from accounts.models import User
from config import caching
from forum import pagecache
from forum.models import Post
from forum.services import answers as forum_answers
from forum.services import posting as forum_posting
from help import selectors as help_selectors
from tests.factories import PostFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

STAFF_BADGE = 'title="Verified member of the support team"'


@pytest.fixture
def no_verify(settings):
    """Serve copies as production does: no fresh render beside them."""
    settings.MEMBER_PAGE_CACHE_VERIFY = ""


@pytest.fixture
def renders(monkeypatch):
    """How many times forum/thread.html was rendered in full."""
    count = {"n": 0}
    real = loader.render_to_string

    def counting(template_name, *args, **kwargs):
        if template_name == "forum/thread.html":
            count["n"] += 1
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr("django.shortcuts.loader.render_to_string", counting)
    return count


def test_the_second_view_is_served_from_the_saved_copy(thread, other_client, renders, no_verify):
    help_selectors.thread_footer(thread=thread)  # its related questions are known
    first = other_client.get(thread.get_absolute_url())
    second = other_client.get(thread.get_absolute_url())

    assert first.status_code == second.status_code == 200
    assert renders["n"] == 1
    assert second["Cache-Control"] == "private, no-store"


def test_a_page_whose_related_questions_are_not_known_yet_is_rendered_not_saved(
    thread, other_client, renders, no_verify
):
    """The footer under the thread is part of the saved copy, keyed by the rows the page's
    statement read for it (forum/extensions.PageRead); before the thread's related
    questions are first found there are no such rows, so that view is not saved."""
    cache.delete(caching.related_questions_key(thread.pk))
    other_client.get(thread.get_absolute_url())  # finds and keeps them: not saved
    other_client.get(thread.get_absolute_url())  # keyed by their rows: saved
    other_client.get(thread.get_absolute_url())

    assert renders["n"] == 2


def test_the_copy_carries_nothing_of_one_request(thread, other_client, no_verify):
    other_client.get(thread.get_absolute_url())
    page = other_client.get(thread.get_absolute_url()).text

    assert caching.csrf_placeholder() not in page
    assert caching.slot("views") not in page
    assert caching.slot("panels") not in page
    assert 'name="csrfmiddlewaretoken" value="' in page


def test_the_view_count_is_current_on_every_serve(thread, other_client, no_verify):
    counts = [other_client.get(thread.get_absolute_url()).text for _ in range(3)]

    assert "1 view" in counts[0]
    assert "2 views" in counts[1]
    assert "3 views" in counts[2]


def test_a_new_reply_shows_on_the_next_view(thread, other_client, member, no_verify):
    other_client.get(thread.get_absolute_url())
    forum_posting.create_post(
        author=member, thread=thread, body="A fresh answer about the gas fee."
    )

    assert "A fresh answer about the gas fee." in other_client.get(thread.get_absolute_url()).text


def test_an_edit_shows_on_the_next_view(thread, reply, other_member, other_client, no_verify):
    other_client.get(thread.get_absolute_url())
    forum_posting.edit_post(actor=other_member, post=reply, body="Edited: check the nonce first.")

    assert "Edited: check the nonce first." in other_client.get(thread.get_absolute_url()).text


def test_someone_elses_vote_shows_on_the_next_view(thread, reply, other_client, no_verify):
    before = other_client.get(thread.get_absolute_url()).text
    forum_answers.vote(actor=UserFactory(), post=reply)
    after = other_client.get(thread.get_absolute_url()).text

    assert before != after
    assert Post.objects.get(pk=reply.pk).vote_count == 1


def test_the_staff_badge_leaves_with_the_role_on_the_next_view(thread, member, no_verify):
    agent = UserFactory(role=roles.AGENTS)
    answer = PostFactory(thread=thread, author=agent, body="Support here: check the memo field.")
    Post.objects.filter(pk=answer.pk).update(posted_as="agent")
    reader = client_for(member)
    for _ in range(2):  # the second is served from the saved copy
        assert STAFF_BADGE in reader.get(thread.get_absolute_url()).text

    Group.objects.get(name=roles.AGENTS).user_set.remove(agent)

    assert STAFF_BADGE not in reader.get(thread.get_absolute_url()).text


def test_taking_is_staff_from_the_reader_changes_their_menu_on_the_next_view(thread, no_verify):
    agent = UserFactory(role=roles.AGENTS)
    reader = client_for(agent)
    for _ in range(2):
        assert "/staff/tickets/" in reader.get(thread.get_absolute_url()).text

    User.objects.filter(pk=agent.pk).update(is_staff=False)  # behind the ORM's signals

    assert "/staff/tickets/" not in reader.get(thread.get_absolute_url()).text


def test_a_copy_that_misses_a_value_is_caught_by_the_verifying_mode(
    thread, other_client, settings, monkeypatch
):
    settings.MEMBER_PAGE_CACHE_VERIFY = "raise"
    # A key that leaves out everything the page shows: the next change serves a stale copy.
    monkeypatch.setattr(
        "forum.selectors.ThreadPageFacts.cache_values", lambda self: ("always the same",)
    )
    monkeypatch.setattr(pagecache, "_viewer_values", lambda user: ())
    help_selectors.thread_footer(thread=thread)  # its related questions are known
    other_client.get(thread.get_absolute_url())
    PostFactory(thread=thread, body="A reply the stale copy does not have.")
    thread.refresh_from_db()

    with pytest.raises(AssertionError, match="differs from a fresh render"):
        other_client.get(thread.get_absolute_url())


def test_a_flash_message_is_never_saved(thread, other_client, renders, no_verify, monkeypatch):
    other_client.get(thread.get_absolute_url())
    cache.clear()
    monkeypatch.setattr("forum.pagecache.get_messages", lambda request: ["Your reply is posted."])

    other_client.get(thread.get_absolute_url())
    other_client.get(thread.get_absolute_url())

    assert renders["n"] == 3


def test_the_time_zone_offer_follows_the_device_and_the_answer_on_a_saved_page(
    thread, other_member, no_verify
):
    """The offer (base.html) reads a cookie and the session, not the user row: both are
    part of the copy's key."""
    from django.test import Client

    from accounts import timezones

    client = Client()
    client.force_login(other_member)
    url = thread.get_absolute_url()
    assert 'id="timezone-offer"' not in client.get(url).text  # the device said nothing yet

    client.cookies[timezones.COOKIE] = "Asia/Shanghai"
    assert 'id="timezone-offer"' in client.get(url).text

    client.post(
        "/settings/time-zone/", {"timezone": "Asia/Shanghai", "answer": "keep", "next": "/"}
    )
    assert 'id="timezone-offer"' not in client.get(url).text
