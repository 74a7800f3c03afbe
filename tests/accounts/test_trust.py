"""Who is a new member and who is trusted (accounts.trust): what the safety rules are told."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import roles, trust
from safety.limits import Trust
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=60)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.NEW_MEMBER_DAYS = 3
    settings.NEW_MEMBER_REPUTATION = 10
    settings.TRUSTED_REPUTATION = 50
    settings.TRUSTED_ACCOUNT_DAYS = 14


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", date_joined=timezone.now() - timedelta(hours=2))


def test_a_member_is_new_for_their_first_days_until_they_earn_reputation(newcomer):
    assert trust.is_new_member(newcomer)
    assert not trust.is_new_member(newcomer, now=timezone.now() + timedelta(days=3))
    newcomer.reputation = 10
    assert not trust.is_new_member(newcomer)


def test_moderators_and_staff_are_never_new_and_always_trusted(db):
    moderator = UserFactory(role=roles.MODERATORS)
    agent = UserFactory(role=roles.AGENTS)

    for person in (moderator, agent):
        assert not trust.is_new_member(person)
        assert trust.is_trusted(person)


def test_trust_takes_both_reputation_and_an_account_of_some_age(db):
    young = UserFactory(reputation=500, date_joined=timezone.now() - timedelta(days=2))
    old_quiet = UserFactory(reputation=0, date_joined=timezone.now() - LONG_AGO)
    old_helpful = UserFactory(reputation=50, date_joined=timezone.now() - LONG_AGO)

    assert not trust.is_trusted(young)
    assert not trust.is_trusted(old_quiet)
    assert trust.is_trusted(old_helpful)


def test_trust_of_tells_the_rules_both_answers(newcomer):
    veteran = UserFactory(reputation=50, date_joined=timezone.now() - LONG_AGO)

    assert trust.trust_of(newcomer) == Trust(is_new_member=True, is_trusted=False)
    assert trust.trust_of(veteran) == Trust(is_new_member=False, is_trusted=True)


def test_someone_signed_out_has_earned_no_trust():
    assert trust.trust_of(AnonymousUser()) == Trust(is_new_member=True, is_trusted=False)
