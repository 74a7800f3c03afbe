"""Who may keep a copy of a response: no shared cache ever stores a private page.

One rule for the whole site, rather than a decorator on each private view that the next
view would forget:

- A response to a signed-in user, or to a visitor whose session holds something (a
  sign-in halfway through its second step, a flash message), is `private, no-store`:
  their pages carry their own requests, notifications, internal notes or settings, and
  neither a proxy nor the browser's back button may show them to the next person.
- A response that sets a cookie is at least `private`: a shared cache would hand the
  cookie (a session, a CSRF token) to everyone it serves the copy to.
- A view opts into shared caching by saying so, `@cache_control(public=True)` (the
  category colours stylesheet): it promises that nothing private is in the response.
  A cookie still makes it private.

Public pages seen by visitors keep whatever their views send (nothing, today): the visitor
page cache (forum/pagecache.py) is server-side, and serves visitors only.

Placed before SessionMiddleware, so that it sees the cookies that session, CSRF and
language handling set on the way out. Static files never reach it (WhiteNoise answers them
further out).
"""

from django.utils.cache import patch_cache_control


def _is_private(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and session.accessed and not session.is_empty()


def _is_public(response) -> bool:
    directives = response.get("Cache-Control", "")
    return "public" in (part.strip().lower() for part in directives.split(","))


class PrivatePagesMiddleware:
    """Marks what only its requester may see `private, no-store`, and cookies `private`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_private(request) and not _is_public(response):
            patch_cache_control(response, private=True, no_store=True)
        if response.cookies:
            patch_cache_control(response, private=True)
        return response
