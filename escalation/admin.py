from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import roles
from config.adminlists import BoundedDateHierarchy
from config.celery import enqueue
from escalation import tasks
from escalation.forms import admin as admin_forms
from escalation.forms.admin import EscalationPolicyAdminForm
from escalation.models import (
    AgentStatus,
    BusinessCalendar,
    CannedReply,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    Queue,
    SatisfactionRating,
    Ticket,
    TicketEvent,
    TicketNote,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone"]
    inlines = [OpeningHoursInline, HolidayInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        enqueue(tasks.recompute_clocks, None)  # deadlines counted in this calendar move


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    form = EscalationPolicyAdminForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in admin_forms.DURATION_FIELDS:
            kwargs["form_class"] = admin_forms.HoursMinutesField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    list_display = [
        "__str__",
        "answered_when",
        "needs_help_after",
        "escalate_after",
        "calendar",
        "ticket_priority",
        "ticket_queue",
    ]
    list_select_related = ["category", "calendar", "ticket_queue"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue(tasks.recompute_clocks, obj.category_id)
        if change and "category" in form.changed_data:
            # The category it governed until now falls back to the site default.
            enqueue(tasks.recompute_clocks, form.initial.get("category"))

    def delete_model(self, request, obj):
        category_id = obj.category_id
        super().delete_model(request, obj)
        enqueue(tasks.recompute_clocks, category_id)

    def delete_queryset(self, request, queryset):
        category_ids = set(queryset.values_list("category_id", flat=True))
        super().delete_queryset(request, queryset)
        for category_id in category_ids:
            enqueue(tasks.recompute_clocks, category_id)


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "detail",
        "post",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TicketNoteInline(admin.StackedInline):
    model = TicketNote
    extra = 0
    can_delete = False
    fields = readonly_fields = ["created_at", "author", "body"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets, to look at. Every change goes through the staff workspace.

    Status, assignee, priority, queue and the SLA fields move only through
    escalation.services, which log an event and tell the people concerned; an admin
    form that wrote them directly would leave the timeline lying and nobody told.
    """

    list_display = ["reference", "thread", "status", "priority", "queue", "assignee", "created_at"]
    list_filter = ["status", "priority", "queue", "reason"]
    search_fields = ["reference", "thread__title"]
    list_select_related = ["thread", "queue", "assignee"]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "workspace_link", "thread", "requester", "reason", "note"]},
        ),
        (
            _("Where it stands"),
            {
                "fields": [
                    "status",
                    "priority",
                    "queue",
                    "assignee",
                    "escalation_count",
                    "resolution",
                    "resolution_note",
                ]
            },
        ),
        (
            _("Service level"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "first_response_due_at",
                    "first_responded_at",
                    "first_response_breached_at",
                    "resolution_due_at",
                    "resolution_breached_at",
                    "waiting_since",
                    "resolution_time_left",
                    "sla_due_at",
                    "resolved_at",
                    "close_at",
                    "closed_at",
                ]
            },
        ),
    ]
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]
    inlines = [TicketNoteInline, TicketEventInline]

    @admin.display(description=_("staff workspace"))
    def workspace_link(self, ticket):
        return format_html('<a href="{}">{}</a>', ticket.get_staff_url(), _("Work on this ticket"))

    def has_add_permission(self, request):
        return False  # tickets come from escalating a thread

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the thread keeps its ticket for good (one per thread, ever)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "is_active", "created_by", "updated_at"]
    list_filter = ["language", "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["created_by"]
    fields = ["title", "language", "body", "is_active", "created_by", "updated_at"]
    readonly_fields = ["created_by", "updated_at"]

    def get_form(self, request, obj=None, **kwargs):
        from escalation.forms.canned import CannedReplyForm

        kwargs["form"] = CannedReplyForm  # the same checks as the staff page (placeholders)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin):
    list_display = ["user", "on_duty", "queue_names", "changed_at", "last_assigned_at"]
    list_filter = ["on_duty", "queues"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["queues"]
    readonly_fields = ["changed_at", "last_assigned_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("queues")

    @admin.display(description=_("queues"))
    def queue_names(self, status):
        return ", ".join(queue.name for queue in status.queues.all()) or _("Every queue")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["limit_choices_to"] = roles.agents_q()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "on_duty" in form.changed_data:
            from django.utils import timezone

            obj.changed_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(TicketNote)
class TicketNoteAdmin(admin.ModelAdmin):
    """Internal notes, to read. Deleting one is allowed: a secret pasted by mistake must go."""

    list_display = ["ticket", "author", "created_at", "excerpt"]
    search_fields = ["ticket__reference", "body"]
    list_select_related = ["ticket", "author"]
    fields = readonly_fields = ["ticket", "author", "created_at", "body"]

    @admin.display(description=_("note"))
    def excerpt(self, note):
        return note.body[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(BoundedDateHierarchy, admin.ModelAdmin):
    """What askers said about the help: read-only; a rating belongs to the asker."""

    list_display = ["ticket", "cycle", "score", "created_at", "has_comment"]
    list_filter = ["score"]
    search_fields = ["ticket__reference", "comment"]
    list_select_related = ["ticket"]
    fields = readonly_fields = ["ticket", "cycle", "score", "comment", "created_at", "commented_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("comment"), boolean=True)
    def has_comment(self, rating):
        return bool(rating.comment)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
