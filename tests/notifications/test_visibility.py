"""What a notification told of is checked again when its email goes and when the list shows it:
a reply a moderator hid in between reaches nobody's inbox, and no list shows its text."""

import importlib
from datetime import timedelta

import pytest
from django.core import mail

from accounts import roles
from escalation.models import EscalationPolicy
from escalation.services import sweep
from forum.services import following as forum_following
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from notifications.models import Notification, OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.factories import ThreadFactory, UserFactory
from tests.forum.conftest import client_for
from tests.notifications.conftest import Kind, notify

pytestmark = pytest.mark.django_db

SCAM = "Support here: DM me on t.me/real_wallet_support with your words"


@pytest.fixture
def thread(member):
    return ThreadFactory(author=member, title="Where did my USDT go?")


@pytest.fixture
def follower(thread):
    user = UserFactory(username="fay", display_name="Fay Follower")
    forum_following.follow_thread(actor=user, thread=thread)
    return user


@pytest.fixture
def scam_reply(thread, other_member, follower):
    """A reply whose notifications (the asker's, the follower's) wait in the outbox."""
    return forum_posting.create_post(author=other_member, thread=thread, body=SCAM)


def _emails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def test_a_reply_hidden_before_the_outbox_flushes_reaches_no_followers_inbox(
    scam_reply, member, follower, moderator
):
    assert OutboundEmail.objects.filter(sent_at=None).count() == 2
    forum_moderation.set_post_hidden(actor=moderator, post=scam_reply, is_hidden=True)

    assert deliver_pending_emails() == 0

    assert mail.outbox == []
    assert OutboundEmail.objects.filter(skipped_at__isnull=False).count() == 2
    assert deliver_pending_emails() == 0  # skipped for good, never tried again


def test_a_reply_still_visible_is_sent_as_before(scam_reply, member, follower):
    assert deliver_pending_emails() == 2

    assert len(_emails_to(member)) == len(_emails_to(follower)) == 1


def test_a_hidden_reply_is_emailed_to_nobody_not_even_a_moderator_who_follows(
    thread, other_member, moderator
):
    """Staff see hidden posts on the site, in a session with a verified second factor
    (accounts.powers); an email leaves that session for an inbox, so it carries none."""
    forum_following.follow_thread(actor=moderator, thread=thread)
    reply = forum_posting.create_post(author=other_member, thread=thread, body=SCAM)
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    assert deliver_pending_emails() == 0

    assert mail.outbox == []


def test_a_question_hidden_before_its_needs_help_email_goes_is_not_sent(member, moderator):
    EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4), escalate_after=timedelta(hours=24)
    )
    thread = ThreadFactory(author=member, title="Send me your words to fix it")
    sweep.sweep(now=thread.created_at + timedelta(hours=5))
    assert Notification.objects.filter(recipient=member, kind=Kind.NEEDS_HELP).exists()

    forum_moderation.set_thread_hidden(actor=moderator, thread=thread, is_hidden=True)
    deliver_pending_emails()

    assert _emails_to(member) == []


def test_a_staff_notification_goes_only_to_someone_still_an_agent(agent):
    notify(agent, Kind.TICKET_ASSIGNED)
    agent.groups.remove(agent.groups.get(name=roles.AGENTS))
    roles.forget([agent.pk])

    assert deliver_pending_emails() == 0

    assert mail.outbox == []


def test_a_staff_notification_to_an_agent_is_sent(agent):
    notify(agent, Kind.TICKET_ASSIGNED)

    assert deliver_pending_emails() == 1


# --- The list -------------------------------------------------------------------------


def test_the_notification_list_shows_no_text_or_title_of_a_hidden_reply(
    scam_reply, follower, moderator
):
    forum_moderation.set_post_hidden(actor=moderator, post=scam_reply, is_hidden=True)

    page = client_for(follower).get("/notifications/").text

    assert "real_wallet_support" not in page
    assert "Where did my USDT go?" not in page
    assert "This notification is no longer available" in page


def test_a_moderator_still_reads_the_notification_of_a_hidden_reply(
    thread, other_member, moderator
):
    forum_following.follow_thread(actor=moderator, thread=thread)
    reply = forum_posting.create_post(author=other_member, thread=thread, body=SCAM)
    forum_moderation.set_post_hidden(actor=moderator, post=reply, is_hidden=True)

    page = client_for(moderator).get("/notifications/").text

    assert "Where did my USDT go?" in page


def test_the_asker_of_a_hidden_question_no_longer_sees_its_title_in_notifications(
    scam_reply, member, moderator
):
    forum_moderation.set_thread_hidden(actor=moderator, thread=scam_reply.thread, is_hidden=True)

    page = client_for(member).get("/notifications/").text

    assert "Where did my USDT go?" not in page
    assert "This notification is no longer available" in page


def test_following_a_notification_of_a_hidden_reply_leads_back_to_the_list(
    scam_reply, follower, moderator
):
    forum_moderation.set_post_hidden(actor=moderator, post=scam_reply, is_hidden=True)
    notification = Notification.objects.get(recipient=follower)

    response = client_for(follower).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_an_email_queued_before_notifications_named_their_subject_is_checked_too(
    scam_reply, follower, moderator
):
    """Notifications written by the code before this change had no thread_id/post_id: the
    migration reads them from the dedupe key (reply:<post id>)."""
    from django.apps import apps

    migration = importlib.import_module("notifications.migrations.0006_notification_subject_ids")
    for notification in Notification.objects.all():
        notification.params = {
            k: v for k, v in notification.params.items() if not k.endswith("_id")
        }
        notification.save(update_fields=["params"])
    forum_moderation.set_post_hidden(actor=moderator, post=scam_reply, is_hidden=True)

    migration.name_subjects(apps, None)

    assert set(Notification.objects.values_list("params__post_id", flat=True)) == {scam_reply.pk}
    assert deliver_pending_emails() == 0
    assert mail.outbox == []
