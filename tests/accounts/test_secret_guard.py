"""The secret guard on the profile: a bio or a display name never carries a recovery
phrase or a private key (people paste where they are told to, and scammers tell them)."""

import html
import logging

import pytest

from accounts import services
from safety.errors import SecretRefused
from safety.models import SecretRefusal
from tests.secret_samples import EN_12, JA_12, TV1_XPRV
from tests.traces import assert_no_trace, messages_sent, words_in

pytestmark = pytest.mark.django_db

SETTINGS = {"display_name": "Mia", "timezone": "Asia/Shanghai", "language": ""}


def test_a_bio_with_a_recovery_phrase_is_refused_and_shown_without_it(
    member, member_client, caplog
):
    caplog.set_level(logging.DEBUG)
    sent = messages_sent()
    bio = f"Wallet user since 2019. Backup: {JA_12}. Ask me about fees."

    response = member_client.post("/settings/", {**SETTINGS, "bio": bio})

    assert response.status_code == 200
    assert "This looks like a recovery phrase" in html.unescape(response.text)
    assert "Ask me about fees." in html.unescape(response.text)
    assert "[removed]" in response.text
    assert words_in(JA_12.split("\u3000"), response.text) == []
    member.refresh_from_db()
    assert member.bio == ""
    assert member.timezone != "Asia/Shanghai"  # nothing of the refused form is saved
    assert SecretRefusal.objects.get().where == "profile"
    assert_no_trace(JA_12.split("\u3000"), caplog, sent_before=sent)


def test_a_display_name_cannot_hold_a_phrase_of_short_words(member, member_client):
    short_words = "add age air all arm art bag bar box boy bus car"  # 47 characters

    response = member_client.post(
        "/settings/", {**SETTINGS, "display_name": short_words, "bio": ""}
    )

    assert response.status_code == 200
    assert "This looks like a recovery phrase" in html.unescape(response.text)
    assert short_words not in response.text
    member.refresh_from_db()
    assert member.display_name != short_words


def test_a_bio_cannot_hold_an_extended_private_key(member, member_client):
    response = member_client.post("/settings/", {**SETTINGS, "bio": f"xpub? {TV1_XPRV}"})

    assert response.status_code == 200
    assert TV1_XPRV not in response.text
    assert SecretRefusal.objects.get().kind == "xprv"


def test_the_settings_service_refuses_a_secret_whoever_calls_it(member):
    with pytest.raises(SecretRefused):
        services.update_settings(
            actor=member, display_name="Mia", bio=EN_12, timezone="UTC", language=""
        )

    member.refresh_from_db()
    assert member.bio == ""


def test_an_ordinary_bio_is_saved(member, member_client):
    bio = "I help with TRON energy, bandwidth and fees. Never send anyone your seed phrase!"

    response = member_client.post("/settings/", {**SETTINGS, "bio": bio})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.bio == bio
