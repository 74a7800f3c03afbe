from django.contrib import admin
from django.urls import include, path

from config import health

# allauth answers its own rate limits (sign-in, sign-up, password reset) with this view.
handler429 = "config.ratelimit.allauth_429"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("escalation.urls")),
    path("", include("forum.urls")),
]
