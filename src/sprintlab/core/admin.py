from django.contrib import admin

from sprintlab.core.models import AuditEntry, TaskWorkerHeartbeat


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
