from django.contrib import admin

from notifications.models import Notification, NotificationSettings, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "created_at", "sent_at", "failed_at", "skipped_at", "attempts"]
    list_filter = ["sent_at", "failed_at", "skipped_at"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        # Mail is queued by the code that has something to say (queue_email); a row added
        # by hand would have no recipient, and every field here is read only anyway.
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: the unread count on the user moves with these rows, through the services."""

    list_display = ["recipient", "kind", "created_at", "read_at", "is_in_app"]
    list_filter = ["kind", "is_in_app"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "dedupe_key"]
    raw_id_fields = ["recipient", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "is_helper", "quiet_hours_start", "quiet_hours_end"]
    list_filter = ["is_helper"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
