from django.urls import path
from django.views.generic import RedirectView

from escalation import views, views_queue, views_ticket
from escalation.permissions import agent_required

app_name = "escalation"
urlpatterns = [
    # Asking for staff, from a thread.
    path("thread/<int:thread_id>/ask-staff/", views.ask_staff, name="ask-staff"),
    path("thread/<int:thread_id>/escalate/", views.escalate, name="escalate"),
    # The asker's side.
    path("my/requests/", views.my_requests, name="my-requests"),
    path("my/requests/<str:reference>/", views.my_request, name="my-request"),
    path("my/requests/<str:reference>/reopen/", views.reopen_request, name="my-request-reopen"),
    path("my/requests/<str:reference>/rate/", views.rate_request, name="my-request-rate"),
    path("survey/<str:token>/<int:score>/", views.survey_rate, name="survey-rate"),
    path("survey/<str:token>/", views.survey_answer, name="survey-answer"),
    # The staff workspace.
    path(
        "staff/",
        agent_required(RedirectView.as_view(pattern_name="escalation:staff-queue")),
        name="staff-home",
    ),
    path("staff/tickets/", views_queue.queue, name="staff-queue"),
    path("staff/tickets/bulk/", views_queue.bulk_action, name="staff-bulk"),
    path("staff/duty/", views_ticket.duty, name="staff-duty"),
    path("staff/canned/", views_ticket.canned_list, name="staff-canned"),
    path("staff/canned/new/", views_ticket.canned_edit, name="staff-canned-new"),
    path("staff/canned/<int:pk>/", views_ticket.canned_edit, name="staff-canned-edit"),
    path("staff/canned/<int:pk>/delete/", views_ticket.canned_delete, name="staff-canned-delete"),
    path("staff/tickets/<str:reference>/", views_ticket.ticket, name="staff-ticket"),
    path("staff/tickets/<str:reference>/claim/", views_ticket.claim, name="staff-claim"),
    path("staff/tickets/<str:reference>/assign/", views_ticket.assign, name="staff-assign"),
    path("staff/tickets/<str:reference>/status/", views_ticket.status, name="staff-status"),
    path("staff/tickets/<str:reference>/priority/", views_ticket.priority, name="staff-priority"),
    path("staff/tickets/<str:reference>/queue/", views_ticket.queue, name="staff-set-queue"),
    path("staff/tickets/<str:reference>/reply/", views_ticket.reply, name="staff-reply"),
    path("staff/tickets/<str:reference>/note/", views_ticket.note, name="staff-note"),
    path("staff/tickets/<str:reference>/resolve/", views_ticket.resolve, name="staff-resolve"),
    path(
        "staff/tickets/<str:reference>/canned/<int:pk>/",
        views_ticket.canned_fill,
        name="staff-canned-fill",
    ),
]
