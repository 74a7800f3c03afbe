"""A moderator silences a scam account from the flag queue (issue 15, item 1).

Both of the scammer's replies were flagged; the moderator, signed in with their second
factor, silences the account from the queue with a reason. Its posts waiting for review
disappear from the queue and the thread, and when the scammer tries to reply they are
told why and until when.
"""

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from playwright.sync_api import Browser, Page, expect

from forum.models import Flag, ModerationLog, Post
from tests.e2e.test_forum_journeys import DETAILS, QUESTION, new_page, sign_in, sign_in_with_code
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.e2e

REASON = "Impersonates support and links to a fake recovery site"


def test_a_moderator_silences_a_scam_account_from_the_flag_queue(
    page: Page, browser: Browser, base_url, db
):
    from forum.services import moderation as forum_moderation
    from forum.services import posting as forum_posting

    transfers = CategoryFactory(slug="transfers", name="Transfers")
    asker = UserFactory(username="asker", display_name="Ada Asker")
    helper = UserFactory(username="helper", display_name="Hal Helper")
    scammer = UserFactory(username="wallet_recovery_desk", display_name="Wallet Recovery Desk")
    secret = generate_totp_secret()
    moderator = UserFactory(
        username="wendy", display_name="Wendy Mod", role="Moderators", second_factor=secret
    )
    thread = forum_posting.create_thread(
        author=asker, category=transfers, title=QUESTION, body=DETAILS
    )
    scams = [
        forum_posting.create_post(author=scammer, thread=thread, body=body)
        for body in (
            "Message our recovery desk on Telegram to get it back fast!",
            "Our recovery team can verify your wallet, write to us now.",
        )
    ]
    forum_moderation.flag_post(actor=asker, post=scams[0], reason=Flag.Reason.SCAM)
    forum_moderation.flag_post(actor=helper, post=scams[1], reason=Flag.Reason.SCAM)

    sign_in_with_code(page, moderator, secret)  # moderators act with two-factor only
    page.get_by_role("banner").get_by_role("link", name="Flags").click()
    flagged = page.locator(".flagged-post", has_text="recovery desk on Telegram")
    expect(page.locator(".flagged-post")).to_have_count(2)
    flagged.get_by_label("Why (shown to the member)").fill(REASON)
    flagged.get_by_role(
        "button", name="Hide all of this member's posts waiting for review and silence them"
    ).click()
    expect(page.get_by_text("Wallet Recovery Desk is silenced")).to_be_visible()
    expect(page.get_by_text("No open flags. All clear.")).to_be_visible()
    assert not Post.objects.filter(pk__in=[p.pk for p in scams], is_hidden=False).exists()
    page.goto("/mod/log/")
    expect(page.get_by_role("row", name="Silenced a member")).to_contain_text(REASON)

    scam_page = new_page(browser, base_url)
    sign_in(scam_page, scammer)
    expect(scam_page.locator("[data-sanction-notice]")).to_contain_text(REASON)
    scam_page.goto(thread.get_absolute_url())
    for scam in scams:
        expect(scam_page.locator(f"#post-{scam.pk}")).to_have_count(0)
    scam_page.get_by_label("Your answer").fill("Still here: write to our recovery desk.")
    scam_page.get_by_role("button", name="Post your answer").click()
    refusal = scam_page.locator(".alert-error")
    expect(refusal).to_contain_text("Your account is silenced")
    expect(refusal).to_contain_text(REASON)
    expect(refusal).to_contain_text("It ends on")
    expect(refusal).to_contain_text("UTC")
    assert Post.objects.filter(author=scammer).count() == 2
    assert ModerationLog.objects.filter(action="silence_member", member=scammer).count() == 1
    scam_page.context.close()
