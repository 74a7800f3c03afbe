"""The CSRF token a cached page's forms carry (forum/pagecache.py fills it in on every
serve): `get_token`, made as django.middleware.csrf.get_token makes it, with its random
characters drawn from one read of the system's random source.

Django draws each of a token's random characters with its own call to `secrets.choice`
(32 for the mask, 32 more for a new secret): 40-70 µs, an eighth of a visitor's cached
thread page. Here the characters come from random bytes, each byte below the largest
multiple of 62 taken modulo 62 (so every character is equally likely, as with
`secrets.choice`), and the mask is applied as Django applies it: the middleware reads the
token back with its own `_unmask_cipher_token`, and tests post forms with it under
enforced CSRF checks. The cookie is handled as `get_token` handles it: an existing secret
is kept and its cookie renewed, a missing one is made and set by the middleware.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_COUNT = len(_CHARS)
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_UNBIASED_BELOW = 256 - 256 % _COUNT  # bytes from here up would favour the first chars


def _random_indices(count: int) -> list[int]:
    indices: list[int] = []
    while len(indices) < count:
        drawn = secrets.token_bytes(count + count // 2)
        indices.extend(byte % _COUNT for byte in drawn if byte < _UNBIASED_BELOW)
    return indices[:count]


def new_secret() -> str:
    """A new CSRF secret, as django.middleware.csrf._get_new_csrf_string makes one."""
    return "".join(_CHARS[index] for index in _random_indices(CSRF_SECRET_LENGTH))


def mask(secret: str) -> str:
    """The token for `secret` under a new random mask (Django's _mask_cipher_secret)."""
    shifts = _random_indices(CSRF_SECRET_LENGTH)
    pairs = zip(secret, shifts, strict=True)
    cipher = "".join(_CHARS[(_INDEX[char] + shift) % _COUNT] for char, shift in pairs)
    return "".join(_CHARS[shift] for shift in shifts) + cipher


def get_token(request) -> str:
    """django.middleware.csrf.get_token: this request's masked CSRF token."""
    meta = request.META
    if "CSRF_COOKIE" not in meta:
        meta["CSRF_COOKIE"] = new_secret()
    # Sent again (even if the browser has it) to renew its expiry, as Django does.
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask(meta["CSRF_COOKIE"])
