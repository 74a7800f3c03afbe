"""The satisfaction survey at the service level: opaque signed links, one rating per
cycle of a ticket, an optional comment once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import override_settings

from escalation.models import SatisfactionRating, SurveyInvitation, Ticket, TicketEvent
from escalation.services import lifecycle, replies, surveys, sweep, tickets
from forum.errors import InvalidTransition
from notifications.models import Notification
from tests.escalation.conftest import T0, committed

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
RESOLVED_AT = T0 + 3 * HOUR
INVALID = "This survey link is not valid."


@pytest.fixture
def ticket(ask, moderator, agent):
    """Answered by the agent and resolved: the asker has their survey."""
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=ask(), now=T0 + HOUR)
    committed(replies.staff_reply, actor=agent, ticket=ticket, body="Confirmed.", now=T0 + 2 * HOUR)
    lifecycle.resolve(actor=agent, ticket=ticket, note="On chain.", now=RESOLVED_AT)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.escalation_count) == (Ticket.Status.RESOLVED, 1)
    return ticket


def rate(ticket, score=5, *, cycle=1, now=RESOLVED_AT + HOUR):
    return surveys.rate(ticket=ticket, cycle=cycle, score=score, now=now)


def snapshot(ticket) -> tuple:
    return (
        list(SatisfactionRating.objects.filter(ticket=ticket).values()),
        ticket.events.count(),
    )


# --- The link -------------------------------------------------------------------------


def test_the_resolution_tells_the_asker_what_the_links_need(ticket, member):
    note = Notification.objects.get(recipient=member, kind=Notification.Kind.REQUEST_RESOLVED)

    assert (note.params["ticket_id"], note.params["cycle"]) == (ticket.pk, 1)
    assert note.url == ticket.get_absolute_url()


def test_a_token_names_its_ticket_and_cycle(ticket):
    token = surveys.make_token(ticket_id=ticket.pk, cycle=1)

    link = surveys.read_token(token)

    assert (link.ticket, link.cycle, link.token) == (ticket, 1, token)


def test_every_link_of_a_cycle_carries_the_same_key(ticket):
    first = surveys.make_token(ticket_id=ticket.pk, cycle=1)
    second = surveys.make_token(ticket_id=ticket.pk, cycle=1)

    assert first.split(":")[0] == second.split(":")[0]
    assert SurveyInvitation.objects.filter(ticket=ticket).count() == 1


def test_a_survey_path_carries_the_token_and_the_score(ticket):
    path = surveys.survey_path(ticket_id=ticket.pk, cycle=1, score=4)

    prefix, token, score, _end = path.rsplit("/", 3)
    assert (prefix.endswith("/survey"), score) == (True, "4")
    assert surveys.read_token(token).ticket == ticket


def test_no_token_is_made_for_a_ticket_that_does_not_exist(ticket):
    with pytest.raises(Ticket.DoesNotExist):
        surveys.make_token(ticket_id=ticket.pk + 1000, cycle=1)

    assert not SurveyInvitation.objects.filter(ticket_id=ticket.pk + 1000).exists()


def _tampered(ticket) -> list[str]:
    token = surveys.make_token(ticket_id=ticket.pk, cycle=1)
    key = token.split(":")[0]
    signer = signing.TimestampSigner(salt=surveys.SALT)
    return [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature changed
        ("b" if key[0] == "a" else "a") + token[1:],  # another key, this signature
        signing.TimestampSigner(salt="another.purpose").sign(key),  # signed for something else
        signer.sign("x" * 24),  # signed, but no such invitation
        signer.sign("short"),
        signer.sign(""),
        signing.dumps([ticket.pk, 1], salt=surveys.LEGACY_SALT),  # the old format records nothing
        "",
        "not-a-token",
        "💥:💥",
    ]


def test_a_tampered_or_foreign_token_is_not_valid(ticket):
    for token in _tampered(ticket):
        with pytest.raises(surveys.InvalidSurveyLink) as refused:
            surveys.read_token(token)
        assert refused.value.message == INVALID, token


def _legacy_refused(ticket) -> list[str]:
    return [
        signing.dumps([ticket.pk], salt=surveys.LEGACY_SALT),  # not a ticket and a cycle
        signing.dumps({"ticket": ticket.pk}, salt=surveys.LEGACY_SALT),
        signing.dumps(["1", "1"], salt=surveys.LEGACY_SALT),
        signing.dumps([ticket.pk, 0], salt=surveys.LEGACY_SALT),
        signing.dumps([ticket.pk + 1000, 1], salt=surveys.LEGACY_SALT),  # no such ticket
        signing.dumps([ticket.pk, 1], salt="another.purpose"),
        "not-a-token",
    ]


def test_an_old_format_link_is_read_only_when_asked_and_then_gets_a_new_token(ticket):
    old = signing.dumps([ticket.pk, 1], salt=surveys.LEGACY_SALT)

    link = surveys.read_token(old, accept_legacy=True)

    assert (link.ticket, link.cycle) == (ticket, 1)
    assert link.token != old
    assert surveys.read_token(link.token).ticket == ticket
    for token in _legacy_refused(ticket):
        with pytest.raises(surveys.InvalidSurveyLink) as refused:
            surveys.read_token(token, accept_legacy=True)
        assert refused.value.message == INVALID, token


@override_settings(HANDOFF_SURVEY_DAYS=2)
def test_a_token_expires_after_the_configured_days(ticket):
    with time_machine.travel(RESOLVED_AT, tick=False):
        token = surveys.make_token(ticket_id=ticket.pk, cycle=1)

    with time_machine.travel(RESOLVED_AT + 2 * DAY - HOUR, tick=False):
        assert surveys.read_token(token).ticket == ticket
    with (
        time_machine.travel(RESOLVED_AT + 2 * DAY + HOUR, tick=False),
        pytest.raises(surveys.InvalidSurveyLink) as refused,
    ):
        surveys.read_token(token)

    assert refused.value.message == (
        "This survey link has expired. You can still rate the help on your request's page."
    )


def test_links_last_thirty_days_by_default(ticket):
    with time_machine.travel(RESOLVED_AT, tick=False):
        token = surveys.make_token(ticket_id=ticket.pk, cycle=1)

    with time_machine.travel(RESOLVED_AT + 29 * DAY, tick=False):
        assert surveys.read_token(token).ticket == ticket
    with (
        time_machine.travel(RESOLVED_AT + 31 * DAY, tick=False),
        pytest.raises(surveys.InvalidSurveyLink),
    ):
        surveys.read_token(token)


# --- Rating -------------------------------------------------------------------------------


def test_the_first_click_records_the_score_and_logs_it(ticket, member):
    rating = rate(ticket, 4, now=RESOLVED_AT + HOUR)

    assert (rating.ticket, rating.cycle, rating.score, rating.created_at) == (
        ticket,
        1,
        4,
        RESOLVED_AT + HOUR,
    )
    assert surveys.current_rating(ticket) == rating
    event = ticket.events.last()
    assert (event.kind, event.actor, event.detail, event.created_at) == (
        TicketEvent.Kind.RATED,
        member,
        "4",
        RESOLVED_AT + HOUR,
    )
    assert (event.from_status, event.to_status) == (Ticket.Status.RESOLVED, Ticket.Status.RESOLVED)


def test_a_score_sent_as_text_is_read(ticket):
    assert rate(ticket, "3").score == 3


@pytest.mark.parametrize("score", [0, 6, -1, "", "five", None, "4.5", 100])
def test_a_score_out_of_range_is_refused_and_nothing_is_recorded(ticket, score):
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition) as refused:
        rate(ticket, score)

    assert str(refused.value) == "Choose a rating from 1 to 5."
    assert snapshot(ticket) == before


def test_a_new_score_within_a_week_changes_the_rating_and_logs_the_change(ticket, member):
    first = rate(ticket, 2)

    changed = rate(ticket, 5, now=first.created_at + 7 * DAY - HOUR)

    assert (changed.pk, changed.score) == (first.pk, 5)
    assert changed.created_at == first.created_at  # the window counts from the first score
    assert changed.changed_at == first.created_at + 7 * DAY - HOUR
    event = ticket.events.get(kind=TicketEvent.Kind.RATING_CHANGED)
    assert (event.detail, event.actor, event.detail_label) == ("2→5", member, "2 → 5")
    assert ticket.events.filter(kind=TicketEvent.Kind.RATED).count() == 1


def test_the_same_score_again_changes_nothing(ticket):
    rate(ticket, 4)
    before = snapshot(ticket)

    assert rate(ticket, 4, now=RESOLVED_AT + 2 * HOUR).score == 4

    assert snapshot(ticket) == before


@pytest.mark.parametrize("second_score", [5, 1])
def test_after_the_window_the_rating_can_no_longer_change(ticket, second_score):
    first = rate(ticket, 3)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition) as refused:
        rate(ticket, second_score, now=first.created_at + 7 * DAY)

    assert str(refused.value) == (
        "A rating can be changed for 7 days after it is given, and this one no longer can. "
        "Thank you for telling us how we did!"
    )
    assert snapshot(ticket) == before


@override_settings(SURVEY_CHANGE_DAYS=1)
def test_the_window_is_a_setting(ticket):
    first = rate(ticket, 3)

    with pytest.raises(InvalidTransition, match="for 1 day after it is given"):
        rate(ticket, 4, now=first.created_at + DAY)
    assert surveys.change_until(first) == first.created_at + DAY


def test_a_closed_ticket_can_still_be_rated(ticket, policy):
    sweep.sweep(now=RESOLVED_AT + policy.close_resolved_after)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED

    assert rate(ticket, 2, now=RESOLVED_AT + 8 * DAY).score == 2


def test_the_old_cycles_link_is_refused_after_a_reopening(ticket, member, agent):
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition, match="reopened after this survey was sent"):
        rate(ticket, 5, cycle=1)
    assert snapshot(ticket) == before

    # Resolved again: the second cycle's link works, the first cycle's still does not.
    lifecycle.resolve(actor=agent, ticket=ticket, now=RESOLVED_AT + 2 * HOUR)
    ticket.refresh_from_db()
    with pytest.raises(InvalidTransition, match="reopened after this survey was sent"):
        rate(ticket, 5, cycle=1)
    assert rate(ticket, 3, cycle=2).cycle == 2
    assert surveys.current_rating(ticket).score == 3


def test_each_cycle_has_its_own_rating(ticket, member, agent):
    rate(ticket, 2, cycle=1)
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=RESOLVED_AT + HOUR)
    lifecycle.resolve(actor=agent, ticket=ticket, now=RESOLVED_AT + 2 * HOUR)
    ticket.refresh_from_db()

    rate(ticket, 5, cycle=2)

    assert list(ticket.ratings.order_by("cycle").values_list("cycle", "score")) == [(1, 2), (2, 5)]
    rate(ticket, 1, cycle=2)  # a change, of this cycle's rating only
    assert list(ticket.ratings.order_by("cycle").values_list("cycle", "score")) == [(1, 2), (2, 1)]


def test_a_ticket_still_being_worked_cannot_be_rated(ask, moderator):
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=ask(), now=T0 + HOUR)

    assert not surveys.can_rate(ticket)
    with pytest.raises(InvalidTransition):
        rate(ticket, 5)
    assert not SatisfactionRating.objects.exists()


# --- The comment after the click -------------------------------------------------------------


def test_a_comment_is_added_once(ticket):
    rating = rate(ticket, 4)

    surveys.add_comment(
        rating=rating, comment="  很快就解决了，谢谢！  ", now=RESOLVED_AT + 2 * HOUR
    )

    rating.refresh_from_db()
    assert (rating.comment, rating.commented_at) == ("很快就解决了，谢谢！", RESOLVED_AT + 2 * HOUR)
    with pytest.raises(InvalidTransition) as refused:
        surveys.add_comment(rating=rating, comment="Actually, one more thing")
    assert str(refused.value) == "You have already left a comment. Thank you!"
    rating.refresh_from_db()
    assert rating.comment == "很快就解决了，谢谢！"


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("", "Write a comment, or just close this page."),
        ("   \n ", "Write a comment, or just close this page."),
        (None, "Write a comment, or just close this page."),
        ("x" * 2001, "Keep the comment under 2,000 characters."),
    ],
)
def test_an_empty_or_too_long_comment_is_refused_and_nothing_is_saved(ticket, comment, message):
    rating = rate(ticket, 4)

    with pytest.raises(InvalidTransition) as refused:
        surveys.add_comment(rating=rating, comment=comment)

    assert str(refused.value) == message
    rating.refresh_from_db()
    assert (rating.comment, rating.commented_at) == ("", None)


def test_a_comment_of_exactly_the_longest_length_is_kept(ticket):
    rating = surveys.add_comment(rating=rate(ticket, 4), comment="好" * 2000)

    assert len(rating.comment) == 2000


# --- Rating and comment together (the survey page and the request's page) ------------------


def test_a_rating_with_a_comment_is_recorded_together(ticket):
    rating, is_new = surveys.rate_or_comment(
        ticket=ticket, cycle=1, score=4, comment="Kind.", now=RESOLVED_AT + HOUR
    )

    assert is_new
    assert (rating.score, rating.comment, rating.commented_at) == (4, "Kind.", RESOLVED_AT + HOUR)


def test_a_refused_comment_takes_the_score_back_with_it(ticket):
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition, match="under 2,000 characters"):
        surveys.rate_or_comment(ticket=ticket, cycle=1, score=4, comment="x" * 2001)

    assert snapshot(ticket) == before
