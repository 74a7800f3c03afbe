"""config/csrf.py: the cached pages' CSRF token, made as Django's get_token makes it."""

from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from config import csrf


def test_a_request_with_a_secret_keeps_it_and_renews_its_cookie():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = csrf.new_secret()

    tokens = {csrf.get_token(request) for _ in range(20)}

    assert len(tokens) == 20  # a new mask each time
    assert all(len(token) == CSRF_TOKEN_LENGTH for token in tokens)
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert request.META["CSRF_COOKIE"] == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_request_without_one_gets_a_new_secret_the_middleware_will_set():
    request = RequestFactory().get("/")

    token = csrf.get_token(request)

    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH
    assert set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.parametrize("secret", ["a" * 32, "Z" * 32, "0123456789" * 3 + "zZ"])
def test_every_character_unmasks_to_itself(secret):
    for _ in range(50):
        assert _unmask_cipher_token(csrf.mask(secret)) == secret


def test_the_random_characters_are_spread_evenly():
    drawn = Counter("".join(csrf.new_secret() for _ in range(4000)))  # 128,000 characters

    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    expected = 128_000 / len(CSRF_ALLOWED_CHARS)  # ~2,065 each
    assert all(abs(count - expected) < 0.15 * expected for count in drawn.values())
