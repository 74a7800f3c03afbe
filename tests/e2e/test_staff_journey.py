"""An escalated question, worked by an agent and closed by its asker with a rating.

The sweep escalates a day-old unanswered question; the on-duty agent of its queue gets
it, finds it first in the queue, writes an internal note and answers in the thread from
a canned reply. The asker sees the answer with the staff badge, in the thread and in My
requests, clicks "This solved my problem", and rates the help 5 from the link in the
resolution email. The agent then sees the rating on the ticket. Screenshots at desktop and
phone widths, in English and Chinese, land in HANDOFF_SCREENSHOTS (a temporary folder
unless set); no page may scroll sideways.
"""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import (
    generate_totp_secret,
)
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts import roles
from escalation.models import CannedReply, EscalationPolicy, Queue, Ticket
from escalation.services import assignment
from escalation.services import sweep as sweeping
from notifications.services.outbox import deliver_pending_emails
from tests.e2e.test_escalation_journey import look, shots, zh  # noqa: F401  (shots: a fixture)
from tests.e2e.test_forum_journeys import new_page, sign_in, sign_in_with_code
from tests.factories import CategoryFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.e2e

QUESTION = "USDT sent to my exchange on TRON has not arrived after a day"
LATER_QUESTION = "Which network should I choose to send BNB to my exchange?"
NOTE = "Checked TronScan: the transfer is confirmed; the exchange needs the memo."
CANNED_BODY = (
    "Hello {asker_name}, this is the support team about {reference}.\n\n"
    "Your transfer is confirmed on chain. Exchanges credit TRON deposits only with the "
    "memo they gave you: send them the transaction hash and the memo.\n\n"
    "The thread stays here for others: {thread_link}"
)


@pytest.fixture
def setting(db):
    """A Transfers queue with its on-duty agent, a canned reply, and a day-old question."""
    queue = Queue.objects.create(name="Transfers", slug="transfers")
    category = CategoryFactory(slug="transfers", name="Transfers", name_zh_hans="转账")
    EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4),
        escalate_after=timedelta(hours=24),
        ticket_queue=queue,
        first_response_target=timedelta(hours=8),
    )
    secret = generate_totp_secret()
    agent = UserFactory(
        username="agent_amy", display_name="Amy", role=roles.AGENTS, second_factor=secret
    )
    assignment.set_on_duty(actor=agent, on_duty=True, queues=[queue])
    CannedReply.objects.create(title="Confirmed on chain: ask the exchange", body=CANNED_BODY)
    asker = UserFactory(username="asker", display_name="Ada Asker")
    now = timezone.now()
    ThreadFactory(author=asker, category=category, title=QUESTION, now=now - timedelta(hours=25))
    # Another member's question, escalated a quarter of an hour later: its first answer
    # is due later, so the asker's ticket comes first in the queue's default order.
    ThreadFactory(
        category=category, title=LATER_QUESTION, now=now - timedelta(hours=23, minutes=50)
    )
    sweeping.sweep(now=now)
    sweeping.sweep(now=now + timedelta(minutes=15))
    assert Ticket.objects.count() == 2
    ticket = Ticket.objects.get(thread__title=QUESTION)
    assert ticket.assignee == agent  # the only on-duty agent of the Transfers queue
    return {"agent": agent, "secret": secret, "asker": asker, "ticket": ticket}


def test_an_agent_answers_an_escalated_question_and_the_asker_rates_the_help(
    page: Page,
    browser: Browser,
    base_url,
    setting,
    shots,  # noqa: F811
):
    agent, asker, ticket = setting["agent"], setting["asker"], setting["ticket"]

    # The agent finds the question first in the queue.
    sign_in_with_code(page, agent, setting["secret"])
    page.goto("/staff/tickets/")
    first_row = page.locator("tr.queue-row").first
    expect(first_row).to_contain_text(ticket.reference)
    expect(first_row).to_contain_text(QUESTION)
    look(page, shots, "staff-queue-en")
    first_row.get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.reference)

    # An internal note, then the public answer from the canned reply.
    page.locator("#ticket-note textarea").fill(NOTE)
    page.get_by_role("button", name="Add internal note").click()
    timeline = page.locator("#ticket-timeline")
    expect(timeline).to_contain_text(NOTE)
    expect(timeline).to_contain_text("only the support team sees this")

    page.get_by_text("Start from a canned reply").click()
    page.get_by_role("menuitem", name="Confirmed on chain: ask the exchange").click()
    reply_box = page.locator("#ticket-reply textarea")
    expect(reply_box).to_have_value(re.compile(rf"Hello Ada Asker, .*{ticket.reference}"))
    expect(reply_box).not_to_have_value(re.compile(r"\{(asker_name|reference|thread_link)\}"))
    page.get_by_role("button", name="Post as the support team").click()
    expect(page.locator("#ticket-thread")).to_contain_text("Your transfer is confirmed on chain")
    expect(page.locator("#ticket-properties")).to_contain_text("Waiting on the asker")
    look(page, shots, "staff-ticket-en")

    # The asker sees the staff answer, with its badge, and not the note.
    asker_page = new_page(browser, base_url)
    sign_in(asker_page, asker)
    asker_page.goto(f"/t/{ticket.thread_id}/")
    staff_post = asker_page.locator("article.post-staff")
    expect(staff_post).to_contain_text("Your transfer is confirmed on chain")
    expect(staff_post.locator(".badge-staff")).to_contain_text("Support team")
    expect(asker_page.locator("body")).not_to_contain_text(NOTE)
    look(asker_page, shots, "thread-answered-en")

    asker_page.goto("/my/requests/")
    row = asker_page.locator(".request-row", has_text=ticket.reference)
    expect(row).to_contain_text("We answered — please check")
    row.get_by_role("link").first.click()
    expect(asker_page.locator("body")).to_contain_text("The support team answered")
    expect(asker_page.locator("body")).not_to_contain_text(NOTE)

    # "This solved my problem": the thread is solved and the request resolved.
    asker_page.goto(f"/t/{ticket.thread_id}/")
    asker_page.locator("article.post-staff").get_by_role(
        "button", name="This solved my problem"
    ).click()
    expect(asker_page.locator("article.post-accepted")).to_contain_text(
        "Your transfer is confirmed on chain"
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.thread.state == "solved"

    # The resolution email's "5" link opens the survey with 5 chosen; the button records it.
    mail.outbox.clear()
    deliver_pending_emails()
    resolved = [m for m in mail.outbox if m.to == [asker.email] and ticket.reference in m.subject]
    assert resolved, [m.subject for m in mail.outbox]
    link = re.search(r"https?://[^/\s]+(/survey/[^/\s]+/5/)", resolved[-1].body)
    assert link, resolved[-1].body
    asker_page.goto(link.group(1))  # the path on the live server, whatever SITE_URL says
    expect(asker_page.get_by_role("heading", level=1)).to_have_text("How did the support team do?")
    expect(asker_page.locator('input[name="score"][value="5"]')).to_be_checked()
    assert not ticket.ratings.exists()  # opening the link records nothing
    asker_page.get_by_label("Anything you would like to tell us?").fill(
        "Quick and clear, thank you!"
    )
    asker_page.get_by_role("button", name="Send my rating").click()
    expect(asker_page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    expect(asker_page.locator("#survey")).to_contain_text("Thank you for your comment")
    look(asker_page, shots, "survey-en")

    # The agent sees the rating and the comment on the ticket, in Chinese too.
    page.reload()
    expect(page.locator("#ticket-timeline")).to_contain_text("Quick and clear, thank you!")
    expect(page.locator("body")).to_contain_text("5")
    page.get_by_role("banner").get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#ticket-properties")).to_contain_text(zh("Resolved"))
    look(page, shots, "staff-ticket-zh")
    page.goto("/staff/tickets/?status=resolved")
    expect(page.locator("tr.queue-row").first).to_contain_text(ticket.reference)
    look(page, shots, "staff-queue-zh")
