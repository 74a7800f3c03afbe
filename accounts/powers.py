"""Staff powers: a staff role, used in a session whose second factor was verified.

The one rule behind every staff power — the "✔ Support team" badge, the ticket
workflow, escalating a thread, seeing hidden content, staff notifications, moderating,
the admin. A role (accounts.roles) says who someone is; a power says what this request
may do. A phished staff password signs a person in as an ordinary member: nothing staff
like, anywhere, until the second factor is verified.

"Verified in this session" is allauth's record of the session's authentications (a
two-factor sign-in, a two-factor re-authentication, or setting up two-factor while
signed in, which proves the same possession). accounts.middleware reads it once per
request and marks request.user; services receive that user as their actor and ask the
same functions. Users loaded any other way (authors, assignees, a task's users) carry no
mark and hold no powers: what they wrote as staff is recorded on the post
(Post.posted_as), not re-derived from their role.
"""

from functools import wraps

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

AGENT = "agent"
MODERATOR = "moderator"

_MARK = "_second_factor_verified"


def mark_verified(user, verified: bool = True):
    """Record on this user object that its session verified a second factor.

    Called by the middleware from the session, and by code that acts for a staff member
    outside a request (seed_demo) and by tests' personas. Returns the user.
    """
    setattr(user, _MARK, verified)
    return user


def is_second_factor_verified(user) -> bool:
    return bool(getattr(user, _MARK, False)) and user.is_authenticated


def acts_as_agent(user) -> bool:
    """An agent (or admin) whose session verified a second factor."""
    return user.is_authenticated and user.is_agent and is_second_factor_verified(user)


def acts_as_moderator(user) -> bool:
    """A moderator (or admin) whose session verified a second factor."""
    return user.is_authenticated and user.is_moderator and is_second_factor_verified(user)


def acting_role(user) -> str:
    """The capacity this user acts in now: AGENT, MODERATOR or "" (a member)."""
    if acts_as_agent(user):
        return AGENT
    return MODERATOR if acts_as_moderator(user) else ""


def holds_staff_role(user) -> bool:
    """Staff by role (an agent, a moderator, an admin, or anyone with staff status)."""
    return user.is_authenticated and (user.is_staff or user.is_moderator or user.is_agent)


def needs_second_factor(user) -> bool:
    """Holds a staff role but has no staff powers in this session yet."""
    return holds_staff_role(user) and not is_second_factor_verified(user)


def second_factor_url(user, next_url: str = "") -> str:
    """Where a staff member goes to get their powers: set up two-factor, or verify it."""
    from allauth.mfa.utils import is_mfa_enabled

    name = "mfa_reauthenticate" if is_mfa_enabled(user) else "mfa_activate_totp"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def session_verified_second_factor(request, user) -> bool:
    """Whether allauth recorded a second factor for this user in this session."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def _record_setup(sender, request, user, authenticator, **kwargs):
    """Setting up two-factor proves the same possession a two-factor sign-in does."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and user.is_authenticated and authenticator.type != "recovery_codes":
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )


def _forget_after_removal(sender, request, user, authenticator, **kwargs):
    """Without any second factor left, the session's earlier verification no longer counts."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.utils import is_mfa_enabled

    if request is None or is_mfa_enabled(user):
        return
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            record for record in records if record.get("method") != "mfa"
        ]
    mark_verified(user, False)


def connect() -> None:
    from allauth.mfa import signals

    signals.authenticator_added.connect(_record_setup, dispatch_uid="powers_setup")
    signals.authenticator_removed.connect(_forget_after_removal, dispatch_uid="powers_removed")


def power_required(predicate, *, otherwise):
    """View decorator: the view runs only for users `predicate` admits.

    Someone who holds a staff role but has not verified a second factor in this session
    is sent to set it up (or to confirm it), and comes back here after; everyone else
    gets `otherwise()` raised (a 404 where the page must not admit it exists).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if predicate(user):
                return view(request, *args, **kwargs)
            if holds_staff_role(user) and not is_second_factor_verified(user):
                return second_factor_redirect(request)
            raise otherwise()

        return wrapped

    return decorator


def second_factor_redirect(request):
    """Send a staff member to their second factor, then back to where they were going."""
    from allauth.mfa.utils import is_mfa_enabled
    from django.contrib import messages
    from django.shortcuts import redirect
    from django_htmx.http import HttpResponseClientRedirect

    user = request.user
    if is_mfa_enabled(user):
        message = _("Confirm it is you with your two-factor code to use your staff tools.")
    else:
        message = _("Staff accounts must use two-factor authentication. Set it up to continue.")
    messages.warning(request, message)
    # Back to the page after a GET; a form's POST is not repeated, it is sent again by hand.
    url = second_factor_url(user, request.get_full_path() if request.method == "GET" else "")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
