from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.celery import enqueue
from escalation import tasks
from escalation.models import (
    BusinessCalendar,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    Queue,
    Ticket,
    TicketEvent,
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
    readonly_fields = ["created_at", "kind", "actor", "from_status", "to_status", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["reference", "thread", "status", "priority", "queue", "assignee", "created_at"]
    list_filter = ["status", "priority", "queue", "reason"]
    search_fields = ["reference", "thread__title"]
    list_select_related = ["thread", "queue", "assignee"]
    raw_id_fields = ["thread", "requester", "assignee"]
    readonly_fields = ["reference", "created_at", "escalation_count"]
    inlines = [TicketEventInline]

    @admin.display(description=_("thread"))
    def thread_title(self, ticket):
        return ticket.thread.title
