from django.contrib import admin

from notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = ["sent_at", "failed_at"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
