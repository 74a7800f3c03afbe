from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("support/", views.support_status, name="support-status"),
    path("staff/analytics/", views.staff_dashboard, name="staff-dashboard"),
]
