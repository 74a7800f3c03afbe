"""Notification emails: the recipient's language and time zone, absolute links, every kind renders."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts import roles
from escalation.models import EscalationPolicy, Ticket
from escalation.services import assignment, lifecycle, replies
from escalation.services import tickets as opening
from notifications.models import Notification, OutboundEmail
from notifications.services import writer
from tests.factories import ThreadFactory, UserFactory
from tests.notifications.conftest import PARAMS, Kind, choose, notify
from tests.notifications.test_services import EMAIL_ONLY


@pytest.fixture
def chinese_reader(db):
    return UserFactory(
        username="li", display_name="李雷", language="zh-hans", timezone="Asia/Shanghai"
    )


def _email() -> OutboundEmail:
    return OutboundEmail.objects.get()


def test_an_email_is_written_in_the_recipients_language(chinese_reader):
    notify(chinese_reader, Kind.ESCALATED)

    email = _email()
    # "Notifications" has a Chinese translation; the layout names the mail with it.
    assert "Handoff · 通知" in email.text
    assert "Handoff · 通知" in email.html
    assert '<html lang="zh-Hans">' in email.html


def test_times_in_an_email_are_in_the_recipients_zone_and_date_format(chinese_reader):
    notify(chinese_reader, Kind.ESCALATED)  # due 2026-03-02 09:30 UTC

    # Shanghai is UTC+8, which the promise says; the Chinese date format.
    assert "2026年3月2日 17:30 UTC+8" in _email().text


def test_an_english_reader_gets_english_and_their_own_zone(db):
    reader = UserFactory(language="en", timezone="America/New_York")

    notify(reader, Kind.ESCALATED)

    email = _email()
    assert (
        "first answer from the support team by March 2, 2026, 4:30 a.m. UTC-5, in the thread."
    ) in email.text
    assert email.subject == "[Handoff] Your support request HO-1042"


def test_no_language_chosen_means_the_sites_language(db, settings):
    reader = UserFactory(language="")

    notify(reader, Kind.ESCALATED)

    assert "Handoff · Notifications" in _email().text


def test_rendering_an_email_leaves_the_callers_language_and_zone_alone(chinese_reader):
    from django.utils import timezone, translation

    notify(chinese_reader, Kind.ESCALATED)

    assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_chinese_reader_sees_the_chinese_category_name(chinese_reader):
    choose(chinese_reader, is_helper=True, helper_needs_help=EMAIL_ONLY)

    notify(chinese_reader, Kind.HELPER_NEEDS_HELP)

    assert "“转账”分类中有问题需要帮助" in _email().text


def test_the_subject_is_prefixed_with_the_site_name(member, settings):
    settings.SITE_NAME = "Wallet Help"

    notify(member)

    assert _email().subject == "[Wallet Help] New reply to “USDT stuck as pending”"


@pytest.mark.parametrize(("https", "scheme"), [(True, "https"), (False, "http")])
def test_links_are_absolute_on_the_public_domain(member, settings, https, scheme):
    settings.HTTPS = https
    settings.SITE_DOMAIN = "help.example.com"

    notify(member, url="/p/42/")

    email = _email()
    assert f"{scheme}://help.example.com/p/42/" in email.text
    assert f'href="{scheme}://help.example.com/p/42/"' in email.html
    assert f"{scheme}://help.example.com/settings/notifications/" in email.text


def test_the_html_escapes_what_members_wrote_and_the_text_keeps_it(member):
    notify(
        member,
        params={**PARAMS[Kind.REPLY], "excerpt": "<script>alert(1)</script> & more"},
    )

    email = _email()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in email.html
    assert "<script>" not in email.html
    assert "“<script>alert(1)</script> & more”" in email.text


def test_the_needs_help_email_gives_tips_and_warns_about_secrets(member):
    notify(member, Kind.NEEDS_HELP)

    text = _email().text
    assert "The transaction hash, if a transfer is involved." in text
    assert "Never your recovery phrase or private key" in text


def test_the_escalated_email_gives_the_reference(member):
    notify(member, Kind.ESCALATED)

    assert "Your reference is HO-1042." in _email().text


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_subject_text_and_html(db, kind):
    reader = UserFactory(display_name="Ria")
    choose(reader, is_helper=True, **{kind: EMAIL_ONLY})

    writer.notify(recipient=reader, kind=kind, url="/t/3/", params=PARAMS[kind])

    email = _email()
    assert email.subject.startswith("[Handoff] ")
    assert "Hello Ria," in email.text
    assert "USDT stuck as pending" in email.text
    assert "USDT stuck as pending" in email.html
    assert "/t/3/" in email.text
    assert "{{" not in email.text + email.html


# --- The support team's kinds ---------------------------------------------------------


def test_the_staff_replied_email_quotes_the_answer_and_warns_about_impostors(member):
    notify(member, Kind.STAFF_REPLIED, url="/p/9/")

    email = _email()
    assert email.subject == "[Handoff] The support team answered you (HO-1042)"
    for body in (email.text, email.html):
        assert "The transfer is confirmed on chain; the exchange must credit it." in body
        assert "They will never ask for your recovery phrase or private key" in body
        assert "choose “This solved my problem” under it" in body
    assert "Read the answer: https://" in email.text
    assert email.text.rstrip().count("/p/9/") == 1


def test_the_resolved_email_without_a_ticket_renders_no_survey_links(member):
    notify(member, Kind.REQUEST_RESOLVED, params={**PARAMS[Kind.REQUEST_RESOLVED], "ticket_id": ""})

    email = _email()
    assert "/survey/" not in email.text + email.html
    assert "Not solved after all?" in email.text


def test_the_resolved_email_without_its_ticket_any_more_renders_no_survey_links(member):
    notify(
        member, Kind.REQUEST_RESOLVED, params={**PARAMS[Kind.REQUEST_RESOLVED], "ticket_id": 999}
    )

    email = _email()
    assert "/survey/" not in email.text + email.html
    assert "Not solved after all?" in email.text


def test_the_resolved_email_links_each_score_in_the_readers_language(chinese_reader, moderator):
    EscalationPolicy.objects.create()
    ticket = opening.escalate_thread(actor=moderator, thread=ThreadFactory(author=chinese_reader))
    OutboundEmail.objects.all().delete()
    notify(
        chinese_reader,
        Kind.REQUEST_RESOLVED,
        url="/my/requests/HO-1042/",
        params={**PARAMS[Kind.REQUEST_RESOLVED], "ticket_id": ticket.pk},
    )

    email = _email()
    assert email.text.count("/survey/") == 5
    assert email.html.count("/survey/") == 5
    assert "/1/" in email.text
    assert "/5/" in email.text


def test_the_closed_email_says_how_to_ask_again(member):
    notify(member, Kind.REQUEST_CLOSED, url="/my/requests/HO-1042/")

    text = _email().text
    assert "Your support request HO-1042 is closed." in text
    assert "choose “Ask the support team” to ask again" in text
    assert "Your request: https://" in text


def test_the_reopened_email_says_where_the_answer_will_be(member):
    notify(member, Kind.REQUEST_REOPENED, url="/my/requests/HO-1042/")

    assert "The support team will answer in the thread" in _email().text


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (Kind.TICKET_ASSIGNED, "Ticket HO-1042 is assigned to you"),
        (Kind.TICKET_REOPENED, "The asker reopened ticket HO-1042"),
        (Kind.FIRST_RESPONSE_BREACHED, "Ticket HO-1042 missed its first response target"),
        (Kind.RESOLUTION_BREACHED, "Ticket HO-1042 missed its resolution target"),
    ],
)
def test_an_agents_email_links_to_the_staff_ticket(agent, kind, says):
    notify(agent, kind, url="/staff/tickets/HO-1042/")

    email = _email()
    assert says in email.text
    assert "Open the ticket: https://" in email.text
    assert email.text.split("Open the ticket: ", 1)[1].startswith("http")
    assert "/staff/tickets/HO-1042/" in email.text
    assert 'staff/tickets/HO-1042/" style=' in email.html
    assert ">Open the ticket</a>" in email.html


def test_internal_notes_never_reach_an_email(member, agent, moderator):
    """A ticket's whole life, with an internal note: none of its emails carries the note."""
    secret = "Internal: the asker looks like a reseller"
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    at = [start + timedelta(hours=n) for n in range(12)]
    EscalationPolicy.objects.create()
    lead = UserFactory(username="lead", role=roles.AGENTS)
    ticket = opening.escalate_thread(
        actor=moderator, thread=ThreadFactory(author=member, now=at[0]), now=at[0]
    )
    replies.add_note(actor=agent, ticket=ticket, body=secret, now=at[1])
    assignment.assign(actor=lead, ticket=ticket, assignee=agent, now=at[2])
    replies.staff_reply(actor=agent, ticket=ticket, body="Check the TRC-20 tab.", now=at[3])
    lifecycle.resolve(actor=agent, ticket=ticket, note=secret, now=at[4])
    lifecycle.set_status(actor=agent, ticket=ticket, status=Ticket.Status.OPEN, now=at[5])
    lifecycle.resolve(actor=agent, ticket=ticket, note=secret, now=at[6])
    lifecycle.asker_reopen(actor=member, ticket=ticket, now=at[7])
    lifecycle.set_status(actor=agent, ticket=ticket, status=Ticket.Status.WAITING, now=at[8])
    lifecycle.close_due_tickets(now=at[8] + timedelta(days=30))

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds >= {
        Kind.TICKET_ASSIGNED,
        Kind.STAFF_REPLIED,
        Kind.REQUEST_RESOLVED,
        Kind.REQUEST_REOPENED,
        Kind.TICKET_REOPENED,
        Kind.REQUEST_CLOSED,
    }
    emails = list(OutboundEmail.objects.all())
    assert len(emails) >= len(kinds)
    for email in emails:
        assert "reseller" not in email.subject + email.text + email.html
