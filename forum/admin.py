from django.contrib import admin

from forum.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh_hans", "slug", "position", "is_read_only"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
