"""Named personas and the plumbing every test shares."""

import contextlib
import os
import runpy
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import override_settings

from accounts import roles
from config.celery import app as celery_app
from tests.factories import PASSWORD, UserFactory

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, reachable: bool, how: str) -> None:
    """Fail on CI when a service a test needs is down; skip, saying why, on a laptop."""
    if reachable:
        return
    message = f"{name} is not reachable: {how}"
    if ON_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _plain_http(tmp_path_factory):
    """Settings every test shares.

    Tests talk plain HTTP to the test client and the live server (production keeps TLS
    on); static files come from the finders, looked up per request rather than indexed
    by every new test Client (the hashed manifest is a deploy step); passwords hash
    with a fast hasher, since the production one is slow on purpose. The file cache (the
    embedded default) lives in a folder of the session's own, away from a developer's
    running `make run`, whose cache the tests would otherwise empty.
    """
    from django.conf import settings

    caches = settings.CACHES
    if caches["default"]["BACKEND"].endswith("FileBasedCache"):
        folder = str(tmp_path_factory.mktemp("cache"))
        caches = {"default": {**caches["default"], "LOCATION": folder}}

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        STORAGES=storages,
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        CACHES=caches,
        VISITOR_PAGE_CACHE_SECONDS=0,  # tests/forum/test_pagecache.py turns it on
        # Every test that reloads a member's thread page checks the saved copy against a
        # fresh render: a value the page shows but its key leaves out fails that test.
        MEMBER_PAGE_CACHE_VERIFY="raise",
        WHITENOISE_AUTOREFRESH=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _private_broker(tmp_path_factory):
    """Keep test messages away from a developer's running `make run` worker.

    On a server broker (CI's Redis) the suite starts from an empty queue instead, so
    the real-worker test does not first chew through an earlier run's messages.
    """
    conf = celery_app.conf
    saved = conf.broker_transport_options
    if conf.broker_url.startswith("filesystem://"):
        folder = tmp_path_factory.mktemp("broker")
        (folder / "queue").mkdir()
        (folder / "control").mkdir()
        conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
        }
        reset_celery_connections()
    else:
        with contextlib.suppress(Exception):  # a test that needs the broker says it is down
            celery_app.control.purge()
    yield
    conf.broker_transport_options = saved
    reset_celery_connections()


def reset_celery_connections() -> None:
    """Forget pooled broker connections so a changed broker setting takes effect.

    kombu keeps connection and producer pools in process-wide registries keyed by the
    connection; closing only Celery's handle would leave a closed pool registered.
    """
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Point the web side's Celery publisher at `url` (with the production fail-fast options)."""
    from django.conf import settings

    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    saved_env = os.environ.get("CELERY_BROKER_URL")
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    os.environ["CELERY_BROKER_URL"] = url
    conf.broker_url = url
    conf.broker_transport_options = {
        "socket_connect_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.1,
        "interval_max": 0.1,
    }
    reset_celery_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        reset_celery_connections()


@pytest.fixture
def closed_port():
    """A local TCP port that nothing listens on: connections are refused at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def silent_port():
    """A local TCP port that accepts connections and never answers: the worst broker."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


# --- Personas ----------------------------------------------------------------


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def member(db):
    return UserFactory(username="member", display_name="Mia Member")


@pytest.fixture
def other_member(db):
    return UserFactory(username="other", display_name="Otto Other")


@pytest.fixture
def unverified(db):
    return UserFactory(username="unverified", verified=False)


@pytest.fixture
def moderator(db):
    """A moderator with two-factor set up, acting in a session that verified it."""
    return UserFactory(username="moddy", role=roles.MODERATORS)


@pytest.fixture
def agent(db):
    """A support agent with two-factor set up, acting in a session that verified it."""
    return UserFactory(username="agent_amy", role=roles.AGENTS)


@pytest.fixture
def agent_without_mfa(db):
    """An agent who signed in with the password alone: the role, and no staff powers."""
    return UserFactory(username="agent_nofa", role=roles.AGENTS, second_factor=False)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def sign_in(client, user, *, second_factor: bool | None = None):
    """Sign `user` in on `client` as allauth would: with their second factor if they have one.

    `second_factor=False` signs a user who has two-factor in with the password only (a
    session that never verified it, such as one from before two-factor was set up).
    """
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    if second_factor is None:
        from allauth.mfa.utils import is_mfa_enabled

        second_factor = is_mfa_enabled(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "username": user.username}]
    if second_factor:
        records.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


@pytest.fixture
def member_client(client, member):
    return sign_in(client, member)


@pytest.fixture
def agent_client(client, agent):
    return sign_in(client, agent)


@pytest.fixture(autouse=True)
def _no_leftovers():
    """No test inherits another's cache (rate limits, view counts), time zone or language."""
    from django.core.cache import cache
    from django.utils import timezone, translation

    cache.clear()
    yield
    cache.clear()
    timezone.deactivate()
    translation.activate("en")


# --- Behind the TLS proxy ------------------------------------------------------------

# REMOTE_ADDR of every request that comes through the proxy.
PROXY_ADDRESS = "10.0.0.2"
_CLIENT_ADDRESS_SETTINGS = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")


def settings_from_environment(**environ) -> dict:
    """config/settings.py as it reads with these variables set: what a deploy would get."""
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    try:
        return runpy.run_path(str(Path(__file__).resolve().parents[1] / "config" / "settings.py"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def behind_proxy(settings):
    """The client-address settings of a deploy with DJANGO_BEHIND_PROXY=1 and nothing more."""
    deployed = settings_from_environment(
        DJANGO_BEHIND_PROXY="1", DJANGO_TRUSTED_PROXY_COUNT="", DJANGO_CLIENT_IP_HEADER=""
    )
    for name in _CLIENT_ADDRESS_SETTINGS:
        if name in deployed:
            setattr(settings, name, deployed[name])
    return settings


def through_proxy(client_address: str, *, forged: str = "") -> dict:
    """Test-client headers of a request through the proxy, which appends the address it saw.

    `forged` is what the client itself put in X-Forwarded-For.
    """
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY_ADDRESS, "HTTP_X_FORWARDED_FOR": forwarded}
