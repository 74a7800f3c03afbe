"""Where a form may send its user back to: one rule for every `next` the site accepts."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, candidate: str, *, default: str) -> str:
    """`candidate` if it is a path on this site, else `default` (a URL, never a view name).

    Only a path counts: `redirect()` would read `nope` or `-1` as a view name and fail, and
    an absolute URL to another host is an open redirect.
    """
    is_local = (
        candidate.startswith("/")
        and "\x00" not in candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return candidate if is_local else default
