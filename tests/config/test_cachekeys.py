"""config/cachekeys.py: the site's cache backends check a key's length, not each character."""

import pytest
from django.core.cache import cache

from config.cachekeys import MAX_KEY_LENGTH


def test_any_key_the_site_builds_is_taken():
    cache.set("frag:thread page:zh-hans:Asia/Shanghai:ab12", "x", 30)  # a space: memcached's no

    assert cache.get("frag:thread page:zh-hans:Asia/Shanghai:ab12") == "x"


def test_a_key_without_bound_is_refused():
    with pytest.raises(ValueError, match="Cache key of"):
        cache.get("k" * (MAX_KEY_LENGTH + 1))
