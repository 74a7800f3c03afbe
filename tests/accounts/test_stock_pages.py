"""allauth's pages as our members read them: sentence case in English, one register in Chinese.

The pages, their form errors and their emails come from allauth (and a few from Django);
our templates and catalogues (locale/en, locale/zh_Hans) change their words where they
differ from the rest of the site: "Sign Up" is "Sign up", 帐户 is 账户, 你 is 您.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

from accounts.models import User
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

VISITOR_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/inactive/",
    "/accounts/password/reset/key/1-bad-key/",
]
MEMBER_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
]
AGENT_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/reauthenticate/",
]
# Form posts whose errors come from allauth's and Django's catalogues.
VISITOR_POSTS = [
    (
        "/accounts/signup/",
        {"email": "x@example.com", "username": "xy", "password1": "123", "password2": "1234"},
    ),
    (
        "/accounts/signup/",
        {"email": "x", "username": "member", "password1": "password", "password2": "password"},
    ),
    ("/accounts/login/", {"login": "member", "password": "wrong"}),
    ("/accounts/password/reset/", {"email": "nobody"}),
]
MEMBER_POSTS = [
    (
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "member", "password2": "member"},
    ),
]


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def client_in(language: str, user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["handoff_language"] = language
    if user is not None:
        User.objects.filter(pk=user.pk).update(language=language)
        sign_in(client, user)
    return client


@pytest.fixture
def pages(member, agent):
    """(client, method, path, data) for every page and form error above, in `language`."""

    def pages(language):
        visitor = client_in(language, None)
        as_member = client_in(language, member)
        as_agent = client_in(language, agent)
        return (
            [(visitor, "get", path, None) for path in VISITOR_PAGES]
            + [(visitor, "post", path, data) for path, data in VISITOR_POSTS]
            + [(as_member, "get", path, None) for path in MEMBER_PAGES]
            + [(as_member, "post", path, data) for path, data in MEMBER_POSTS]
            + [(as_agent, "get", path, None) for path in AGENT_PAGES]
        )

    return pages


def rendered(client, method, path, data) -> str:
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


# --- Chinese: one register (您), 账户, full-width sentence ends --------------------

# A Chinese character, then an ASCII full stop: a sentence that ends the English way.
ASCII_STOP = re.compile(r"[\u4e00-\u9fff）》”]\s*\.(?![\w.])")


def register_problems(text: str) -> list[str]:
    found = [word for word in ("你", "帐户", "帐号") if word in text]
    found += [f"ASCII full stop after “{match.group()}”" for match in ASCII_STOP.finditer(text)]
    return found


def test_stock_pages_in_chinese_use_one_register_and_full_width_stops(pages):
    problems = {}
    for client, method, path, data in pages("zh-hans"):
        text = visible_text(rendered(client, method, path, data))
        if found := register_problems(text):
            problems[f"{method} {path}"] = found
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())


def test_our_chinese_catalogue_uses_one_register_and_full_width_stops():
    with open(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as po:
        catalogue = read_po(po)
    problems = {}
    for message in catalogue:
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in translations:
            found = register_problems(text)
            if re.search(r"[\u4e00-\u9fff]", text) and text.rstrip().endswith("."):
                found.append("ends with an ASCII full stop")
            if found:
                problems[str(message.id)] = found
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())


# --- English: sentence case -----------------------------------------------------

# Words that keep their capital inside a sentence.
PROPER = {"Handoff", "I", "TOTP", "OK"}
HEADING = re.compile(r"(?s)<(h1|h2|h3|button|label|title|legend)\b[^>]*>(.*?)</\1>")


def title_case_words(html: str) -> list[str]:
    found = []
    main = html.split("<main", 1)[-1]
    for _tag, inner in HEADING.findall(main) + HEADING.findall(html.split("<body", 1)[0]):
        words = visible_text(inner).split()
        for word in words[1:]:
            bare = word.strip("“”\"'():?!.,|")
            if bare[:1].isupper() and bare not in PROPER and not bare.isupper():
                found.append(" ".join(words))
                break
    return found


def test_stock_pages_in_english_are_in_sentence_case(pages):
    problems = {}
    for client, method, path, data in pages("en"):
        if found := title_case_words(rendered(client, method, path, data)):
            problems[f"{method} {path}"] = found
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())
