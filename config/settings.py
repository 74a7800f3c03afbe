"""Handoff settings, read from the environment.

Every value has a safe production default; `make run` sets the few that make a
laptop convenient (DJANGO_DEBUG=1). See README.md for the full list.
"""

from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_float,
    env_header_name,
    env_int,
    env_list,
    env_rate,
    env_str,
)
from config.postgresql import postgresql_options

BASE_DIR = Path(__file__).resolve().parent.parent
# Named here, made by the commands that need it (config/localfiles.py): importing the
# settings creates nothing.
VAR_DIR = Path(env_str("HANDOFF_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# TLS-related hardening (redirects, secure cookies, HSTS). On whenever DEBUG is off.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
# A TLS proxy of ours is in front: trust its X-Forwarded-Proto and the client address it
# passes on (see "The client's address" below).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY; with DEBUG on, the key kept in var/ for one developer's machine.

    Only read here: `manage.py` (with DJANGO_DEBUG=1) makes that file (config/localfiles.py).
    """
    configured = env_str("DJANGO_SECRET_KEY")
    if configured:
        return configured
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off it must be: a long random "
            "value, the same on every machine of the site, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    key_file = VAR_DIR / "secret_key"
    key = key_file.read_text().strip() if key_file.exists() else ""
    if not key:
        raise ImproperlyConfigured(
            f"No secret key: DJANGO_SECRET_KEY is not set and {key_file} does not exist. "
            "With DJANGO_DEBUG=1, `make run` or any `python manage.py` command makes one "
            "there; or set DJANGO_SECRET_KEY."
        )
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("HANDOFF_SITE_NAME", "Handoff")
# The public host name, used where a link leaves the request (emails sent by workers).
SITE_DOMAIN = env_str("HANDOFF_DOMAIN", "127.0.0.1:8000")
# Where someone who cannot sign in (no verification email, a password reset that fails)
# reaches the support team: an email address or an http(s):// page. The sign-in pages
# name it; without it they say only what the person can do themselves.
SUPPORT_CONTACT = env_str("HANDOFF_SUPPORT_CONTACT", "")
if SUPPORT_CONTACT and not (
    SUPPORT_CONTACT.startswith(("https://", "http://"))
    or (
        SUPPORT_CONTACT.count("@") == 1
        and " " not in SUPPORT_CONTACT
        and "." in SUPPORT_CONTACT.split("@")[1]
    )
):
    raise ImproperlyConfigured(
        "HANDOFF_SUPPORT_CONTACT must be an email address (help@example.com) or a web "
        f"address (https://…); got {SUPPORT_CONTACT!r}."
    )

INSTALLED_APPS = [
    "accounts.admin_app.AdminConfig",  # django.contrib.admin, on our site class
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "csp",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "notifications",
    "safety",
    "forum",
    "escalation",
    "help",
    "analytics",
    "demo",
    "config.apps.HandoffConfig",
]
# Developer commands over the benchmark tooling in bench/ (`seed_scale`): not part of the
# product, so installed only on a developer's machine or where asked for.
DEV_COMMANDS = env_bool("HANDOFF_DEV_COMMANDS", DEBUG)
if DEV_COMMANDS:
    INSTALLED_APPS.append("bench.devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files need no page policy, so they skip the work.
    "config.csp.CSPMiddleware",  # django-csp's, its headers built once (config/csp.py)
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Outside the session and CSRF middleware: it sees the cookies they set (config/cache_headers.py).
    "config.cache_headers.PrivatePagesMiddleware",
    "config.nulbytes.RejectNulBytesMiddleware",  # before the session is looked up
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.backends.LegacyBackendSessionMiddleware",  # sessions from before accounts.backends
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known: staff powers (accounts.powers) read its mark.
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.AuditActorMiddleware",
    "accounts.middleware.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.ratelimit.RateLimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "config.context_processors.site",
                "accounts.timezones.offer",
                # After Django's csrf one, which it overrides for the visitor page cache.
                "forum.pagecache.csrf_placeholder",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database ----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'handoff.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own, with a health check that asks the socket instead of sending
    # `SELECT 1` before each request's first query (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        postgresql_options(
            prepared=env_bool("DATABASE_PREPARED_STATEMENTS", True),
            jit=env_bool("DATABASE_JIT", False),
        )
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, converting each statement's placeholders once (config/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
    # Connections are kept like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening one and
    # running these pragmas on every request cost a signed-in thread page a large share
    # of its throughput (bench/README.md); autocommit leaves no transaction open in between, so
    # a kept connection never holds back a checkpoint.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Search ------------------------------------------------------------------
# Empty: the database's own full-text search, by its vendor (forum/search/backends.py).
# An external engine would be another class with the same four methods, named here.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "")

# --- Cache -------------------------------------------------------------------
# Whatever must be correct across processes goes through this cache: rate limits (ours
# and allauth's), role names (accounts/roles.py), sessions, pending view counts that the
# worker folds (forum/viewcounts.py). So it must be shared by every process: Redis in
# production; the embedded default keeps it in files under var/cache/, which every
# process of one machine shares (make run's web, worker and beat) with no server.
SINGLE_PROCESS = env_bool("HANDOFF_SINGLE_PROCESS", False)
CACHE_URL = env_str("CACHE_URL") or "file://"
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "config.cachekeys.RedisCache",  # keys checked once (config/cachekeys.py)
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "handoff",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_URL.startswith("file://"):
    # file:// is var/cache/; file:///srv/handoff/cache names a directory.
    CACHES = {
        "default": {
            "BACKEND": "config.filecache.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
            # Every caller passes its own lifetime; the default is what incr() (get and
            # set here) gives a counter, which must not expire before beat folds it.
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
elif CACHE_URL == "locmem://":
    if not (DEBUG or SINGLE_PROCESS):
        raise ImproperlyConfigured(
            "CACHE_URL=locmem:// keeps the cache in each process's memory: web processes, "
            "the worker and beat would not share rate limits, role changes or view counts. "
            "Set CACHE_URL to a shared cache such as redis://… (or file:// on a single "
            "machine, the default), or HANDOFF_SINGLE_PROCESS=1 if this deployment runs "
            "exactly one web process and one worker."
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://…, rediss://…, file://[directory] or locmem://; "
        f"got {CACHE_URL!r}."
    )

# --- Sessions ----------------------------------------------------------------
# Written to the database, read through the cache: a signed-in page view costs no
# session query once warm, and a cache flush loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading a session's user by one raw query (accounts/backends.py).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Usernames and display names that contain or imitate these words are for staff only
# (safety/names.py has the matching rules). Each list is comma-separated in the
# environment and replaces the default as a whole.
RESERVED_NAMES = env_list(
    "HANDOFF_RESERVED_NAMES",
    [
        "support", "admin", "administrator", "official", "staff", "moderator", "mod", "team",
        "helpdesk", "service", "security", "客服", "官方", "管理员", "工作人员", "版主",
        "安全团队", "管理員", "工作人員", "安全團隊", "kefu", "guanfang", "售后", "售後",
        "技术支持", "技術支持", "客服中心",
    ],
)  # fmt: skip
# The site's and the wallet's names: reserved like the words above.
BRAND_NAMES = env_list("HANDOFF_BRAND_NAMES", ["handoff", "tpwallet", "tokenpocket", "tp钱包"])
# Words that are ordinary alone but read like a support desk next to a wallet word:
# "Recovery Road" and "Verity" are members, "Wallet Recovery Desk" is an impersonator.
# A name with a word of the first list and another of the second (or a brand, or a
# reserved word) is refused. A word may be in both lists ("recovery", "desk").
IMPERSONATION_ROLE_WORDS = env_list(
    "HANDOFF_IMPERSONATION_ROLE_WORDS",
    [
        "recovery", "recover", "restore", "rescue", "helpdesk", "help", "desk", "helpline",
        "hotline", "service", "verify", "verification", "team", "care", "center", "centre",
        "assist", "agent", "unlock", "refund", "人工", "恢复", "恢復", "找回", "验证", "驗證",
        "认证", "認證", "服务", "服務", "中心", "团队", "團隊", "助手", "专员", "專員",
        "解冻", "解凍", "热线", "熱線",
    ],
)  # fmt: skip
IMPERSONATION_CONTEXT_WORDS = env_list(
    "HANDOFF_IMPERSONATION_CONTEXT_WORDS",
    [
        "wallet", "recovery", "support", "desk", "official", "crypto", "token", "coin",
        "seed", "phrase", "key", "keys", "account", "blockchain", "metamask", "ledger",
        "bitcoin", "usdt", "nft", "defi", "钱包", "錢包", "助记词", "助記詞", "私钥",
        "私鑰", "账户", "帳戶", "賬戶", "资产", "資產", "交易所",
    ],
)  # fmt: skip
# Ordinary words that contain a reserved one, let through inside a single word.
RESERVED_NAME_EXCEPTIONS = env_list(
    "HANDOFF_RESERVED_NAME_EXCEPTIONS",
    ["badminton", "stafford", "staffan", "flagstaff", "accountant", "accountancy"],
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# A code typed in the last second of its 30 s window reaches us in the next one: accept
# the period before and after too, as RFC 6238 (5.2) advises for network delay. allauth
# still refuses a code used once already.
MFA_TOTP_TOLERANCE = 1

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# The calendar days the analytics rollups count (analytics/facts.py); the site's zone by
# default. Changing it calls for `analytics_rollup` over the history kept.
ANALYTICS_TIME_ZONE = env_str("HANDOFF_ANALYTICS_TIME_ZONE") or TIME_ZONE
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "handoff_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # made by manage.py (config/localfiles.py) or collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.staticfiles.ManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, a first run) pages link the plain names and whitenoise
# serves them from the finders; `check --deploy` says to run it (config/staticfiles.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# --- Email -------------------------------------------------------------------
_email_url = env_str("EMAIL_URL")
_email = dj_email_url.parse(_email_url or ("console://" if DEBUG else "smtp://localhost:25"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if DEBUG and not _email_url:
    # A developer's machine: each email as its recipient, subject and links, the whole
    # message in var/mail/ (config/devmail.py). EMAIL_URL=console:// prints it all.
    EMAIL_BACKEND = "config.devmail.SummaryEmailBackend"
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder in and out, so every process on this machine shares one queue.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        # How often an idle worker looks for new messages (kombu's default is a second):
        # mail prints sooner.
        "polling_interval": 0.2,
    }
    # The folders are made by the transport when it first connects (config/broker.py).
else:
    # Fail fast: a broker that is down, or accepts and never answers, must cost a
    # request about a second, never minutes. Lost publishes are re-derived from the DB.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 0.5),
        "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 0.5),
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.1,
        "interval_max": 0.1,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_SOCKET_TIMEOUT", 0.5)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-email": {
        "task": "notifications.tasks.deliver_pending_emails",
        "schedule": env_float("HANDOFF_OUTBOX_INTERVAL", 60.0),
    },
    "escalation-sweep": {
        "task": "escalation.tasks.sweep",
        "schedule": env_float("HANDOFF_SWEEP_INTERVAL", 60.0),
        # A sweep that could not start within one interval is replaced by the next one.
        "options": {"expires": env_float("HANDOFF_SWEEP_INTERVAL", 60.0)},
    },
    # Thread views counted in the cache since the last fold (forum/viewcounts.py).
    "fold-view-counts": {
        "task": "forum.tasks.fold_view_counts",
        "schedule": env_float("HANDOFF_VIEW_COUNT_INTERVAL", 60.0),
        "options": {"expires": env_float("HANDOFF_VIEW_COUNT_INTERVAL", 60.0)},
    },
    # Help article views counted in the cache, and suggestions opened while asking that
    # the member left without asking (help/tasks.py).
    "help-fold-counts": {
        "task": "help.tasks.fold_counts",
        "schedule": env_float("HANDOFF_VIEW_COUNT_INTERVAL", 60.0),
        "options": {"expires": env_float("HANDOFF_VIEW_COUNT_INTERVAL", 60.0)},
    },
    # Yesterday's and today's analytics rollups, rebuilt (idempotent: delete + insert a day).
    "analytics-rollups": {
        "task": "analytics.tasks.recompute_recent_rollups",
        "schedule": env_float("HANDOFF_ANALYTICS_ROLLUP_INTERVAL", 15 * 60.0),
        "options": {"expires": env_float("HANDOFF_ANALYTICS_ROLLUP_INTERVAL", 15 * 60.0)},
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The console mail backend (make run) prints to stdout; keep it readable, not a log record.
CELERY_WORKER_REDIRECT_STDOUTS = False

# --- Forum -------------------------------------------------------------------
# Visitors (nobody signed in) share whole pages for this long (seconds); 0 turns it off.
VISITOR_PAGE_CACHE_SECONDS = env_int("HANDOFF_VISITOR_PAGE_CACHE_SECONDS", 15)
# A member's thread page is kept under a key made of everything it shows (forum/pagecache.py).
MEMBER_PAGE_CACHE = env_bool("HANDOFF_MEMBER_PAGE_CACHE", True)
# "raise" (the tests) or "log": render afresh on every hit and compare with the copy.
MEMBER_PAGE_CACHE_VERIFY = env_str("HANDOFF_MEMBER_PAGE_CACHE_VERIFY") or ""

# --- Help ---------------------------------------------------------------------
# A member who opens a suggested question or article while asking and has not asked a
# question this many minutes later counts as helped without asking (help/services/deflections.py).
DEFLECTION_WINDOW_MINUTES = env_int("HANDOFF_DEFLECTION_WINDOW_MINUTES", 30)
# The first-line bot: an automatic reply under each new question with the closest
# articles and solved threads (help/receivers.py). 0 turns it off.
HELP_BOT = env_bool("HANDOFF_HELP_BOT", True)

# --- Trust and safety --------------------------------------------------------
# Links (safety/links.py). Blocked domains refuse a post that links to them or to any of
# their subdomains; links to official domains (and their subdomains) get a check mark,
# and hosts that imitate them are refused from members who are not trusted yet and
# flagged for moderators otherwise. Admins add more of either in the admin, no deploy
# needed; these lists are the part that comes with the configuration.
BLOCKED_DOMAINS = env_list("HANDOFF_BLOCKED_DOMAINS", [])
OFFICIAL_DOMAINS = env_list("HANDOFF_OFFICIAL_DOMAINS", ["tokenpocket.pro", "tpwallet.com"])
# A new member (safety/limits.py) joined fewer than NEW_MEMBER_DAYS ago and has less
# than NEW_MEMBER_REPUTATION: they post at NEW_MEMBER_POST_RATE, with at most
# NEW_MEMBER_MAX_LINKS links to other sites in a post, and no images.
NEW_MEMBER_DAYS = env_int("HANDOFF_NEW_MEMBER_DAYS", 3)
NEW_MEMBER_REPUTATION = env_int("HANDOFF_NEW_MEMBER_REPUTATION", 10)
NEW_MEMBER_MAX_LINKS = env_int("HANDOFF_NEW_MEMBER_MAX_LINKS", 2)
# A trusted member (moderators and staff always are) may link to look-alike hosts (a
# moderator is told) and their flags count towards hiding a post automatically.
TRUSTED_REPUTATION = env_int("HANDOFF_TRUSTED_REPUTATION", 50)
TRUSTED_ACCOUNT_DAYS = env_int("HANDOFF_TRUSTED_ACCOUNT_DAYS", 14)
# Flags from this many distinct trusted members hide a post until a moderator looks.
AUTO_HIDE_FLAGS = env_int("HANDOFF_AUTO_HIDE_FLAGS", 3)
# How often one member may post (questions and replies to others count together) and flag:
# "count/period", the period in s, m, h or d ("20/h", "5/10m"). allauth limits sign-up,
# sign-in and password resets (ACCOUNT_RATE_LIMITS above).
POST_RATE = env_rate("HANDOFF_POST_RATE", "20/h")
NEW_MEMBER_POST_RATE = env_rate("HANDOFF_NEW_MEMBER_POST_RATE", "3/h")
# An asker's replies in their own thread (answering questions, adding what they tried)
# count apart, more generously: they are how a question gets solved, not new threads.
FOLLOW_UP_RATE = env_rate("HANDOFF_FOLLOW_UP_RATE", "30/h")
NEW_MEMBER_FOLLOW_UP_RATE = env_rate("HANDOFF_NEW_MEMBER_FOLLOW_UP_RATE", "12/h")
FLAG_RATE = env_rate("HANDOFF_FLAG_RATE", "20/h")
# Answers to the survey from the resolution email (no sign-in needed), per client address.
SURVEY_RATE = env_rate("HANDOFF_SURVEY_RATE", "30/h")
# The asker may change their rating for this many days after they first gave it.
SURVEY_CHANGE_DAYS = env_int("HANDOFF_SURVEY_CHANGE_DAYS", 7)

# The client's address (config.ratelimit.client_ip), which every per-address limit keys
# on: allauth's sign-in and sign-up limits read these two settings under its own names,
# and django-ratelimit's "ip" key calls the same function. Behind a proxy, REMOTE_ADDR is
# the proxy's: every visitor would share one allowance. X-Forwarded-For is then read
# from the right, DJANGO_TRUSTED_PROXY_COUNT entries in (what the outermost of our
# proxies appended; anything left of it is the client's to forge), unless the proxy puts
# the address in a header of its own (DJANGO_CLIENT_IP_HEADER: X-Real-IP,
# CF-Connecting-IP). Without DJANGO_BEHIND_PROXY both headers are ignored.
_proxy_count = env_int("DJANGO_TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
_client_ip_header = env_header_name("DJANGO_CLIENT_IP_HEADER")
if not BEHIND_PROXY and (_proxy_count or _client_ip_header):
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT and DJANGO_CLIENT_IP_HEADER need DJANGO_BEHIND_PROXY=1: "
        "without a proxy of ours in front, those headers come from the client."
    )
if BEHIND_PROXY and not 1 <= _proxy_count <= 10:
    raise ImproperlyConfigured(
        f"DJANGO_TRUSTED_PROXY_COUNT must be 1 to 10 behind a proxy; got {_proxy_count}."
    )
if _client_ip_header.lower() == "x-forwarded-for":
    raise ImproperlyConfigured(
        "DJANGO_CLIENT_IP_HEADER cannot be X-Forwarded-For, which clients add to; "
        "set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies instead."
    )
ALLAUTH_TRUSTED_PROXY_COUNT = _proxy_count
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = _client_ip_header or None
RATELIMIT_IP_META_KEY = "config.ratelimit.client_ip"

# Every question and reply sent, posted or refused (a form error, a secret, a blocked
# link), and every edit: a refused form costs the server the same checks, and a run of
# them is a probe. Previews, per member or per client address when signed out.
SUBMIT_RATE = env_rate("HANDOFF_SUBMIT_RATE", "20/h")
EDIT_RATE = env_rate("HANDOFF_EDIT_RATE", "20/h")
PREVIEW_RATE = env_rate("HANDOFF_PREVIEW_RATE", "30/m")
# Similar-question look-ups while a question is typed (help/views.py), and the answers to
# "Did this answer your question?" on help articles: per member, or per client address.
SIMILAR_RATE = env_rate("HANDOFF_SIMILAR_RATE", "60/m")
FEEDBACK_RATE = env_rate("HANDOFF_FEEDBACK_RATE", "30/h")
# A cache that cannot count lets the request through rather than refusing everyone:
# these limits slow floods down; sign-in is allauth's, with its own rules.
RATELIMIT_FAIL_OPEN = True

# --- Security ----------------------------------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Nothing reads the CSRF cookie from script: htmx sends the token from the page (base.html).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# django-csp (Mozilla's, the maintained CSP package: Django 5.2 has none built in). Every
# script and style is a file of ours: no inline <script>, style="" or hx-on, and htmx
# is told not to inject its indicator <style> (base.html). Data URIs are for the TOTP
# QR code that allauth draws while an agent sets up two-factor authentication.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}
# django-permissions-policy (Adam Johnson's, as django-htmx): no page here needs a
# device or payment feature, so none may use one, nor any frame it embeds. Passkeys
# (publickey-credentials-*) keep the browser's default, this origin only, for allauth.
# Only features Chromium knows: it logs a console warning for any other (bluetooth).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
# /healthz answers on plain HTTP so load balancers can probe the process directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Error reports (debug page, emails to ADMINS) leave out any value that holds a recovery
# phrase or private key.
DEFAULT_EXCEPTION_REPORTER_FILTER = "safety.error_reports.SecretScrubbingReporterFilter"

# --- Logging: one JSON object per line on stdout (plain lines in debug) -------
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ValueError(f"DJANGO_LOG_FORMAT must be json or plain; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"},
    },
    "filters": {"skip_static_requests": {"()": "config.logging_filters.SkipStaticRequests"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.utils.autoreload": {"level": "WARNING"},
        # runserver's request lines (make run), without the static files each page loads.
        "django.server": {
            "handlers": ["stdout"],
            "filters": ["skip_static_requests"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

if DEBUG:
    INTERNAL_IPS = ["127.0.0.1"]
