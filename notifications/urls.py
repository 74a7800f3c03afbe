from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("settings/notifications/", views.preferences, name="preferences"),
]
