"""Staff powers need a second factor verified in this session (accounts.powers).

The probe's finding: `tom_support`, signed in with the password only, replied with the
"✔ Support team" badge, moved the ticket to waiting, told the asker "the support team
answered", escalated threads and read hidden ones. A phished staff password must give
nothing staff-like. Two kinds of password-only session are tried everywhere: an agent who
has two-factor but whose session never verified it (the phished password on a session
from before two-factor, or a stolen session cookie), and an agent who never set it up.
"""

import time

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.urls import reverse

from accounts import roles
from escalation.models import Ticket
from escalation.services import tickets as opening
from forum.models import Post, Thread
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from notifications.models import Notification
from notifications.services.writer import notify
from tests.escalation.conftest import T0, committed
from tests.factories import PASSWORD, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

BADGE = "✔ Support team"


@pytest.fixture
def ticket(ask, moderator):
    """A question the moderator handed to the support team: new, nobody on it yet."""
    thread = ask()
    ticket = committed(opening.escalate_thread, actor=moderator, thread=thread)
    assert ticket.status == Ticket.Status.NEW
    return ticket


@pytest.fixture(params=["phished password", "no two-factor"])
def password_only(request, agent, agent_without_mfa):
    """A client signed in as an agent whose session verified no second factor."""
    if request.param == "phished password":
        return agent, client_for(agent, second_factor=False)
    return agent_without_mfa, client_for(agent_without_mfa)


@pytest.fixture
def spam(ask):
    """A reply for a moderator to hide."""
    return committed(
        forum_posting.create_post, author=UserFactory(), thread=ask(), body="Spam spam spam."
    )


def _reply(client, thread, body="Your transfer is confirmed now, please check the app again."):
    return client.post(reverse("forum:reply", args=[thread.pk]), {"body": body})


def _thread_page(client, thread):
    return client.get(thread.get_absolute_url()).content.decode()


def test_a_password_only_agent_replies_as_an_ordinary_member(password_only, ticket, member):
    user, client = password_only

    response = _reply(client, ticket.thread)

    assert response.status_code in (200, 302)
    post = Post.objects.get(thread=ticket.thread, author=user)
    assert post.posted_as == ""
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert ticket.first_responded_at is None
    assert ticket.assignee is None
    told = set(Notification.objects.filter(recipient=member).values_list("kind", flat=True))
    assert Notification.Kind.STAFF_REPLIED not in told
    assert Notification.Kind.REPLY in told
    assert BADGE not in _thread_page(client_for(member), ticket.thread)


def test_a_verified_agent_replies_as_the_support_team(agent, ticket, member):
    response = _reply(client_for(agent), ticket.thread)

    assert response.status_code in (200, 302)
    post = Post.objects.get(thread=ticket.thread, author=agent)
    assert post.posted_as == "agent"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.assignee == agent
    told = Notification.objects.filter(recipient=member, kind=Notification.Kind.STAFF_REPLIED)
    assert told.exists()
    assert BADGE in _thread_page(client_for(member), ticket.thread)


def test_the_badge_goes_with_the_role_when_it_is_taken_away(agent, ticket, member):
    _reply(client_for(agent), ticket.thread)
    assert BADGE in _thread_page(client_for(member), ticket.thread)

    agent.groups.remove(agent.groups.get(name=roles.AGENTS))

    assert BADGE not in _thread_page(client_for(member), ticket.thread)


def test_a_password_only_agent_cannot_escalate(password_only, ask):
    user, client = password_only
    thread = ask()

    response = client.post(reverse("escalation:escalate", args=[thread.pk]), {"note": ""})

    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("mfa_reauthenticate" if user.username == "agent_amy" else "mfa_activate_totp")
    )
    assert not Ticket.objects.filter(thread=thread).exists()


def test_a_password_only_agent_cannot_read_hidden_threads_or_posts(password_only, ask, moderator):
    _user, client = password_only
    thread = ask()
    reply = committed(
        forum_posting.create_post,
        author=UserFactory(),
        thread=thread,
        body="Send me your recovery phrase on Telegram and I will fix it for you.",
    )
    committed(
        forum_moderation.set_post_hidden, actor=moderator, post=reply, is_hidden=True, reason="scam"
    )

    assert "Telegram" not in _thread_page(client, thread)
    assert client.get(reverse("forum:post-permalink", args=[reply.pk])).status_code == 404

    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_a_verified_agent_reads_hidden_threads(agent, ask):
    thread = ask()
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)

    assert client_for(agent).get(thread.get_absolute_url()).status_code == 200


def test_a_password_only_agent_gets_no_staff_page(password_only, ticket):
    _user, client = password_only

    for url in (reverse("escalation:staff-queue"), ticket.get_staff_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]


def test_a_password_only_agent_cannot_work_a_ticket(password_only, ticket):
    _user, client = password_only

    response = client.post(reverse("escalation:staff-claim", args=[ticket.reference]))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Ticket.Status.NEW, None)


def test_staff_notifications_wait_for_the_second_factor(agent, ticket):
    committed(
        notify,
        recipient=agent,
        kind=Notification.Kind.TICKET_ASSIGNED,
        url=ticket.get_staff_url(),
        params={"reference": ticket.reference, "thread_title": ticket.thread.title},
    )

    unverified = client_for(agent, second_factor=False).get(reverse("notifications:list"))
    verified = client_for(agent).get(reverse("notifications:list"))

    assert ticket.reference not in unverified.content.decode()
    assert "hidden until you confirm it is you" in unverified.content.decode()
    assert ticket.reference in verified.content.decode()


def test_a_moderator_sets_up_two_factor_before_the_first_moderation_action(spam):
    moderator = UserFactory(username="new_mod", role=roles.MODERATORS, second_factor=False)

    response = client_for(moderator).post(
        reverse("forum:hide-post", args=[spam.pk]), {"reason": "spam"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    spam.refresh_from_db()
    assert not spam.is_hidden


def test_a_moderator_confirms_the_second_factor_in_a_session_without_it(moderator, spam):

    response = client_for(moderator, second_factor=False).post(
        reverse("forum:hide-post", args=[spam.pk]), {"reason": "spam"}
    )

    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    spam.refresh_from_db()
    assert not spam.is_hidden


def test_a_verified_moderator_moderates(moderator, spam):

    client_for(moderator).post(reverse("forum:hide-post", args=[spam.pk]), {"reason": "spam"})

    spam.refresh_from_db()
    assert spam.is_hidden


def test_a_password_only_admin_gets_no_admin(admin_user):
    client = client_for(admin_user, second_factor=False)

    response = client.get("/admin/accounts/user/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    assert "Handoff administration" not in response.content.decode()


@pytest.fixture
def still_clock():
    with time_machine.travel(time.time(), tick=False):
        yield


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.mark.django_db(transaction=True)  # allauth tells of the new authenticator at commit
def test_setting_up_two_factor_gives_the_session_its_staff_powers(agent_without_mfa, still_clock):
    client = client_for(agent_without_mfa)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("escalation:staff-queue")).status_code == 302

    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})

    assert Authenticator.objects.filter(user=agent_without_mfa, type="totp").exists()
    assert client.get(reverse("escalation:staff-queue")).status_code == 200


def test_confirming_the_code_gives_an_old_session_its_staff_powers(agent, still_clock):
    client = client_for(agent, second_factor=False)
    assert client.get(reverse("escalation:staff-queue")).status_code == 302
    authenticator = Authenticator.objects.get(user=agent, type="totp")

    client.post(
        reverse("mfa_reauthenticate"), {"code": _code(decrypt(authenticator.data["secret"]))}
    )

    assert client.get(reverse("escalation:staff-queue")).status_code == 200


def test_removing_two_factor_takes_the_staff_powers_away(agent, still_clock):
    client = client_for(agent)
    authenticator = Authenticator.objects.get(user=agent, type="totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("mfa_deactivate_totp"), {})

    assert not Authenticator.objects.filter(user=agent, type="totp").exists(), authenticator
    assert client.get(reverse("escalation:staff-queue")).status_code == 302


def test_the_sweep_and_tasks_never_act_as_staff(agent):
    """Users loaded outside a request carry no second factor: no staff powers."""
    from accounts import powers
    from accounts.models import User

    loaded = User.objects.get(pk=agent.pk)

    assert loaded.is_agent
    assert not powers.acts_as_agent(loaded)


def test_a_verified_agents_question_time_is_unchanged_by_the_rule(agent, ask):
    """Asking as staff records the capacity too: the question wears the badge."""
    thread = ask(author=agent, at=T0)

    assert thread.posts.get(number=1).posted_as == "agent"


def test_a_password_only_agent_is_told_how_to_answer_as_the_team(password_only, ask):
    _user, client = password_only
    thread = ask()

    page = _thread_page(client, thread)

    assert 'id="staff-powers-notice"' in page
    assert reverse("accounts:second-factor") in page


def test_a_verified_agent_sees_no_such_notice(agent, ask):
    assert 'id="staff-powers-notice"' not in _thread_page(client_for(agent), ask())


def test_the_staff_verification_link_sends_each_agent_to_the_right_step(
    password_only, agent_without_mfa
):
    user, client = password_only

    response = client.get(reverse("accounts:second-factor"), {"next": "/staff/tickets/"})

    step = "mfa_activate_totp" if user == agent_without_mfa else "mfa_reauthenticate"
    assert response["Location"] == f"{reverse(step)}?next=%2Fstaff%2Ftickets%2F"


def test_the_staff_verification_link_never_sends_anyone_off_site(agent):
    client = client_for(agent, second_factor=False)

    response = client.get(reverse("accounts:second-factor"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("mfa_reauthenticate")
