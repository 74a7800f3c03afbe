from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config import health

# allauth answers its own rate limits (sign-in, sign-up, password reset) with this view.
handler429 = "config.ratelimit.allauth_429"

# The forum's pages first: they are the busiest, and Django tries the patterns in order
# (no two apps share a path, tests/config/test_urls.py checks it).
urlpatterns = [
    path("", include("forum.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's): answer with
    # ours rather than a 404 on every admin page. Lazy: the static URL is hashed in production.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/logo.svg"))),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("escalation.urls")),
    path("", include("help.urls")),
    path("", include("analytics.urls")),
]
