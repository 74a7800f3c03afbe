"""The authentication backends: Django's and allauth's, with the user of a session read by
one hand-written query.

Every signed-in request loads its user (`django.contrib.auth.get_user` calls the session's
backend's `get_user`). Through the ORM that lookup cost about a fifth of a member's whole
thread page, nearly all of it building the query; `config.rawrows` reads the same row
with the backend's converters and `Model.from_db`, so the instance is the one the ORM
would build. Everything else (passwords, permissions, allauth's email and username
sign-in) is the parent classes'.

Sessions record the path of the backend that signed them in. Those signed in before these
classes named Django's and allauth's own: `LegacyBackendSessionMiddleware` renames them on
their next request, so nobody is signed out by the change.
"""

from allauth.account import auth_backends
from django.contrib.auth import BACKEND_SESSION_KEY, backends
from django.db import connection

from accounts import roles, standing
from config import rawrows


def _user_by_pk(user_id):
    """The user, with their role groups (`group_names`) read in the same statement: every
    signed-in request asks what its user may do, and a role granted or revoked shows on
    the next request of every process."""
    from accounts.models import User

    columns = _columns(User)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not -(2**63) <= user_id < 2**63:
        return None
    rows = rawrows.fetch(_user_statement(columns), [*roles.ALL_GROUPS, user_id])
    if not rows:
        return None
    row = rows[0]
    ((user,),) = rawrows.cut([row[:-1]], columns)
    user.__dict__["group_names"] = roles.names_from_column(row[-1])
    return user


_STATEMENTS = {}


def _user_statement(columns) -> str:
    found = _STATEMENTS.get(connection.vendor)
    if found is None:
        user_id = f"u.{connection.ops.quote_name('id')}"
        found = _STATEMENTS[connection.vendor] = (
            f"SELECT {columns.sql}, {roles.names_column(user_id)} "
            f"FROM {columns.table} WHERE {user_id} = %s"
        )
    return found


_COLUMNS = {}


def _columns(model) -> rawrows.Columns:
    found = _COLUMNS.get(model)
    if found is None:
        found = _COLUMNS[model] = rawrows.Columns.of(model, "u")
    return found


class FastUserMixin:
    def get_user(self, user_id):
        user = _user_by_pk(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        # A suspended account is signed out at its next request, wherever its sessions are.
        return None if standing.is_suspended(user) else user


class ModelBackend(FastUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(FastUserMixin, auth_backends.AuthenticationBackend):
    pass


LEGACY_PATHS = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}


class LegacyBackendSessionMiddleware:
    """Sessions signed in through Django's or allauth's own backend now name ours (above):
    the same users, read faster. Before AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        renamed = LEGACY_PATHS.get(session.get(BACKEND_SESSION_KEY))
        if renamed is not None:
            session[BACKEND_SESSION_KEY] = renamed
        return self.get_response(request)
