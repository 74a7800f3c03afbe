from django.urls import path

from escalation import views

app_name = "escalation"
urlpatterns = [
    path("thread/<int:thread_id>/ask-staff/", views.ask_staff, name="ask-staff"),
    path("thread/<int:thread_id>/escalate/", views.escalate, name="escalate"),
    path("my/requests/", views.my_requests, name="my-requests"),
    path("my/requests/<str:reference>/", views.my_request, name="my-request"),
]
