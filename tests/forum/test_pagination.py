"""A category's threads, page by page (keyset cursors), sorted and filtered by tab."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forum import selectors
from forum.models import Thread
from forum.services import answers as forum_answers
from forum.services import following as forum_following
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from tests.factories import PostFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

SORT_FIELDS = {"activity": "last_activity_at", "newest": "created_at", "votes": "vote_count"}
THREAD_LINK = re.compile(r'class="thread-title" href="/t/(\d+)/')
PAGER_LINK = re.compile(r'href="(\?tab=[^"]*&amp;(?:after|before)=[^"]*)"[^>]*>\s*(←|Next)')


def thread_ids(response) -> list[int]:
    return [int(pk) for pk in THREAD_LINK.findall(response.text)]


def pager(response) -> dict[str, str]:
    """The previous and next links of a category page, by direction."""
    return {
        "previous" if arrow == "←" else "next": html.unescape(href)
        for href, arrow in PAGER_LINK.findall(response.text)
    }


@pytest.fixture
def small_pages(monkeypatch):
    """Four threads a page, so a dozen threads make several pages."""
    monkeypatch.setattr(selectors, "THREADS_PER_PAGE", 4)


@pytest.fixture
def many_threads(category, member, other_member):
    """Eleven threads whose sort values tie in places, so the id must break the ties."""
    voters = [UserFactory() for _ in range(3)]
    start = timezone.now() - timedelta(days=30)
    threads = []
    for n in range(11):
        asked_at = start + timedelta(hours=n // 3)  # three threads share each instant
        thread = forum_posting.create_thread(
            author=member if n % 2 else other_member,
            category=category,
            title=f"Question number {n} about a pending transfer",
            body="The transfer has been pending since this morning, what now?",
            now=asked_at,
        )
        question = thread.posts.get()
        for voter in voters[: n % 3]:
            forum_answers.vote(actor=voter, post=question)
        threads.append(thread)
    # Replies move some threads' activity, including onto the same instant.
    later = start + timedelta(days=1)
    for thread in threads[::4]:
        forum_posting.create_post(
            author=voters[0], thread=thread, body="Same thing here since today.", now=later
        )
    return threads


def expected_order(category, sort: str) -> list[int]:
    field = SORT_FIELDS[sort]
    rows = Thread.objects.filter(category=category).order_by(f"-{field}", "-pk")
    return list(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("sort", ["activity", "newest", "votes"])
def test_next_links_walk_every_thread_once_in_order(
    sort, small_pages, category, many_threads, visitor_client
):
    url = category.get_absolute_url()
    response = visitor_client.get(url, {"sort": sort})
    pages = [thread_ids(response)]
    while "next" in pager(response):
        response = visitor_client.get(url + pager(response)["next"])
        assert response.status_code == 200
        pages.append(thread_ids(response))

    assert [pk for page in pages for pk in page] == expected_order(category, sort)
    assert [len(page) for page in pages] == [4, 4, 3]


@pytest.mark.parametrize("sort", ["activity", "newest", "votes"])
def test_previous_links_walk_back_through_the_same_pages(
    sort, small_pages, category, many_threads, visitor_client
):
    url = category.get_absolute_url()
    forward = [visitor_client.get(url, {"sort": sort})]
    while "next" in pager(forward[-1]):
        forward.append(visitor_client.get(url + pager(forward[-1])["next"]))

    backward = [forward[-1]]
    while "previous" in pager(backward[-1]):
        backward.append(visitor_client.get(url + pager(backward[-1])["previous"]))

    assert [thread_ids(page) for page in reversed(backward)] == [
        thread_ids(page) for page in forward
    ]
    assert "previous" not in pager(forward[0])
    assert "next" not in pager(forward[-1])
    assert "next" in pager(backward[-1])


def test_the_first_page_holds_thirty_threads(category, member, visitor_client):
    for n in range(31):
        ThreadFactory(author=member, category=category, title=f"Pending transfer number {n}")

    first = visitor_client.get(category.get_absolute_url())
    second = visitor_client.get(category.get_absolute_url() + pager(first)["next"])

    assert len(thread_ids(first)) == 30
    assert len(thread_ids(second)) == 1
    assert "next" not in pager(second)


def test_a_short_category_has_no_pager(category, thread, visitor_client):
    response = visitor_client.get(category.get_absolute_url())

    assert thread_ids(response) == [thread.pk]
    assert pager(response) == {}


GARBAGE_CURSORS = [
    "garbage",
    "!!!",
    "%00",
    "é" * 50,
    "no separator",
    "yesterday.12",
    "1.0",  # no row has id 0
    "1704067200000000.not-an-id",
    "1704067200000000.-5",
    "１２.３",  # digits, but not ASCII ones
    "1.5.5",
    # The old form (base64 of "<ISO instant>|<id>"), from a bookmark: the first page.
    "MjAyNC0wMS0wMVQwMDowMDowMCswMDowMHwx",
]
# Well formed, but far outside any real value: they must not break the page either.
EXTREME_CURSORS = [
    "1704067200000000." + "9" * 18,
    "9" * 18 + ".1",
    "-" + "9" * 18 + ".1",
    "1." + "9" * 19,
    "1." + "9" * 30,
    "9" * 30 + ".1",
    f"{2**31}.1",
    f"-{2**31}.1",
]


@pytest.mark.parametrize("sort", ["activity", "newest", "votes"])
def test_a_garbage_cursor_gives_the_first_page(
    sort, small_pages, category, many_threads, visitor_client
):
    url = category.get_absolute_url()
    first_page = thread_ids(visitor_client.get(url, {"sort": sort}))

    answers = {
        (direction, garbage): visitor_client.get(url, {"sort": sort, direction: garbage})
        for direction in ("after", "before")
        for garbage in GARBAGE_CURSORS
    }

    assert {key: response.status_code for key, response in answers.items()} == dict.fromkeys(
        answers, 200
    )
    assert {key: thread_ids(response) for key, response in answers.items()} == dict.fromkeys(
        answers, first_page
    )


@pytest.mark.parametrize("sort", ["activity", "newest", "votes"])
def test_an_extreme_cursor_still_answers(sort, small_pages, category, many_threads, visitor_client):
    url = category.get_absolute_url()

    statuses = {
        (direction, extreme): visitor_client.get(
            url, {"sort": sort, direction: extreme}
        ).status_code
        for direction in ("after", "before")
        for extreme in EXTREME_CURSORS
    }

    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.parametrize(("tab", "sort"), [("nonsense", "activity"), ("latest", "nonsense")])
def test_an_unknown_tab_or_sort_is_not_found(tab, sort, category, visitor_client):
    response = visitor_client.get(category.get_absolute_url(), {"tab": tab, "sort": sort})

    assert response.status_code == 404


# --- Tabs --------------------------------------------------------------------


@pytest.fixture
def threads_in_every_state(category, member, other_member, moderator):
    """One thread per state, named by what the tabs should do with it."""

    def ask(author, title):
        return ThreadFactory(author=author, category=category, title=title)

    unanswered = ask(other_member, "Nobody has answered this question yet")
    own_follow_up = ask(other_member, "Only the asker has written here since")
    PostFactory(thread=own_follow_up, author=other_member)
    answered = ask(other_member, "Somebody answered but it is not solved")
    PostFactory(thread=answered, author=moderator)
    solved = ask(other_member, "This one has an accepted answer now")
    forum_answers.accept_answer(actor=other_member, post=PostFactory(thread=solved, author=member))
    closed = ask(other_member, "This one was closed by a moderator")
    forum_moderation.set_thread_closed(actor=moderator, thread=closed, is_closed=True)
    mine = ask(member, "A question the member asked themself")
    followed = ask(other_member, "A question the member follows closely")
    forum_following.follow_thread(actor=member, thread=followed)
    return {
        "unanswered": unanswered,
        "own_follow_up": own_follow_up,
        "answered": answered,
        "solved": solved,
        "closed": closed,
        "mine": mine,
        "followed": followed,
    }


TAB_CONTENTS = {
    "latest": {"unanswered", "own_follow_up", "answered", "solved", "closed", "mine", "followed"},
    "unanswered": {"unanswered", "own_follow_up", "mine", "followed"},
    "unsolved": {"unanswered", "own_follow_up", "answered", "mine", "followed"},
    "solved": {"solved"},
    # The member replied to "solved" (and so follows it), and follows what they asked.
    "mine": {"mine"},
    "following": {"followed", "mine", "solved"},
}


@pytest.mark.parametrize("tab", list(TAB_CONTENTS))
def test_each_tab_lists_the_threads_it_promises(
    tab, category, threads_in_every_state, asker_client
):
    response = asker_client.get(category.get_absolute_url(), {"tab": tab})

    names = {pk: name for name, pk in ((n, t.pk) for n, t in threads_in_every_state.items())}
    assert {names[pk] for pk in thread_ids(response)} == TAB_CONTENTS[tab]


@pytest.mark.parametrize("tab", ["mine", "following"])
def test_member_tabs_fall_back_to_latest_for_visitors(
    tab, category, threads_in_every_state, visitor_client
):
    latest = thread_ids(visitor_client.get(category.get_absolute_url()))

    response = visitor_client.get(category.get_absolute_url(), {"tab": tab})

    assert response.status_code == 200
    assert thread_ids(response) == latest
    assert 'href="?tab=mine' not in response.text
    assert 'href="?tab=following' not in response.text


def test_members_see_their_own_tabs(category, thread, asker_client):
    response = asker_client.get(category.get_absolute_url())

    assert 'href="?tab=mine' in response.text
    assert 'href="?tab=following' in response.text


def test_the_tabs_page_through_their_own_threads(
    small_pages, category, many_threads, member, asker_client
):
    response = asker_client.get(category.get_absolute_url(), {"tab": "mine"})
    seen = thread_ids(response)
    while "next" in pager(response):
        response = asker_client.get(category.get_absolute_url() + pager(response)["next"])
        seen += thread_ids(response)

    mine = Thread.objects.filter(author=member).order_by("-last_activity_at", "-pk")
    assert seen == list(mine.values_list("pk", flat=True))


def test_an_htmx_tab_switch_returns_only_the_thread_list(category, thread, visitor_client):
    response = visitor_client.get(
        category.get_absolute_url(), {"tab": "unanswered"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="thread-list"')
    assert thread_ids(response) == [thread.pk]


def test_hidden_threads_are_listed_for_moderators_only(
    category, thread, moderator_client, asker_client
):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    assert thread_ids(asker_client.get(category.get_absolute_url())) == []
    assert thread_ids(moderator_client.get(category.get_absolute_url())) == [thread.pk]
