"""Key checks for the site's cache backends (config/filecache.py, and Redis in settings).

Django's backends check every key against memcached's limits (under 250 characters, no
spaces or control characters) character by character in Python, on every get and set: a
few microseconds an operation, and a member's thread page makes several. Neither backend
here has those limits (the file cache names its files by a hash of the key, Redis takes
any bytes), and every key is built in config/caching.py from ids and hex digests, so the
check is one length test: a key that grew without bound would be a bug in a key builder.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

MAX_KEY_LENGTH = 1_000


class BoundedKeys:
    def validate_key(self, key):
        if len(key) > MAX_KEY_LENGTH:
            raise ValueError(f"Cache key of {len(key)} characters: {key[:80]!r}…")


class RedisCache(BoundedKeys, DjangoRedisCache):
    pass
