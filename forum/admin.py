from django.contrib import admin

from forum.models import (
    Category,
    Chain,
    Flag,
    ModerationLog,
    Post,
    Thread,
)
from forum.search import index as search_index
from forum.services import moderation


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "name_zh_hans",
        "slug",
        "position",
        "asks_wallet_details",
        "is_read_only",
        "thread_count",
    ]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "tx_format", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "author",
        "state",
        "is_hidden",
        "reply_count",
        "last_activity_at",
    ]
    list_filter = ["state", "is_hidden", "category"]
    search_fields = ["title", "tx_hash"]
    raw_id_fields = ["author", "accepted_post", "category", "chain"]
    readonly_fields = ["reply_count", "post_count", "vote_count", "view_count", "first_reply_at"]

    def save_model(self, request, obj, form, change):
        """Hiding or showing goes through the service, which logs it and forgets the
        visitors' cached pages; the rest of the form saves as usual."""
        is_hidden = obj.is_hidden
        toggles = change and "is_hidden" in form.changed_data
        if toggles:
            obj.is_hidden = not is_hidden
        super().save_model(request, obj, form, change)
        if toggles:
            moderation.set_thread_hidden(actor=request.user, thread=obj, is_hidden=is_hidden)
            obj.is_hidden = is_hidden
        if change and {"title", "tx_hash"} & set(form.changed_data):
            search_index.index_question(obj)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "is_hidden", "deleted_at"]
    list_filter = ["is_hidden"]
    raw_id_fields = ["thread", "author"]
    readonly_fields = ["body_html"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_deleted:
            search_index.remove_post(obj)
        else:
            search_index.index_post(obj, thread=obj.thread)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "reason", "created_at", "outcome"]
    list_filter = ["reason", "outcome"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "thread", "reason"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
