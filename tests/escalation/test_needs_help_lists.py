"""The forum's side of "needs help": the category tab, the home page section, mark_needs_help."""

from datetime import timedelta

import pytest
from django.test import Client

from escalation.services import lifecycle, sweep, tickets
from forum.models import Thread
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from forum.services import support as forum_support
from tests.escalation.conftest import T0, committed
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
FLAGGED_AT = T0 + 5 * HOUR  # past every fixture thread's 4 hours, but the last one's
HOME_SECTION = 'id="needs-help-heading"'


def titles_listed(html: str, titles) -> set[str]:
    return {title for title in titles if f">{title}</a>" in html}


@pytest.fixture
def threads(ask, reply, member, other_member, moderator):
    """One thread in each state the needs-help list must tell apart."""
    made = {
        name: ask(title=name, at=T0 + n * timedelta(minutes=1))
        for n, name in enumerate(["flagged", "closed after the flag", "hidden after the flag"])
    }
    made["answered in time"] = ask(title="answered in time", at=T0)
    reply(made["answered in time"], author=other_member, at=T0 + HOUR)
    assert sweep.sweep(now=FLAGGED_AT).flagged == 3
    # Closing does not clear the flag, and no service hides a thread: the list must filter.
    committed(
        forum_moderation.set_thread_closed,
        actor=moderator,
        thread=made["closed after the flag"],
        is_closed=True,
    )
    Thread.objects.filter(pk=made["hidden after the flag"].pk).update(is_hidden=True)
    made["not yet due"] = ask(title="not yet due", at=FLAGGED_AT)
    return made


def test_the_needs_help_tab_lists_flagged_open_threads_only(threads, other_member):
    response = client_for(other_member).get("/c/transfers/?tab=needs-help")

    assert response.status_code == 200
    assert titles_listed(response.text, threads) == {"flagged"}
    assert "Needs help</span>" in response.text  # the row's badge


def test_a_flagged_thread_leaves_the_tab_once_answered(threads, reply, other_member):
    reply(threads["flagged"], author=other_member, at=FLAGGED_AT + HOUR)

    response = Client().get("/c/transfers/?tab=needs-help")

    assert titles_listed(response.text, threads) == set()


def test_moderators_also_see_hidden_flagged_threads_in_the_tab(threads, moderator):
    response = client_for(moderator).get("/c/transfers/?tab=needs-help")

    assert titles_listed(response.text, threads) == {"flagged", "hidden after the flag"}


def test_the_home_page_has_no_needs_an_answer_section_without_flagged_threads(ask):
    ask(title="asked a minute ago")

    response = Client().get("/")

    assert response.status_code == 200
    assert HOME_SECTION not in response.text
    assert "Needs help" not in response.text


def test_the_home_page_shows_flagged_threads_in_their_own_section(threads):
    response = Client().get("/")

    section = response.text.split(HOME_SECTION, 1)[1].split("</section>", 1)[0]
    assert "Needs help" in section
    assert titles_listed(section, threads) == {"flagged"}


def test_the_home_section_goes_away_when_the_last_flagged_thread_is_answered(
    threads, reply, other_member
):
    reply(threads["flagged"], author=other_member, at=FLAGGED_AT + HOUR)

    assert HOME_SECTION not in Client().get("/").text


def test_an_escalated_thread_leaves_the_home_section_and_the_tab(threads, moderator, agent):
    """ "Help out before they go to the support team": once they have, they are not listed."""
    ticket = committed(
        tickets.escalate_thread, actor=moderator, thread=threads["flagged"], now=FLAGGED_AT
    )

    home = Client().get("/").text
    tab = Client().get("/c/transfers/?tab=needs-help").text

    assert HOME_SECTION not in home
    assert titles_listed(tab, threads) == set()
    row = home.split(">flagged</a>", 1)[1].split("</li>", 1)[0]  # in the latest questions
    assert "With the support team</span>" in row
    assert "Needs help</span>" not in row

    committed(lifecycle.resolve, actor=agent, ticket=ticket, now=FLAGGED_AT + HOUR)

    home = Client().get("/").text
    assert HOME_SECTION not in home
    row = home.split(">flagged</a>", 1)[1].split("</li>", 1)[0]
    assert "Resolved by the support team</span>" in row


# --- forum.services.support.mark_needs_help ---------------------------------------------


def test_mark_needs_help_returns_only_the_threads_it_flagged(
    ask, reply, member, other_member, moderator
):
    fresh = ask(title="fresh")
    answered = ask(title="answered")
    reply(answered, author=other_member, at=T0 + HOUR)
    solved = ask(title="solved")
    answer = reply(solved, author=other_member, at=T0 + HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer, now=T0 + HOUR)
    hidden = ask(title="hidden")
    Thread.objects.filter(pk=hidden.pk).update(is_hidden=True)
    closed = ask(title="closed")
    committed(forum_moderation.set_thread_closed, actor=moderator, thread=closed, is_closed=True)
    already = ask(title="already flagged")
    assert forum_support.mark_needs_help(thread_ids=[already.pk], now=T0) == [already.pk]
    everything = [fresh.pk, answered.pk, solved.pk, hidden.pk, closed.pk, already.pk, 10**9]

    flagged = forum_support.mark_needs_help(thread_ids=everything, now=FLAGGED_AT)

    assert flagged == [fresh.pk]
    assert Thread.objects.get(pk=fresh.pk).needs_help_at == FLAGGED_AT
    assert Thread.objects.get(pk=already.pk).needs_help_at == T0  # not moved by the second call
    assert set(Thread.objects.filter(needs_help_at__isnull=False).values_list("pk", flat=True)) == {
        fresh.pk,
        already.pk,
    }


def test_mark_needs_help_twice_flags_once(ask):
    thread = ask()

    assert forum_support.mark_needs_help(thread_ids=[thread.pk], now=FLAGGED_AT) == [thread.pk]
    assert forum_support.mark_needs_help(thread_ids=[thread.pk], now=FLAGGED_AT + HOUR) == []


def test_mark_needs_help_with_no_ids_flags_nothing(ask):
    ask()

    assert forum_support.mark_needs_help(thread_ids=[], now=FLAGGED_AT) == []
    assert not Thread.objects.filter(needs_help_at__isnull=False).exists()
