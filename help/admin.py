"""The deflection counts, to read: they are written only by help.services.deflections.
Articles are written on their own pages (/help/), whose services keep their search words."""

from django.contrib import admin

from help.models import DeflectionDay


@admin.register(DeflectionDay)
class DeflectionDayAdmin(admin.ModelAdmin):
    list_display = ("day", "source", "opened", "deflected", "asked_anyway")
    list_filter = ("source",)
    ordering = ("-day", "source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
