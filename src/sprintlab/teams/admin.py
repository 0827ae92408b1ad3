"""Teams in the admin, to read: teams change through ``teams.services`` (locks, notifications, audit)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.teams.models import JoinRequest, Team, TeamMember


@admin.register(Team)
class TeamAdmin(ViewOnlyModelAdmin):
    list_display = (
        "name",
        "sprint",
        "lead__email",
        "origin",
        local_time_column("created_at", _("formed")),
        "disbanded_at",
    )
    list_filter = ("origin", ("disbanded_at", admin.EmptyFieldListFilter), "sprint")
    search_fields = ("name", "invite_code", "lead__email", "sprint__title")
    list_select_related = ("sprint", "lead")


@admin.register(TeamMember)
class TeamMemberAdmin(ViewOnlyModelAdmin):
    list_display = ("user__email", "team__name", "sprint", "joined_via", local_time_column("joined_at", _("joined")))
    list_filter = ("joined_via", "sprint")
    search_fields = ("user__email", "team__name")
    list_select_related = ("user", "team", "sprint")


@admin.register(JoinRequest)
class JoinRequestAdmin(ViewOnlyModelAdmin):
    list_display = (
        "user__email",
        "team__name",
        "direction",
        "status",
        "from_finder",
        local_time_column("created_at", _("sent")),
    )
    list_filter = ("status", "direction", "from_finder")
    search_fields = ("user__email", "team__name")
    list_select_related = ("user", "team")
