from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:notification_id>/read/", views.read, name="read"),
    path("notifications/read-all/", views.read_all, name="read-all"),
    path("settings/notifications/", views.preferences, name="preferences"),
]
