"""Moderators silence and suspend accounts (forum.sanctions): issue 15, item 1."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles, standing, trust
from accounts.models import Sanction
from config import times
from forum import sanctions
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Flag, ModerationLog, Post
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from notifications.models import OutboundEmail
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

SCAM = Flag.Reason.SCAM
REASON = "Posts links to a fake wallet recovery site"


@pytest.fixture
def scammer(db):
    return UserFactory(
        username="wallet_recovery_desk",
        display_name="Wallet Recovery Desk",
        timezone="Asia/Shanghai",
    )


@pytest.fixture
def scam_posts(thread, scammer, member, other_member):
    """Two of the scammer's replies, flagged; the first hidden automatically by the flags."""
    first = forum_posting.create_post(
        author=scammer, thread=thread, body="DM me to recover your funds"
    )
    second = forum_posting.create_post(
        author=scammer, thread=thread, body="Visit my recovery desk site"
    )
    forum_moderation.flag_post(actor=member, post=first, reason=SCAM)
    forum_moderation.flag_post(actor=other_member, post=second, reason=SCAM)
    Post.objects.filter(pk=first.pk).update(is_hidden=True, auto_hidden_at=timezone.now())
    return [first, second]


def silence(moderator, member, *, days=7, now=None, reason=REASON):
    now = now or timezone.now()
    return sanctions.silence_member(
        actor=moderator, member=member, reason=reason, ends_at=now + timedelta(days=days), now=now
    )


# --- Silence ---------------------------------------------------------------------


def test_a_silenced_member_cannot_reply_and_is_told_why_and_until_when(moderator, scammer, thread):
    now = timezone.now()
    silence(moderator, scammer, now=now)
    with pytest.raises(NotAllowed) as refused:
        forum_posting.create_post(author=scammer, thread=thread, body="one more try")
    message = str(refused.value)
    assert REASON in message
    assert times.absolute_text(now + timedelta(days=7)) in message
    assert "silenced" in message


def test_the_reply_view_shows_the_refusal_and_posts_nothing(moderator, scammer, thread):
    silence(moderator, scammer)
    client = client_for(scammer)
    before = Post.objects.count()
    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"body": "Visit my site"}, follow=True
    )
    assert Post.objects.count() == before
    assert REASON in response.content.decode()


def test_a_silenced_member_cannot_ask_edit_or_flag(moderator, scammer, thread, category, question):
    mine = forum_posting.create_post(author=scammer, thread=thread, body="an answer of mine")
    silence(moderator, scammer)
    with pytest.raises(NotAllowed):
        forum_posting.create_thread(
            author=scammer, category=category, title="A title here", body="x" * 30
        )
    with pytest.raises(NotAllowed):
        forum_posting.edit_post(actor=scammer, post=mine, body="changed")
    with pytest.raises(NotAllowed):
        forum_moderation.flag_post(actor=scammer, post=question, reason=SCAM)


def test_a_silenced_member_may_still_read_and_sees_a_banner(moderator, scammer, thread):
    silence(moderator, scammer)
    response = client_for(scammer).get(thread.get_absolute_url())
    assert response.status_code == 200
    assert "data-sanction-notice" in response.content.decode()
    assert REASON in response.content.decode()


def test_the_silence_ends_by_the_clock(moderator, scammer, thread):
    now = timezone.now()
    silence(moderator, scammer, days=3, now=now)
    later = now + timedelta(days=3, seconds=1)
    assert standing.is_silenced(scammer, now=now + timedelta(days=2))
    assert not standing.is_silenced(scammer, now=later)
    post = forum_posting.create_post(author=scammer, thread=thread, body="back again", now=later)
    assert post.pk


def test_the_posts_waiting_for_review_are_hidden_at_once(moderator, scammer, scam_posts):
    first, second = scam_posts
    silence(moderator, scammer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_hidden
    assert not first.is_awaiting_review
    assert second.is_hidden
    assert not Flag.objects.filter(post__in=scam_posts, resolved_at=None).exists()


def test_the_log_says_who_when_why_and_until_when(moderator, scammer):
    now = timezone.now()
    sanction = silence(moderator, scammer, now=now)
    entry = ModerationLog.objects.get(action=ModerationLog.Action.SILENCE_MEMBER)
    assert (entry.actor, entry.member, entry.reason) == (moderator, scammer, REASON)
    assert entry.until == sanction.ends_at == now + timedelta(days=7)
    assert entry.created_at == now


def test_the_log_page_shows_the_member_and_the_end(moderator, scammer):
    silence(moderator, scammer)
    page = client_for(moderator).get(reverse("forum:moderation-log")).content.decode()
    assert "@wallet_recovery_desk" in page
    assert REASON in page
    assert "Silenced a member" in page


# --- Suspend ---------------------------------------------------------------------


def test_a_suspended_member_is_signed_out_at_once(
    moderator, scammer, django_capture_on_commit_callbacks
):
    client = client_for(scammer)
    assert client.get(reverse("accounts:settings")).status_code == 200
    assert Session.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.suspend_member(actor=moderator, member=scammer, reason=REASON, ends_at=None)
    assert Session.objects.count() == 0
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_session_left_behind_does_not_sign_them_in(moderator, scammer):
    client = client_for(scammer)
    Sanction.objects.create(user=scammer, kind="suspend", reason=REASON)
    type(scammer).objects.filter(pk=scammer.pk).update(suspended_until=standing.FOREVER)
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_a_suspended_member_cannot_sign_in_and_is_told_why_in_their_language(
    moderator, scammer, password
):
    type(scammer).objects.filter(pk=scammer.pk).update(language="zh-hans")
    scammer.refresh_from_db()
    sanctions.suspend_member(
        actor=moderator,
        member=scammer,
        reason=REASON,
        ends_at=timezone.now() + timedelta(days=30),
    )
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "wallet_recovery_desk", "password": password}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "您的账户已被暂停" in page
    assert REASON in page
    assert "UTC+8" in page
    assert "_auth_user_id" not in client.session


def test_a_suspension_until_lifted_says_so(moderator, scammer, password):
    sanctions.suspend_member(actor=moderator, member=scammer, reason=REASON, ends_at=None)
    response = Client().post(
        "/accounts/login/", {"login": "wallet_recovery_desk", "password": password}
    )
    assert "until a moderator lifts it" in response.content.decode()


# --- Lifting ---------------------------------------------------------------------


def test_lifting_lets_them_post_again_and_is_logged(moderator, scammer, thread):
    sanction = silence(moderator, scammer)
    sanctions.lift_sanction(actor=moderator, sanction=sanction, reason="Appeal accepted")
    scammer.refresh_from_db()
    assert not standing.is_silenced(scammer)
    assert forum_posting.create_post(author=scammer, thread=thread, body="thank you").pk
    entry = ModerationLog.objects.get(action=ModerationLog.Action.LIFT_SANCTION)
    assert (entry.actor, entry.member, entry.reason) == (moderator, scammer, "Appeal accepted")


def test_an_admin_lifts_a_suspension_from_the_profile(moderator, scammer, admin_user, password):
    sanction = sanctions.suspend_member(
        actor=moderator, member=scammer, reason=REASON, ends_at=None
    )
    admin = client_for(admin_user, second_factor=True)
    from allauth.mfa.models import Authenticator  # noqa: F401  (the admin needs no TOTP here)

    response = admin.post(reverse("forum:lift-sanction", args=[sanction.pk]))
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_by == admin_user
    response = Client().post(
        "/accounts/login/", {"login": "wallet_recovery_desk", "password": password}
    )
    assert response.status_code == 302


def test_lifting_an_ended_sanction_is_refused(moderator, scammer):
    now = timezone.now()
    sanction = silence(moderator, scammer, days=1, now=now)
    with pytest.raises(InvalidTransition):
        sanctions.lift_sanction(actor=moderator, sanction=sanction, now=now + timedelta(days=2))


# --- Emails ------------------------------------------------------------------------


def test_the_member_is_emailed_in_english(moderator, scammer):
    silence(moderator, scammer)
    email = OutboundEmail.objects.get(to=[scammer.email])
    assert email.subject == "[Handoff] Your account is silenced"
    assert REASON in email.text
    assert REASON in email.html
    assert "UTC+8" in email.text  # the end in the member's zone, Asia/Shanghai


def test_the_member_is_emailed_in_chinese(moderator, scammer):
    type(scammer).objects.filter(pk=scammer.pk).update(language="zh-hans")
    scammer.refresh_from_db()
    sanctions.suspend_member(actor=moderator, member=scammer, reason=REASON, ends_at=None)
    email = OutboundEmail.objects.get(to=[scammer.email])
    assert email.subject == "[Handoff] 您的账户已被暂停"
    assert "此限制将持续到版主解除为止" in email.text
    assert "<html" in email.html
    assert REASON in email.html


def test_lifting_is_emailed_too(moderator, scammer):
    sanction = silence(moderator, scammer)
    sanctions.lift_sanction(actor=moderator, sanction=sanction)
    subjects = set(OutboundEmail.objects.values_list("subject", flat=True))
    assert "[Handoff] Your account is in good standing again" in subjects


# --- Permissions -----------------------------------------------------------------


def test_a_member_cannot_sanction(member, scammer):
    with pytest.raises(NotAllowed):
        silence(member, scammer)
    response = client_for(member).post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "silence", "duration": "7d", "reason": REASON},
    )
    assert response.status_code == 403
    assert not Sanction.objects.exists()


def test_a_moderator_with_a_password_only_cannot_sanction(scammer):
    moderator = UserFactory(role=roles.MODERATORS, second_factor=False)
    with pytest.raises(NotAllowed):
        silence(moderator, scammer)
    response = client_for(moderator).post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "silence", "duration": "7d", "reason": REASON},
    )
    assert response.status_code == 302  # sent to confirm two-factor first
    assert "2fa" in response["Location"]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("role", ["agent", "moderator", "admin"])
def test_a_moderator_cannot_sanction_staff(moderator, agent, admin_user, role):
    target = {"agent": agent, "admin": admin_user}.get(role) or UserFactory(role=roles.MODERATORS)
    with pytest.raises(NotAllowed):
        silence(moderator, target)
    assert not Sanction.objects.exists()


def test_a_moderator_cannot_sanction_themselves(moderator):
    with pytest.raises(NotAllowed):
        silence(moderator, moderator)


def test_a_reason_is_required(moderator, scammer):
    with pytest.raises(InvalidTransition):
        silence(moderator, scammer, reason="  ")
    response = client_for(moderator).post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "silence", "duration": "7d", "reason": ""},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    assert not Sanction.objects.exists()


def test_a_bad_duration_changes_nothing(moderator, scammer):
    response = client_for(moderator).post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "silence", "duration": "-1", "reason": REASON},
    )
    assert response.status_code == 302
    assert not Sanction.objects.exists()


# --- Entry points ----------------------------------------------------------------


def test_the_profile_shows_moderators_the_controls(moderator, scammer, member):
    page = client_for(moderator).get(scammer.get_absolute_url()).content.decode()
    assert "data-sanction-form" in page
    assert (
        "data-sanction-form"
        not in client_for(member).get(scammer.get_absolute_url()).content.decode()
    )


def test_the_profile_form_suspends_for_a_period(moderator, scammer):
    response = client_for(moderator).post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "suspend", "duration": "30d", "reason": REASON},
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert sanction.kind == "suspend"
    assert timedelta(days=29) < sanction.ends_at - timezone.now() <= timedelta(days=30)


def test_the_flag_queue_silences_the_author_and_hides_their_posts(moderator, scammer, scam_posts):
    client = client_for(moderator)
    queue = client.get(reverse("forum:flag-queue")).content.decode()
    assert "data-silence-author" in queue
    response = client.post(
        reverse("forum:sanction-member", args=[scammer.username]),
        {"kind": "silence", "duration": "7d", "reason": REASON, "next": "/mod/flags/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/mod/flags/"
    assert standing.is_silenced(type(scammer).objects.get(pk=scammer.pk))
    assert not Post.objects.filter(pk__in=[p.pk for p in scam_posts], is_hidden=False).exists()
    assert "No open flags" in response.content.decode()


def test_the_bulk_form_silences_every_member_ticked(moderator, scammer, thread, member):
    accomplice = UserFactory(username="help_desk_team")
    post = forum_posting.create_post(author=accomplice, thread=thread, body="I can help, DM me")
    forum_moderation.flag_post(actor=member, post=post, reason=SCAM)
    response = client_for(moderator).post(
        reverse("forum:sanction-members"),
        {
            "member": [scammer.pk, accomplice.pk],
            "kind": "silence",
            "duration": "3d",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    assert set(Sanction.objects.values_list("user__username", flat=True)) == {
        "wallet_recovery_desk",
        "help_desk_team",
    }
    post.refresh_from_db()
    assert post.is_hidden


def test_the_bulk_form_changes_nothing_when_one_is_staff(moderator, scammer, agent):
    client_for(moderator).post(
        reverse("forum:sanction-members"),
        {"member": [scammer.pk, agent.pk], "kind": "silence", "duration": "3d", "reason": REASON},
    )
    assert not Sanction.objects.exists()


# --- Trust and limits --------------------------------------------------------------


def test_trust_and_limits_read_the_same_standing(moderator, settings):
    settings.TRUSTED_REPUTATION = 50
    settings.TRUSTED_ACCOUNT_DAYS = 14
    veteran = UserFactory(reputation=500, date_joined=timezone.now() - timedelta(days=400))
    assert trust.is_trusted(veteran)
    assert not trust.is_new_member(veteran)
    now = timezone.now()
    silence(moderator, veteran, days=1, now=now)
    veteran.refresh_from_db()
    assert not trust.is_trusted(veteran)
    assert trust.is_new_member(veteran)
    later = now + timedelta(days=2)
    assert trust.is_trusted(veteran, now=later)
    assert not trust.is_new_member(veteran, now=later)


def test_a_fresh_sign_in_of_a_silenced_member_keeps_them_signed_in(moderator, scammer):
    silence(moderator, scammer)
    client = sign_in(Client(), scammer)
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_the_saved_thread_page_drops_the_banner_when_the_silence_ends(
    moderator, scammer, thread, time_machine
):
    """The member page cache keys on the standing in force, not only the row: a silence
    ends by the clock while the User row stays the same (MEMBER_PAGE_CACHE_VERIFY raises
    if a saved copy would be served stale)."""
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    sanctions.silence_member(
        actor=moderator, member=scammer, reason=REASON, ends_at=now + timedelta(minutes=2), now=now
    )
    client = client_for(scammer)
    assert REASON in client.get(thread.get_absolute_url()).content.decode()
    # Within the saved copy's lifetime (caching.MEMBER_PAGE_TTL).
    time_machine.move_to(now + timedelta(minutes=3), tick=False)
    assert REASON not in client.get(thread.get_absolute_url()).content.decode()
