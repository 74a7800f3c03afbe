"""`seed_demo`'s ten weeks of history (demo/history.py): enough for every chart of the
analytics, a before/after around the release four weeks ago, and the rollups built."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from analytics import measures, selectors
from analytics.models import DailyRollup
from demo import history
from escalation.models import SatisfactionRating, Ticket, TicketEvent
from forum.models import Category, Post, Thread
from safety.models import SecretRefusal
from tests.demo.conftest import seed


@pytest.fixture(scope="module")
def demo_with_history(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        output = seed(history=True)
        yield output
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def older(demo_with_history, db):
    return Thread.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).exclude(
        ticket__isnull=False, ticket__events__kind=TicketEvent.Kind.ASKER_REPLIED
    )


def shanghai(instant):
    return instant.astimezone(history.ZONE)


def test_it_covers_ten_weeks_and_says_so(demo_with_history, db):
    first = Thread.objects.order_by("created_at").first().created_at

    assert timezone.now() - first >= timedelta(weeks=10)
    assert "older questions" in demo_with_history
    assert Thread.objects.count() > 400


def test_questions_peak_on_weekday_evenings_in_shanghai(older):
    asked = [shanghai(at) for at in older.values_list("created_at", flat=True)]
    by_hour = Counter(at.hour for at in asked)
    by_weekday = Counter(at.weekday() for at in asked)

    assert sum(by_hour[hour] for hour in (20, 21, 22)) > 3 * sum(by_hour[h] for h in (3, 4, 5))
    assert min(by_weekday[day] for day in range(5)) > max(by_weekday[5], by_weekday[6])


@pytest.mark.parametrize("days_later", range(0, 364, 13))
def test_the_weekly_shape_holds_whatever_the_seed_date(demo_with_history, db, days_later):
    """The history is drawn relative to the day it is seeded: on every date, each weekday
    has more questions than either weekend day (CI once seeded on a date whose random
    draws gave a Saturday more questions than a Monday)."""
    people = {user.username: user for user in User.objects.all()}
    categories = {category.slug: category for category in Category.objects.all()}
    now = timezone.now() + timedelta(days=days_later)
    world = history._World(random.Random(history.SEED), now, people, categories)
    full_days = world.start + timedelta(days=1), world.end - timedelta(days=1)
    by_weekday = Counter(
        shanghai(plan["asked"]).weekday()
        for plan in world.plan()
        if full_days[0] <= plan["asked"] < full_days[1]
    )

    assert min(by_weekday[day] for day in range(5)) > max(by_weekday[5], by_weekday[6])


def test_transfer_questions_rise_after_the_release(demo_with_history, db):
    release = timezone.now() - timedelta(days=history.RELEASE_DAYS_AGO)
    transfers = Thread.objects.filter(category__slug="transfers")
    before = transfers.filter(
        created_at__gte=release - timedelta(weeks=4), created_at__lt=release
    ).count()
    after = transfers.filter(created_at__gte=release).count()

    assert after > 1.5 * before
    assert transfers.filter(title__contains=history.RELEASE).exists()


def test_each_threads_count_of_support_team_answers_agrees_with_its_posts(older):
    """What forum.services keep for every reply, the history writes in bulk: search's
    "answered by the support team" reads it."""
    counted = older.annotate(
        agent_replies=Count(
            "posts",
            filter=Q(
                posts__number__gt=1,
                posts__posted_as="agent",
                posts__is_hidden=False,
                posts__deleted_at__isnull=True,
            ),
        )
    )
    assert counted.filter(agent_replies__gt=0).exists()
    assert not counted.exclude(staff_answer_count=F("agent_replies")).exists()


def test_the_community_answers_and_askers_accept(older):
    accepted = older.filter(accepted_post__isnull=False)

    assert accepted.filter(accepted_post__posted_as="").count() > 50
    assert accepted.filter(accepted_post__posted_as="agent").exists()
    for thread in accepted[:50]:
        assert thread.state == Thread.State.SOLVED
        assert thread.solved_at
        assert thread.accepted_post.thread_id == thread.pk
    assert older.filter(needs_help_at__isnull=False).count() > 20


def test_tickets_by_every_reason_with_the_teams_work_in_and_out_of_target(demo_with_history, db):
    tickets = Ticket.objects.filter(created_at__lt=timezone.now() - timedelta(days=3))
    reasons = Counter(tickets.values_list("reason", flat=True))

    assert {"unanswered", "unsolved", "asker", "moderator"} <= set(reasons)
    assert tickets.filter(first_responded_at__isnull=False).count() > 100
    assert tickets.filter(first_response_breached_at__isnull=False).exists()
    assert tickets.filter(first_response_breached_at__isnull=True).count() > 50
    assert tickets.filter(resolution_breached_at__isnull=False).exists()
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.REOPENED).count() > 5
    assert tickets.filter(status=Ticket.Status.CLOSED).count() > 50


def test_every_ticket_starts_with_its_creation_and_ends_in_its_status(demo_with_history, db):
    for ticket in Ticket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        assert events[0].kind == TicketEvent.Kind.CREATED
        assert events[0].created_at == ticket.created_at
        assert [event.created_at for event in events] == sorted(e.created_at for e in events)
        moves = [event.to_status for event in events if event.to_status]
        assert moves[-1] == ticket.status, ticket.reference
        assert (ticket.assignee_id is None) == (ticket.status == Ticket.Status.NEW)
        staff = Post.objects.filter(thread_id=ticket.thread_id, posted_as="agent")
        if ticket.first_responded_at:
            assert staff.order_by("created_at").first().created_at == ticket.first_responded_at


def test_askers_rated_the_help_with_comments_in_both_languages(demo_with_history, db):
    ratings = SatisfactionRating.objects.all()
    comments = list(ratings.exclude(comment="").values_list("comment", flat=True))

    assert ratings.count() > 50
    assert set(ratings.values_list("score", flat=True)) == {1, 2, 3, 4, 5}
    assert any("谢谢" in comment or "客服" in comment for comment in comments)
    assert any("thank" in comment.lower() for comment in comments)


def test_the_secret_guard_refused_some_posts(demo_with_history, db):
    assert SecretRefusal.objects.count() > 30


def test_the_rollups_are_built_for_the_whole_history(demo_with_history, db):
    today = timezone.localdate()
    first = today - timedelta(weeks=10)

    assert DailyRollup.objects.filter(day__lte=first + timedelta(days=3)).exists()
    period = selectors.period_measures(first=first, last=today, scope=DailyRollup.Scope.CATEGORY)
    assert period[measures.ASKED] == Thread.objects.filter(is_hidden=False).count()
    assert period.escalated > 100
    assert period[measures.RATINGS] > 50
    assert period.median(measures.FIRST_RESPONSE_TIME)
    assert selectors.typical_first_response_by_queue(today=today)


@pytest.mark.django_db(transaction=True)
def test_a_second_seed_adds_no_history(demo_with_history):
    before = (Thread.objects.count(), Ticket.objects.count(), DailyRollup.objects.count())
    transfers = Category.objects.get(slug="transfers").thread_count

    output = seed(history=True)

    assert "older questions" not in output
    assert (Thread.objects.count(), Ticket.objects.count(), DailyRollup.objects.count()) == before
    assert Category.objects.get(slug="transfers").thread_count == transfers
