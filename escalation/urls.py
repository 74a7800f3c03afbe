from django.urls import path
from django.views.generic import RedirectView

from escalation.permissions import agent_required
from escalation.views import asker, canned, duty, queue, ticket

app_name = "escalation"
urlpatterns = [
    # Asking for staff, from a thread.
    path("thread/<int:thread_id>/ask-staff/", asker.ask_staff, name="ask-staff"),
    path("thread/<int:thread_id>/escalate/", asker.escalate, name="escalate"),
    # The asker's side.
    path("my/requests/", asker.my_requests, name="my-requests"),
    path("my/requests/<str:reference>/", asker.my_request, name="my-request"),
    path("my/requests/<str:reference>/reopen/", asker.reopen_request, name="my-request-reopen"),
    path("my/requests/<str:reference>/rate/", asker.rate_request, name="my-request-rate"),
    path("survey/<str:token>/<int:score>/", asker.survey_rate, name="survey-rate"),
    path("survey/<str:token>/", asker.survey_answer, name="survey-answer"),
    # The staff workspace.
    path(
        "staff/",
        agent_required(RedirectView.as_view(pattern_name="escalation:staff-queue")),
        name="staff-home",
    ),
    path("staff/tickets/", queue.queue, name="staff-queue"),
    path("staff/tickets/bulk/", queue.bulk_action, name="staff-bulk"),
    path("staff/duty/", duty.duty, name="staff-duty"),
    path("staff/canned/", canned.canned_list, name="staff-canned"),
    path("staff/canned/new/", canned.canned_edit, name="staff-canned-new"),
    path("staff/canned/<int:pk>/", canned.canned_edit, name="staff-canned-edit"),
    path("staff/canned/<int:pk>/delete/", canned.canned_delete, name="staff-canned-delete"),
    path("staff/tickets/<str:reference>/", ticket.ticket, name="staff-ticket"),
    path("staff/tickets/<str:reference>/claim/", ticket.claim, name="staff-claim"),
    path("staff/tickets/<str:reference>/assign/", ticket.assign, name="staff-assign"),
    path("staff/tickets/<str:reference>/status/", ticket.status, name="staff-status"),
    path("staff/tickets/<str:reference>/priority/", ticket.priority, name="staff-priority"),
    path("staff/tickets/<str:reference>/queue/", ticket.queue, name="staff-set-queue"),
    path("staff/tickets/<str:reference>/reply/", ticket.reply, name="staff-reply"),
    path("staff/tickets/<str:reference>/note/", ticket.note, name="staff-note"),
    path("staff/tickets/<str:reference>/resolve/", ticket.resolve, name="staff-resolve"),
    path(
        "staff/tickets/<str:reference>/canned/<int:pk>/",
        ticket.canned_fill,
        name="staff-canned-fill",
    ),
]
