from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/time-zone/", views.time_zone_offer, name="time-zone"),
    path("settings/staff-verification/", views.second_factor, name="second-factor"),
    path("i18n/setlang/", views.set_language, name="set-language"),
]
