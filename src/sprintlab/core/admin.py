from collections.abc import Callable
from datetime import datetime

from django.contrib import admin
from django.contrib.admin import widgets
from django.db import models

from sprintlab.core.dates import format_local, localtime_or_none
from sprintlab.core.models import AuditEntry, TaskWorkerHeartbeat


class TimeSafeSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time inputs; a stored time too close to datetime's limits to move to the
    viewer's zone is shown in UTC instead of failing the page (saving it is refused by the window)."""

    def decompress(self, value):
        if isinstance(value, datetime) and localtime_or_none(value) is None:
            return [value.date(), value.time()]
        return super().decompress(value)


class TimeSafeModelAdmin(admin.ModelAdmin):
    """A model admin whose change form still opens when a row holds an out-of-range time."""

    formfield_overrides = {models.DateTimeField: {"widget": TimeSafeSplitDateTime}}


class ViewOnlyModelAdmin(TimeSafeModelAdmin):
    """Rows that only services write (they lock, notify and audit): staff read them here, never edit.

    A changelist must not query once per row: subclasses name the relations they show in
    ``list_select_related`` and show related people by field (``user__email``), not through ``__str__``.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def local_time_column(field_name: str, description: str) -> Callable:
    """A changelist column showing ``field_name`` like the admin does, but never failing on an odd value."""

    @admin.display(description=description, ordering=field_name)
    def column(obj) -> str:
        return format_local(getattr(obj, field_name), "datetime")

    return column


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "target_type", "target_id", "actor")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "actor__email")
    date_hierarchy = "created_at"
    readonly_fields = ("actor", "action", "target_type", "target_id", "data", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskWorkerHeartbeat)
class TaskWorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which task workers are alive (a recent heartbeat); written only by the workers themselves."""

    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at")
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
