"""notify(), notify_many(), reading, settings: who is told, on which channel, and the unread count."""

from datetime import UTC, datetime

import pytest

from config.celery import _publish
from notifications import tasks
from notifications.models import Channels, Notification, NotificationSettings, OutboundEmail
from notifications.services import unread, writer
from tests.factories import UserFactory
from tests.notifications.conftest import PARAMS, Kind, choose, notify, unread_count

EMAIL_ONLY = Channels(in_app=False, email=True)
SITE_ONLY = Channels(in_app=True, email=False)
NEITHER = Channels(in_app=False, email=False)


# --- Channels and defaults ------------------------------------------------------


def test_notify_writes_an_unread_notification_and_counts_it(member):
    notification = notify(member)

    assert notification.recipient == member
    assert notification.kind == Kind.REPLY
    assert notification.url == "/p/1/"
    assert notification.params == PARAMS[Kind.REPLY]
    assert notification.is_unread
    assert notification.is_in_app
    assert unread_count(member) == 1


def test_notify_stores_values_not_text(member):
    notify(member)

    row = Notification.objects.get()
    assert row.params == PARAMS[Kind.REPLY]
    assert "replied" not in str(row.params)


def test_by_default_a_reply_also_sends_an_email(member):
    notify(member)

    email = OutboundEmail.objects.get()
    assert email.to == [member.email]
    assert "Otto Other replied to “USDT stuck as pending”" in email.text


def test_the_email_is_enqueued_only_after_commit(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(member)

    email = OutboundEmail.objects.get()
    assert [(c.func, c.args) for c in callbacks] == [
        (_publish, (tasks.deliver_email, (email.pk,), {}))
    ]


def test_email_off_means_on_the_site_only(member):
    choose(member, reply=SITE_ONLY)

    notify(member)

    assert Notification.objects.get().is_in_app
    assert unread_count(member) == 1
    assert not OutboundEmail.objects.exists()


def test_site_off_means_email_only_never_listed_nor_counted(member):
    choose(member, reply=EMAIL_ONLY)

    notification = notify(member)

    assert notification is not None
    assert not notification.is_in_app
    assert not notification.is_unread
    assert unread_count(member) == 0
    assert OutboundEmail.objects.count() == 1


def test_both_channels_off_means_nothing_at_all(member):
    choose(member, reply=NEITHER)

    assert notify(member) is None

    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert unread_count(member) == 0


def test_a_choice_for_one_kind_leaves_the_others_alone(member):
    choose(member, reply=NEITHER)

    notify(member, Kind.ANSWER_ACCEPTED)

    assert Notification.objects.get().kind == Kind.ANSWER_ACCEPTED
    assert OutboundEmail.objects.count() == 1


def test_settings_keep_only_what_differs_from_the_defaults(member):
    choose(member, reply=SITE_ONLY, helper_needs_help=Channels(in_app=True, email=False))

    assert NotificationSettings.objects.get(user=member).channels == {"reply": {"email": False}}


def test_a_user_without_an_email_address_is_told_on_the_site(db):
    person = UserFactory(email="")

    notify(person)

    assert unread_count(person) == 1
    assert not OutboundEmail.objects.exists()


def test_the_actor_is_never_told_about_their_own_action(member):
    assert notify(member, actor=member) is None

    assert not Notification.objects.exists()
    assert unread_count(member) == 0


def test_the_actor_is_recorded(member, other_member):
    assert notify(member, actor=other_member).actor == other_member


def test_an_inactive_user_gets_nothing(member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert notify(member) is None

    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


# --- Dedupe ---------------------------------------------------------------------------


def test_a_second_notify_with_the_same_key_does_nothing(member):
    first = notify(member, Kind.ESCALATED, dedupe_key="escalated:7")

    assert notify(member, Kind.ESCALATED, dedupe_key="escalated:7") is None

    assert list(Notification.objects.all()) == [first]
    assert OutboundEmail.objects.count() == 1
    assert unread_count(member) == 1


def test_the_same_key_for_two_people_tells_both(member, other_member):
    notify(member, dedupe_key="reply:9")
    notify(other_member, dedupe_key="reply:9")

    assert Notification.objects.count() == 2


def test_without_a_key_nothing_is_deduplicated(member):
    notify(member)
    notify(member)

    assert Notification.objects.count() == 2
    assert unread_count(member) == 2


def test_an_email_only_notification_still_holds_its_key(member):
    choose(member, escalated=EMAIL_ONLY)

    notify(member, Kind.ESCALATED, dedupe_key="escalated:7")
    notify(member, Kind.ESCALATED, dedupe_key="escalated:7")

    assert OutboundEmail.objects.count() == 1


# --- What notify refuses -----------------------------------------------------------


def test_notify_refuses_a_kind_it_does_not_know(member):
    with pytest.raises(ValueError, match="is not a valid"):
        writer.notify(recipient=member, kind="gossip", url="/", params={})


def test_notify_refuses_a_message_without_its_params(member):
    with pytest.raises(ValueError, match="needs first_response_due_at, reference"):
        writer.notify(
            recipient=member, kind=Kind.ESCALATED, url="/t/1/", params={"thread_title": "Fees"}
        )


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "/\\evil.example", ""])
def test_notify_refuses_a_link_that_leaves_the_site(member, url):
    with pytest.raises(ValueError, match="paths on this site"):
        notify(member, url=url)


def test_datetimes_in_params_are_kept_as_iso_utc(member):
    due = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    notification = notify(
        member,
        Kind.ESCALATED,
        params={"thread_title": "Fees", "reference": "HO-1", "first_response_due_at": due},
    )

    assert notification.params["first_response_due_at"] == "2026-03-02T09:30:00+00:00"


# --- Helpers ----------------------------------------------------------------------


def test_helper_alerts_reach_only_helpers(member, helper):
    assert notify(member, Kind.HELPER_NEEDS_HELP) is None
    assert notify(helper, Kind.HELPER_NEEDS_HELP) is not None


def test_helper_alerts_come_by_email_only_to_helpers_who_ask(db):
    helper = UserFactory()
    choose(helper, is_helper=True)

    notify(helper, Kind.HELPER_NEEDS_HELP)

    assert unread_count(helper) == 1
    assert not OutboundEmail.objects.exists()


# --- notify_many ----------------------------------------------------------------------


def _notify_many(recipients, kind=Kind.REPLY, **kwargs):
    kwargs.setdefault("url", "/p/1/")
    kwargs.setdefault("params", PARAMS[kind])
    return writer.notify_many(recipients=recipients, kind=kind, **kwargs)


def test_notify_many_tells_each_person_once(member, other_member):
    told = _notify_many([member, other_member, member])

    assert told == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "member",
        "other",
    ]
    assert unread_count(member) == 1
    assert unread_count(other_member) == 1
    assert sorted(to for e in OutboundEmail.objects.all() for to in e.to) == sorted(
        [member.email, other_member.email]
    )


def test_notify_many_skips_the_actor_and_the_inactive(member, other_member, moderator):
    moderator.is_active = False
    moderator.save(update_fields=["is_active"])

    told = _notify_many([member, other_member, moderator], actor=other_member)

    assert told == 1
    assert Notification.objects.get().recipient == member


def test_notify_many_respects_each_persons_channels(member, other_member, moderator):
    choose(member, reply=SITE_ONLY)
    choose(other_member, reply=NEITHER)

    _notify_many([member, other_member, moderator])

    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        member.pk,
        moderator.pk,
    }
    assert [e.to for e in OutboundEmail.objects.all()] == [[moderator.email]]


def test_notify_many_skips_whoever_was_already_told_under_the_key(member, other_member):
    notify(member, dedupe_key="reply:5")

    told = _notify_many([member, other_member], dedupe_key="reply:5")

    assert told == 1
    assert Notification.objects.filter(recipient=member).count() == 1
    assert unread_count(member) == 1
    assert unread_count(other_member) == 1


def test_notify_many_costs_the_same_queries_for_thirty_as_for_three(
    db, django_assert_num_queries, django_assert_max_num_queries
):
    few = UserFactory.create_batch(3)
    many = UserFactory.create_batch(30)
    for person in few[:1] + many[:1]:
        choose(person, reply=SITE_ONLY)

    # Settings, the insert (which skips keys told already and returns the ids written),
    # the lock and UPDATE of the unread counts, the emails (a COPY on PostgreSQL, which
    # the count does not see).
    with django_assert_max_num_queries(5) as few_queries:
        _notify_many(few, dedupe_key="reply:1")
    with django_assert_num_queries(len(few_queries.captured_queries)):
        _notify_many(many, dedupe_key="reply:2")

    assert Notification.objects.count() == 33


def test_notify_many_with_nobody_to_tell_costs_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _notify_many([]) == 0


# --- The unread count ----------------------------------------------------------------


def test_mark_read_counts_down_by_what_was_unread(member):
    first, second, _third = notify(member), notify(member), notify(member)

    assert unread.mark_read(user=member, notification_ids=[first.pk, second.pk]) == 2

    assert unread_count(member) == 1
    assert member.unread_notification_count == 1  # the caller's copy follows


def test_mark_read_twice_counts_once(member):
    first, _second = notify(member), notify(member)
    unread.mark_read(user=member, notification_ids=[first.pk])

    assert unread.mark_read(user=member, notification_ids=[first.pk]) == 0

    assert unread_count(member) == 1


def test_mark_read_leaves_other_peoples_notifications_alone(member, other_member):
    theirs = notify(other_member)

    assert unread.mark_read(user=member, notification_ids=[theirs.pk]) == 0

    theirs.refresh_from_db()
    assert theirs.is_unread
    assert unread_count(other_member) == 1


def test_mark_all_read_marks_everything_and_counts_zero(member, other_member):
    notify(member)
    notify(member)
    notify(other_member)

    assert unread.mark_all_read(user=member) == 2

    assert not Notification.objects.filter(recipient=member, read_at=None).exists()
    assert unread_count(member) == 0
    assert unread_count(other_member) == 1


def test_mark_all_read_repairs_a_drifted_count(member):
    notify(member)
    type(member).objects.filter(pk=member.pk).update(unread_notification_count=7)

    unread.mark_all_read(user=member)

    assert unread_count(member) == 0


def test_a_count_that_drifted_low_never_goes_below_zero(member):
    notification = notify(member)
    type(member).objects.filter(pk=member.pk).update(unread_notification_count=0)

    unread.mark_read(user=member, notification_ids=[notification.pk])

    assert unread_count(member) == 0


def test_the_count_follows_a_mix_of_creating_and_reading(member, other_member):
    a = notify(member)
    notify(member, Kind.ESCALATED, dedupe_key="escalated:1")
    notify(member, Kind.ESCALATED, dedupe_key="escalated:1")
    _notify_many([member, other_member], Kind.ANSWER_ACCEPTED, dedupe_key="accepted:3")
    unread.mark_read(user=member, notification_ids=[a.pk, a.pk])
    notify(member, actor=member)

    expected = Notification.objects.filter(recipient=member, read_at=None).count()
    assert expected == 2
    assert unread_count(member) == expected


# --- Settings ------------------------------------------------------------------------


def test_quiet_hours_need_both_ends(member):
    from datetime import time

    with pytest.raises(ValueError, match="both"):
        choose(member, quiet_hours=(time(22), None))
    with pytest.raises(ValueError, match="same time"):
        choose(member, quiet_hours=(time(22), time(22)))

    assert not NotificationSettings.objects.exists()


def test_unread_counts_inside_one_transaction_land_once_at_its_end(member, other_member):
    """A sweep's batch tells askers, then agents: one lock of everyone, in id order, at the end."""
    from django.db import transaction

    with transaction.atomic(), unread.unread_counts_at_end():
        notify(member)
        with unread.unread_counts_at_end():  # joins the outer one
            notify(other_member)
            notify(member, dedupe_key="second")
        assert (unread_count(member), unread_count(other_member)) == (0, 0)

    assert (unread_count(member), unread_count(other_member)) == (2, 1)


def test_unread_counts_pending_when_the_transaction_fails_are_dropped_with_it(member):
    from django.db import transaction

    def failing_batch():
        with transaction.atomic(), unread.unread_counts_at_end():
            notify(member)
            raise RuntimeError("the batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()

    assert unread_count(member) == 0
    assert not Notification.objects.exists()
    notify(member)  # and nothing is left pending for the next one
    assert unread_count(member) == 1
