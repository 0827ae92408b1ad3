"""The programme in the admin, to read: sessions, speakers and resources change through the organisers'
pages (a session's change raises its calendar sequence and tells the people who starred it)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.programme.models import AgendaItem, CalendarFeedToken, Resource, Session, Speaker


@admin.register(Session)
class SessionAdmin(ViewOnlyModelAdmin):
    list_display = ("title", "sprint", "kind", local_time_column("starts_at", _("starts")), "site__name", "sequence",
                    "cancelled_at")  # fmt: skip
    list_filter = ("kind", ("cancelled_at", admin.EmptyFieldListFilter), "sprint")
    search_fields = ("title", "sprint__title")
    list_select_related = ("sprint", "site")


@admin.register(Speaker)
class SpeakerAdmin(ViewOnlyModelAdmin):
    list_display = ("name", "affiliation", "sprint")
    list_filter = ("sprint",)
    search_fields = ("name", "affiliation")
    list_select_related = ("sprint",)


@admin.register(Resource)
class ResourceAdmin(ViewOnlyModelAdmin):
    list_display = ("title", "sprint", "category", "position", "url")
    list_filter = ("category", "sprint")
    search_fields = ("title", "url")
    list_select_related = ("sprint",)


@admin.register(AgendaItem)
class AgendaItemAdmin(ViewOnlyModelAdmin):
    list_display = (
        "user__email",
        "session__title",
        "session__sprint__title",
        local_time_column("created_at", _("added")),
    )
    search_fields = ("user__email", "session__title")
    list_select_related = ("user", "session__sprint")


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ViewOnlyModelAdmin):
    # The token is a password for the feed: never shown, not even to staff.
    list_display = ("user__email", local_time_column("created_at", _("created")), "reset_at")
    fields = ("user", "created_at", "reset_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
