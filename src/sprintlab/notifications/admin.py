from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.notifications.models import InboxItem, NotificationPreference, OutboxMessage, OutboxStatus
from sprintlab.notifications.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to_email", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "created_at")
    search_fields = ("to_email", "subject", "key")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        # Emails are written by services inside their transactions, never by hand.
        return False

    @admin.action(description=_("Resend the selected failed messages"))
    def resend_failed(self, request, queryset):
        count = 0
        for message in queryset.filter(status=OutboxStatus.FAILED):
            outbox_retry(message=message, actor=request.user)
            count += 1
        self.message_user(request, _("%(count)d message(s) queued again.") % {"count": count})


@admin.register(InboxItem)
class InboxItemAdmin(ViewOnlyModelAdmin):
    list_display = ("title", "user__email", "kind", local_time_column("created_at", _("created")), "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    # The key names the event (``announcement:<id>:<user id>``): searching it finds one fan-out's items.
    search_fields = ("title", "key", "user__email")
    list_select_related = ("user",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ViewOnlyModelAdmin):
    # Each person sets theirs on their settings page or with one click from an email.
    list_display = ("user__email", "kind", "email", "in_app")
    list_filter = ("kind", "email", "in_app")
    search_fields = ("user__email",)
    list_select_related = ("user",)
