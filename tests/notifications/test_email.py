"""Notification emails: the recipient's language and time zone, absolute links, every kind renders."""

import pytest

from notifications import services
from notifications.models import OutboundEmail
from tests.factories import UserFactory
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

    assert "2026年3月2日 17:30" in _email().text  # Shanghai is UTC+8; the Chinese date format


def test_an_english_reader_gets_english_and_their_own_zone(db):
    reader = UserFactory(language="en", timezone="America/New_York")

    notify(reader, Kind.ESCALATED)

    email = _email()
    assert "first answer from the support team by March 2, 2026, 4:30 a.m., in the thread." in (
        email.text
    )
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

    services.notify(recipient=reader, kind=kind, url="/t/3/", params=PARAMS[kind])

    email = _email()
    assert email.subject.startswith("[Handoff] ")
    assert "Hello Ria," in email.text
    assert "USDT stuck as pending" in email.text
    assert "USDT stuck as pending" in email.html
    assert "/t/3/" in email.text
    assert "{{" not in email.text + email.html
