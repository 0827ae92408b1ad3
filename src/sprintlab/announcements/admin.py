"""Announcements in the admin, to read: writing and sending go through the pages and the API."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.announcements.models import Announcement, ReminderRun
from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column


@admin.register(Announcement)
class AnnouncementAdmin(ViewOnlyModelAdmin):
    list_display = ("title", "sprint", "audience", "status", "recipient_count", "author__email",
                    local_time_column("sent_at", _("sent")), local_time_column("scheduled_for", _("send at")))  # fmt: skip
    list_filter = ("status", "audience", "sprint")
    search_fields = ("title", "sprint__title", "author__email")
    list_select_related = ("sprint", "author")


@admin.register(ReminderRun)
class ReminderRunAdmin(ViewOnlyModelAdmin):
    list_display = ("sprint", "moment", "recipient_count", local_time_column("created_at", _("claimed")), "finished_at")
    list_filter = ("moment", "sprint")
    list_select_related = ("sprint",)
