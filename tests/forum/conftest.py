"""Forum state shared by the forum tests: a category, a question by `member`, a reply."""

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.factories import CategoryFactory, PostFactory, ThreadFactory


@pytest.fixture
def category(db):
    return CategoryFactory(slug="transfers", name="Transfers")


@pytest.fixture
def other_category(db):
    return CategoryFactory(slug="install", name="Installing the app")


@pytest.fixture
def thread(member, category):
    """A question asked by `member`, the asker."""
    return ThreadFactory(
        author=member,
        category=category,
        title="USDT sent on TRON shows pending for two hours",
        body="I sent 50 USDT to an exchange and the wallet still says pending.",
    )


@pytest.fixture
def question(thread):
    return thread.posts.get(number=1)


@pytest.fixture
def reply(thread, other_member):
    """An answer by `other_member`."""
    return PostFactory(
        thread=thread,
        author=other_member,
        body="Look the hash up on tronscan; if it is confirmed, ask the exchange.",
    )


def client_for(user, *, second_factor: bool | None = None) -> Client:
    """A client signed in as `user` (tests.conftest.sign_in), or a visitor's for None."""
    client = Client()
    if user is not None:
        sign_in(client, user, second_factor=second_factor)
    return client


@pytest.fixture
def visitor_client():
    return Client()


@pytest.fixture
def asker_client(member):
    return client_for(member)


@pytest.fixture
def other_client(other_member):
    return client_for(other_member)


@pytest.fixture
def moderator_client(moderator):
    return client_for(moderator)
