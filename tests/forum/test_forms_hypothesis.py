"""Whatever people type or paste, the forms answer with a message and the pages never fail."""

import unicodedata
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.forms import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN, AskForm, ReplyForm
from forum.models import Category, Chain, Post, Thread

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """These post hundreds of times a minute; tests/forum/test_limits.py tests the limits."""
    settings.RATELIMIT_ENABLE = False


# What people paste from chats and explorers, and what attackers type on purpose.
TRICKY = [
    "\x00",  # null byte
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u0301",  # a combining accent, alone
    "\r\n",
    "\t",
    "\x7f",
    "\ue000",  # private use
    "👩‍👩‍👧",
    "转账",
    "مرحبا",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{{ user.password }}",
    "%(min)d",
    " ",
]


def has_nul(*values) -> bool:
    """A NUL anywhere: the whole request is refused with a 400 (config/nulbytes.py)."""
    return any("\x00" in str(value) for value in values)


# Any text a browser can send (surrogates cannot be encoded).
any_char = st.characters(exclude_categories=["Cs"])
mixed_text = st.lists(
    st.one_of(st.text(any_char, max_size=30), st.sampled_from(TRICKY)), max_size=12
).map("".join)
huge_text = st.builds(
    lambda chunk, times: chunk * times,
    st.one_of(st.sampled_from(TRICKY), st.text(any_char, min_size=1, max_size=4)),
    st.integers(min_value=1_000, max_value=60_000),
)
plausible_title = st.sampled_from(
    [
        "Transfer pending for two hours",
        "转账一直显示等待中怎么办呢",
        "Balance shows zero after update",
    ]
)
plausible_body = st.sampled_from(
    [
        "I sent 50 USDT on TRON and the app still says pending after two hours.",
        "更新以后余额显示为零，但是区块浏览器上能看到资产，请问怎么办？",
    ]
)
title_text = st.one_of(mixed_text, huge_text, plausible_title)
body_text = st.one_of(mixed_text, huge_text, plausible_body)
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def visible_length(text: str) -> int:
    return len("".join(text.split()))


@given(title=title_text, body=body_text)
@FUZZ
def test_the_ask_form_cleans_what_it_accepts(category, title, body):
    form = AskForm({"title": title, "body": body, "category": category.pk})

    if form.is_valid():
        cleaned = form.cleaned_data
        assert TITLE_MIN <= len(cleaned["title"]) <= TITLE_MAX
        assert visible_length(cleaned["body"]) >= BODY_MIN
        assert len(cleaned["body"]) <= BODY_MAX
        for text in (cleaned["title"], cleaned["body"]):
            assert not {unicodedata.category(ch) for ch in text if ch not in "\n\t"} & INVISIBLE
    else:
        assert form.errors
        assert all(messages for messages in form.errors.values())


@given(body=body_text)
@FUZZ
def test_the_reply_form_cleans_what_it_accepts(db, body):
    form = ReplyForm({"body": body})

    if form.is_valid():
        assert visible_length(form.cleaned_data["body"]) >= BODY_MIN
        assert len(form.cleaned_data["body"]) <= BODY_MAX
        assert "\x00" not in form.cleaned_data["body"]
    else:
        assert form.errors["body"]


def already_asked(cleaned) -> bool:
    return Post.objects.filter(
        number=1, thread__title=cleaned["title"], body=cleaned["body"]
    ).exists()


@given(title=title_text, body=body_text, category_choice=st.sampled_from(["ok", "unknown", "text"]))
@FUZZ
def test_asking_anything_never_fails_and_invalid_asks_create_nothing(
    asker_client, category, title, body, category_choice
):
    category_value = {"ok": category.pk, "unknown": 987654, "text": title[:50]}[category_choice]
    data = {"title": title, "body": body, "category": category_value}
    form = AskForm(data)
    is_valid = form.is_valid()
    # Hypothesis repeats inputs: the same question again lands on the one already asked.
    is_repeat = is_valid and already_asked(form.cleaned_data)
    threads, posts = Thread.objects.count(), Post.objects.count()

    # Posted urlencoded, as browsers post this form, so the size the limit sees is this one
    # (as multipart, the same fields make a smaller body: no percent-encoding).
    body = urlencode(data)
    response = asker_client.post("/ask/", body, content_type="application/x-www-form-urlencoded")

    if len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # Refused before any form sees it, with the 400 page that says why.
        assert response.status_code == 400
        assert "too large" in response.text
        assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)
    elif has_nul(*data.values()):  # refused at the door: config/nulbytes.py
        assert response.status_code == 400
        assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)
    elif is_valid:
        assert response.status_code == 302
        assert Thread.objects.count() == threads + (not is_repeat)
        assert Post.objects.count() == posts + (not is_repeat)
    else:
        assert response.status_code == 200
        assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)


@given(
    title=plausible_title,
    body=plausible_body,
    app_version=mixed_text,
    device=mixed_text,
    tx_hash=st.one_of(mixed_text, huge_text),
    chain_choice=st.sampled_from(["tron", "none", "unknown"]),
)
@FUZZ
def test_wallet_details_never_break_the_ask_page(
    asker_client, title, body, app_version, device, tx_hash, chain_choice
):
    wallet_category, _ = Category.objects.get_or_create(
        slug="wallet", defaults={"name": "Wallet", "asks_wallet_details": True}
    )
    tron, _ = Chain.objects.get_or_create(name="TRON", defaults={"tx_format": "tron"})
    chain = {"tron": tron.pk, "none": "", "unknown": 987654}[chain_choice]
    data = {
        "title": title,
        "body": body,
        "category": wallet_category.pk,
        "chain": chain,
        "app_version": app_version,
        "device": device,
        "tx_hash": tx_hash,
    }
    threads = Thread.objects.count()
    form = AskForm(data)
    is_repeat = form.is_valid() and already_asked(form.cleaned_data)

    response = asker_client.post("/ask/", data)

    assert response.status_code in ({400} if has_nul(*data.values()) else {200, 302})
    assert Thread.objects.count() == threads + (response.status_code == 302 and not is_repeat)


@given(body=body_text, is_htmx=st.booleans())
@FUZZ
def test_replying_anything_never_fails_and_invalid_replies_create_nothing(
    other_client, thread, body, is_htmx
):
    form = ReplyForm({"body": body})
    is_valid = form.is_valid()
    # Hypothesis repeats inputs: the same reply again lands on the one already posted.
    is_repeat = is_valid and thread.posts.filter(body=form.cleaned_data["body"]).exists()
    posts = Post.objects.count()

    response = other_client.post(
        f"/thread/{thread.pk}/reply/", {"body": body}, **(HTMX if is_htmx else {})
    )

    assert Post.objects.count() == posts + (is_valid and not is_repeat and not has_nul(body))
    if has_nul(body):  # refused at the door: config/nulbytes.py
        assert response.status_code == 400
    elif is_valid:
        assert response.status_code == (200 if is_htmx else 302)
    else:
        assert response.status_code == 200
        assert "alert" in response.text or "errorlist" in response.text


@given(body=body_text, reason=mixed_text)
@FUZZ
def test_editing_with_anything_never_fails(other_client, reply, body, reason):
    before = Post.objects.values_list("body", flat=True).get(pk=reply.pk)

    response = other_client.post(f"/p/{reply.pk}/edit/", {"body": body, "reason": reason})

    after = Post.objects.values_list("body", flat=True).get(pk=reply.pk)
    assert response.status_code in ({400} if has_nul(body, reason) else {200, 302})
    if response.status_code != 302:
        assert after == before


@given(query=st.one_of(mixed_text, huge_text))
@FUZZ
def test_searching_anything_never_fails(visitor_client, thread, query):
    response = visitor_client.get("/search/", {"q": query})

    assert response.status_code == (400 if has_nul(query) else 200)


@given(
    tab=st.one_of(st.sampled_from(["latest", "mine", "solved"]), mixed_text),
    sort=st.one_of(st.sampled_from(["activity", "votes"]), mixed_text),
    after=mixed_text,
    before=mixed_text,
)
@FUZZ
def test_any_category_query_answers_a_page_or_not_found(
    visitor_client, thread, category, tab, sort, after, before
):
    response = visitor_client.get(
        category.get_absolute_url(), {"tab": tab, "sort": sort, "after": after, "before": before}
    )

    assert response.status_code in ({400} if has_nul(tab, sort, after, before) else {200, 404})


@given(page=mixed_text, quote=mixed_text)
@FUZZ
def test_any_thread_query_shows_the_thread(asker_client, thread, page, quote):
    response = asker_client.get(thread.get_absolute_url(), {"page": page, "quote": quote})

    assert response.status_code == (400 if has_nul(page, quote) else 200)


@given(reason=mixed_text, note=mixed_text, page=mixed_text)
@FUZZ
def test_actions_with_any_extra_fields_never_fail(asker_client, reply, reason, note, page):
    flagged = asker_client.post(f"/p/{reply.pk}/flag/", {"reason": reason, "note": note})
    voted = asker_client.post(f"/p/{reply.pk}/vote/", {"page": page}, **HTMX)
    accepted = asker_client.post(f"/p/{reply.pk}/accept/", {"page": page}, **HTMX)

    # A NUL is refused at the door (config/nulbytes.py).
    assert flagged.status_code in ({400} if has_nul(reason, note) else {200, 302})
    assert voted.status_code == (400 if has_nul(page) else 200)
    assert accepted.status_code == (400 if has_nul(page) else 200)
