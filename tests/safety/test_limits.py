"""Rate limits by trust (safety.limits): the caller says how far the member is trusted."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from config.ratelimit import RateLimited
from safety import limits
from safety.limits import Trust

NEW = Trust(is_new_member=True, is_trusted=False)
ORDINARY = Trust()


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.NEW_MEMBER_POST_RATE = "2/h"
    settings.POST_RATE = "4/h"
    settings.NEW_MEMBER_FOLLOW_UP_RATE = "6/h"
    settings.FOLLOW_UP_RATE = "12/h"


def test_new_members_post_at_their_own_rate_with_their_own_words():
    assert limits.POSTING.rate(NEW) == "2/h"
    assert limits.POSTING.rate(ORDINARY) == "4/h"
    assert limits.FOLLOWING_UP.rate(NEW) == "6/h"
    assert "New members can post only a few times" in limits.POSTING.message(NEW)
    assert "New members" not in limits.POSTING.message(ORDINARY)


def test_a_new_members_body_is_refused_only_for_what_new_members_may_not_post(settings):
    settings.NEW_MEMBER_MAX_LINKS = 2

    assert limits.new_member_refusal(ORDINARY, link_count=9, image_count=3) is None
    assert limits.new_member_refusal(NEW, link_count=2, image_count=0) is None
    assert "images" in limits.new_member_refusal(NEW, link_count=0, image_count=1)


def test_previews_from_someone_signed_out_are_counted_by_address(settings):
    settings.PREVIEW_RATE = "1/h"
    request = RequestFactory().post("/preview/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()

    limits.count(request, limits.PREVIEWING, trust=NEW)
    with pytest.raises(RateLimited, match="many previews"):
        limits.count(request, limits.PREVIEWING, trust=NEW)
