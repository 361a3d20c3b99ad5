from django.contrib import admin

from .models import Reporter


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    """Reporters are created (and their tokens rotated) by `manage.py monitoring_reporter`;
    here they can be looked at and switched off."""

    list_display = ("name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("name", "digest", "created_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
