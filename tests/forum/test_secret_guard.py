"""The secret guard at the forum's doors: ask, reply, edit and preview.

A refused text is shown again with the secret taken out and a message that says what
to do; nothing is saved, logged, emailed or counted beyond a content-free counter. A
bare 64-hex string posts once the poster confirms it is a transaction hash.
"""

import html
import logging
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.forms import AskForm, ReplyForm
from forum.models import Flag, Post, PostRevision, Thread
from forum.services import posting as forum_posting
from safety.errors import SecretRefused
from safety.models import SecretRefusal
from tests.secret_samples import EN_12, EN_24, HEX_KEY, TX_HASH, WIKI_WIF, ZH_12, wif
from tests.traces import assert_no_trace, messages_sent, words_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PHRASE_MESSAGE = "This looks like a recovery phrase"
KEY_MESSAGE = "This looks like a private key"
HASH_MESSAGE = "This text has a 64-character code in it"
CONFIRM_LABEL = "This is a transaction hash, not a private key"
CHECKBOX = re.compile(r'<input type="checkbox" name="is_transaction_hash"')
BEFORE, AFTER = "My USDT never arrived at the exchange.", "What should I do now?"


def with_phrase(phrase: str = EN_24) -> str:
    numbered = "\n".join(f"{n}. {word}" for n, word in enumerate(phrase.split(), 1))
    return f"{BEFORE}\n\n{numbered}\n\n{AFTER}"


def phrase_words(phrase: str = EN_24) -> list[str]:
    return phrase.split()


def long_words(phrase: str = EN_24) -> list[str]:
    """The phrase's words that no page says for another reason ("all", "box" may)."""
    return [word for word in phrase.split() if len(word) >= 5]


def textarea(response, name: str = "body") -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert match, f"no {name} textarea in the page"
    return html.unescape(match.group(1)).removeprefix("\n")  # Django's textarea adds one


def counted(where: str, kind: str = "recovery_phrase") -> int:
    row = SecretRefusal.objects.filter(where=where, kind=kind).first()
    return row.count if row else 0


# --- Ask ---------------------------------------------------------------------------------


def test_asking_with_a_recovery_phrase_is_refused_and_shows_the_rest_without_it(
    category, asker_client, caplog
):
    caplog.set_level(logging.DEBUG)
    sent = messages_sent()

    response = asker_client.post(
        "/ask/",
        {"title": "Funds gone from my wallet", "category": category.pk, "body": with_phrase()},
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "move your funds to a new wallet now" in html.unescape(response.text)
    shown = textarea(response)
    assert shown.startswith(BEFORE)
    assert shown.endswith(AFTER)
    assert "[removed]" in shown
    assert words_in(phrase_words(), shown) == []
    assert words_in(long_words(), response.text) == []
    assert not Thread.objects.exists()
    assert counted("ask") == 1
    assert_no_trace(phrase_words(), caplog, sent_before=sent)


def test_a_recovery_phrase_in_the_title_is_refused_too(category, asker_client):
    response = asker_client.post(
        "/ask/",
        {"title": EN_12, "category": category.pk, "body": "My wallet is empty since yesterday."},
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "machine mirror" not in response.text
    assert not Thread.objects.exists()


def test_a_private_key_in_the_transaction_hash_field_is_refused(db, asker_client):
    from forum.models import Category, Chain

    category = Category.objects.create(name="Wallet", slug="wallet", asks_wallet_details=True)
    chain = Chain.objects.create(name="Bitcoin", tx_format="bitcoin")

    response = asker_client.post(
        "/ask/",
        {
            "title": "Transfer never confirmed",
            "category": category.pk,
            "body": "I sent BTC yesterday and it is still unconfirmed.",
            "chain": chain.pk,
            "tx_hash": WIKI_WIF,
        },
    )

    assert response.status_code == 200
    assert KEY_MESSAGE in html.unescape(response.text)
    assert WIKI_WIF not in response.text
    assert not Thread.objects.exists()
    assert counted("ask", "wif") == 1


def test_the_transaction_hash_field_takes_a_hash_without_asking(db, asker_client):
    from forum.models import Category, Chain

    category = Category.objects.create(name="Wallet", slug="wallet", asks_wallet_details=True)
    chain = Chain.objects.create(name="TRON", tx_format="tron")

    response = asker_client.post(
        "/ask/",
        {
            "title": "USDT transfer stuck on TRON",
            "category": category.pk,
            "body": "Sent USDT two hours ago, the exchange still shows nothing.",
            "chain": chain.pk,
            "tx_hash": TX_HASH,
        },
    )

    assert response.status_code == 302
    assert Thread.objects.get().tx_hash == TX_HASH


# --- Reply ------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_replying_with_a_recovery_phrase_is_refused_and_redacted(
    headers, thread, other_client, caplog
):
    caplog.set_level(logging.DEBUG)
    posts, sent = Post.objects.count(), messages_sent()

    response = other_client.post(
        f"/thread/{thread.pk}/reply/", {"body": with_phrase(ZH_12)}, **headers
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    shown = textarea(response)
    assert shown.startswith(BEFORE)
    assert "[removed]" in shown
    assert ZH_12.split()[0] not in shown
    assert Post.objects.count() == posts
    assert counted("reply") == 1
    assert_no_trace(phrase_words(ZH_12), caplog, sent_before=sent)


def test_a_reply_with_a_private_key_is_refused(thread, other_client):
    response = other_client.post(
        f"/thread/{thread.pk}/reply/", {"body": f"Here is my key so you can check: {wif(1)}"}
    )

    assert KEY_MESSAGE in html.unescape(response.text)
    assert wif(1) not in response.text
    assert counted("reply", "wif") == 1


def test_the_confirmation_box_is_shown_only_when_a_hash_needs_it(thread, other_client):
    page = other_client.get(thread.get_absolute_url())
    refused = other_client.post(
        f"/thread/{thread.pk}/reply/", {"body": f"I have the same problem: {TX_HASH}"}
    )

    assert not CHECKBOX.search(page.text)
    assert CHECKBOX.search(refused.text)
    assert CONFIRM_LABEL in html.unescape(refused.text)
    assert HASH_MESSAGE in html.unescape(refused.text)


def test_a_bare_hash_posts_once_the_poster_confirms_it_is_a_transaction_hash(thread, other_client):
    body = f"Same here, my transfer is stuck too: {TX_HASH}"

    asked = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})
    confirmed = other_client.post(
        f"/thread/{thread.pk}/reply/", {"body": textarea(asked), "is_transaction_hash": "on"}
    )

    assert asked.status_code == 200
    assert TX_HASH in textarea(asked)  # kept, so that confirming is one click
    assert confirmed.status_code == 302
    assert Post.objects.filter(body=body).exists()
    assert not SecretRefusal.objects.exists()  # asking is not refusing


def test_a_hash_in_an_explorer_link_needs_no_confirmation(thread, other_client):
    body = f"Look it up: https://tronscan.org/#/transaction/{TX_HASH}"

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})

    assert response.status_code == 302
    assert Post.objects.filter(body=body).exists()


@pytest.mark.parametrize(
    "body",
    [f"Same problem here. Tx hash: {TX_HASH}", f"我也一样，交易哈希是 0x{TX_HASH}"],
    ids=["en", "zh"],
)
def test_a_labelled_hash_posts_without_the_confirmation_box(thread, other_client, body):
    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})

    assert response.status_code == 302
    assert Post.objects.filter(body=body).exists()


def test_a_chinese_phrase_typed_without_spaces_is_refused_and_redacted(thread, other_client):
    body = "我的助记词是的三欧三考于据保量损破战，怎么办"

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})

    assert response.status_code == 200
    assert "三欧三考于据保量损破战" not in response.text
    assert textarea(response) == "我的助记词是[removed]，怎么办"
    assert not Post.objects.filter(body=body).exists()
    assert counted("reply") == 1


def test_a_labelled_key_cannot_be_confirmed_as_a_hash(thread, other_client):
    response = other_client.post(
        f"/thread/{thread.pk}/reply/",
        {"body": f"my private key: {HEX_KEY}", "is_transaction_hash": "on"},
    )

    assert response.status_code == 200
    assert HEX_KEY not in response.text
    assert counted("reply", "labelled_hex_key") == 1


# --- Edit and preview ---------------------------------------------------------------------


def test_editing_a_recovery_phrase_into_a_post_is_refused_and_the_post_stays(
    reply, other_client, caplog
):
    caplog.set_level(logging.DEBUG)
    before, sent = reply.body, messages_sent()

    response = other_client.post(
        f"/p/{reply.pk}/edit/", {"body": with_phrase(), "reason": "adding details"}
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "[removed]" in textarea(response)
    reply.refresh_from_db()
    assert reply.body == before
    assert not PostRevision.objects.exists()
    assert counted("edit") == 1
    assert_no_trace(phrase_words(), caplog, sent_before=sent)


def test_an_edit_reason_cannot_carry_a_phrase_either(reply, other_client):
    response = other_client.post(
        f"/p/{reply.pk}/edit/", {"body": "A better answer: check the memo.", "reason": EN_12}
    )

    assert response.status_code == 200
    assert "machine mirror" not in response.text
    assert not PostRevision.objects.exists()


def test_the_preview_says_why_instead_of_showing_a_secret(db, visitor_client):
    response = visitor_client.post("/ask/preview/", {"body": with_phrase()})

    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert words_in(phrase_words(), response.text) == []


# --- The counter and the services' backstop ---------------------------------------------------


def test_refusals_are_counted_per_day_kind_and_place_without_content(thread, other_member):
    day = datetime(2026, 11, 3, 12, tzinfo=UTC)
    for _attempt in range(2):
        with pytest.raises(SecretRefused):
            forum_posting.create_post(author=other_member, thread=thread, body=EN_12, now=day)
    with pytest.raises(SecretRefused):
        forum_posting.create_post(author=other_member, thread=thread, body=WIKI_WIF, now=day)

    rows = set(SecretRefusal.objects.values_list("day", "kind", "where", "count"))
    assert rows == {
        (day.date(), "recovery_phrase", "reply", 2),
        (day.date(), "wif", "reply", 1),
    }


def test_every_forum_service_refuses_a_secret_whoever_calls_it(
    member, other_member, category, thread, reply
):
    calls = [
        lambda: forum_posting.create_thread(
            author=member, category=category, title=EN_12, body="x"
        ),
        lambda: forum_posting.create_thread(
            author=member, category=category, title="t", body=EN_24
        ),
        lambda: forum_posting.create_post(author=other_member, thread=thread, body=WIKI_WIF),
        lambda: forum_posting.edit_post(
            actor=other_member, post=reply, body=f"private key {HEX_KEY}"
        ),
    ]
    for call in calls:
        with pytest.raises(SecretRefused) as refusal:
            call()
        assert "machine" not in str(refusal.value)

    assert Thread.objects.count() == 1
    assert Post.objects.count() == 2
    assert sum(SecretRefusal.objects.values_list("count", flat=True)) == 4


def test_the_refusal_message_speaks_the_posters_language(thread, other_client, other_member):
    other_member.language = "zh-hans"
    other_member.save(update_fields=["language"])

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": with_phrase()})

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


# --- Bad input: never a 500, a clear message, nothing stored --------------------------------

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\x00", "\u00ad"]


@given(
    separators=st.lists(
        st.sampled_from([" ", "\n", ", ", "\t", " | ", "、", "\u3000", " 1. "]),
        min_size=23,
        max_size=23,
    ),
    invisible=st.lists(st.sampled_from(INVISIBLE), min_size=23, max_size=23),
    upper=st.lists(st.booleans(), min_size=24, max_size=24),
)
@FUZZ
def test_a_phrase_dressed_in_any_layout_and_invisible_characters_is_still_refused(
    other_client, thread, separators, invisible, upper
):
    words = [word.upper() if up else word for word, up in zip(EN_24.split(), upper, strict=True)]
    body = words[0] + "".join(
        f"{sep}{mark}{word}"
        for sep, mark, word in zip(separators, invisible, words[1:], strict=True)
    )
    posts = Post.objects.count()

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})

    if "\x00" in body:  # refused at the door, before the guard (config/nulbytes.py)
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert PHRASE_MESSAGE in html.unescape(response.text)
    assert Post.objects.count() == posts


bad_text = st.one_of(
    st.text(st.sampled_from([*INVISIBLE, " ", "\n", "\t", "\u3000"]), max_size=200),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.builds(
        lambda chunk, times: chunk * times,
        st.sampled_from(["\u202e", "a\u0301", "转"]),
        st.integers(1_000, 60_000),
    ),
    st.lists(
        st.sampled_from(
            ["Bitcoin", "比特币", "биткоин", "ビットコイン", "بيتكوين", "\u202e", "😀"]
        ),
        max_size=40,
    ).map(" ".join),
)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """These post hundreds of times a minute; tests/forum/test_limits.py tests the limits."""
    settings.RATELIMIT_ENABLE = False


@given(title=bad_text, body=bad_text)
@FUZZ
def test_bad_input_to_the_posting_forms_never_fails_and_stores_nothing_unless_valid(
    category, asker_client, thread, other_client, title, body
):
    threads, posts = Thread.objects.count(), Post.objects.count()
    ask_form = AskForm({"title": title, "body": body, "category": category.pk})
    reply_form = ReplyForm({"body": body})
    # Hypothesis repeats inputs: the same text again lands on the post already made.
    ask_valid = (
        ask_form.is_valid()
        and not Post.objects.filter(
            number=1,
            thread__title=ask_form.cleaned_data["title"],
            body=ask_form.cleaned_data["body"],
        ).exists()
    )
    reply_valid = (
        reply_form.is_valid()
        and not thread.posts.filter(number__gt=1, body=reply_form.cleaned_data["body"]).exists()
    )

    asked = asker_client.post(
        "/ask/",
        urlencode({"title": title, "body": body, "category": category.pk}),
        content_type="application/x-www-form-urlencoded",
    )
    replied = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body}, **HTMX)

    assert asked.status_code in {200, 302, 400}
    assert replied.status_code in {200, 400}
    if asked.status_code == 200:
        assert "errorlist" in asked.text or "alert" in asked.text
    assert Thread.objects.count() == threads + (asked.status_code == 302 and ask_valid)
    assert Post.objects.count() == posts + (asked.status_code == 302 and ask_valid) + (
        replied.status_code == 200 and reply_valid
    )


BAD_BYTES = {
    "percent-encoded": b"%FF%FE%FD+invalid+utf-8+bytes+in+a+long+enough+text",
    "raw": b"\xff\xfe\xfd raw invalid utf-8 bytes in a long enough text",
    "overlong-and-surrogates": b"%C0%AF%E0%80%AF%ED%A0%80%F4%90%80%80",
    "truncated-chinese": b"\xe8\xbd" * 5000,
    "nulls": b"%00" * 30,
}


@pytest.mark.parametrize("bad", BAD_BYTES)
@pytest.mark.parametrize("form", ["ask", "reply", "edit"])
def test_invalid_utf8_in_form_data_gets_a_page_not_a_500(
    form, bad, category, thread, reply, asker_client, other_client
):
    client, url, fields = {
        "ask": (
            asker_client,
            "/ask/",
            b"title=Invalid+bytes+question&category=%d&body=" % category.pk,
        ),
        "reply": (other_client, f"/thread/{thread.pk}/reply/", b"body="),
        "edit": (other_client, f"/p/{reply.pk}/edit/", b"body="),
    }[form]
    threads, posts, revisions = (
        Thread.objects.count(),
        Post.objects.count(),
        PostRevision.objects.count(),
    )

    response = client.generic(
        "POST", url, fields + BAD_BYTES[bad], content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in ({400} if bad == "nulls" else {200, 302})
    if response.status_code != 302:  # 400: a NUL is refused at the door (config/nulbytes.py)
        assert response.status_code == 400 or "errorlist" in response.text
        assert (Thread.objects.count(), Post.objects.count(), PostRevision.objects.count()) == (
            threads,
            posts,
            revisions,
        )
    else:  # valid once the bad bytes are replaced: stored without them
        assert not any("\x00" in body for body in Post.objects.values_list("body", flat=True))


@pytest.mark.parametrize(
    "body",
    ["", "     ", "\u200b" * 40, "\u202e\u202d" * 20, "\n\t\u3000" * 30, "\x00" * 30],
    ids=["empty", "spaces", "zero-width", "bidi-overrides", "whitespace", "nulls"],
)
def test_a_post_of_nothing_visible_is_refused_with_a_message(thread, other_client, body):
    posts = Post.objects.count()

    response = other_client.post(f"/thread/{thread.pk}/reply/", {"body": body})

    if "\x00" in body:  # refused at the door: config/nulbytes.py
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert "errorlist" in response.text
    assert Post.objects.count() == posts


def test_the_counter_day_is_the_sites_day(thread, other_member, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    late_utc = datetime(2026, 11, 3, 20, tzinfo=UTC)  # already the 4th in Shanghai

    with pytest.raises(SecretRefused):
        forum_posting.create_post(author=other_member, thread=thread, body=EN_12, now=late_utc)

    assert SecretRefusal.objects.get().day == timezone.localdate(
        late_utc, timezone.get_default_timezone()
    )


def test_a_flag_note_with_a_phrase_is_refused_and_no_flag_is_kept(reply, asker_client):
    response = asker_client.post(
        f"/p/{reply.pk}/flag/", {"reason": "spam", "note": f"They asked me for this: {EN_12}"}
    )

    assert response.status_code == 200
    assert PHRASE_MESSAGE in html.unescape(response.text)
    assert "machine mirror" not in response.text
    assert not Flag.objects.exists()
    assert SecretRefusal.objects.get().where == "flag"
