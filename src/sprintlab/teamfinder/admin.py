"""The team finder in the admin, to read: cards, grouping runs and their proposals change through services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.teamfinder.models import FinderProfile, GroupingRun, ProposedGroup, ProposedMember


@admin.register(FinderProfile)
class FinderProfileAdmin(ViewOnlyModelAdmin):
    list_display = ("user__email", "sprint", "is_looking", "timezone", local_time_column("updated_at", _("updated")))
    list_filter = ("is_looking", "sprint")
    search_fields = ("user__email", "note")
    list_select_related = ("user", "sprint")


@admin.register(GroupingRun)
class GroupingRunAdmin(ViewOnlyModelAdmin):
    list_display = ("id", "sprint", "created_by__email", "people_count", "group_count", "left_alone_count",
                    local_time_column("created_at", _("run")))  # fmt: skip
    list_filter = ("sprint",)
    search_fields = ("sprint__title", "created_by__email")
    list_select_related = ("sprint", "created_by")


@admin.register(ProposedGroup)
class ProposedGroupAdmin(ViewOnlyModelAdmin):
    list_display = ("run_id", "number", "sprint", "site__name", "status", "team__name", "decided_at")
    list_filter = ("status", "sprint")
    search_fields = ("site__name", "team__name")
    list_select_related = ("sprint", "site", "team")


@admin.register(ProposedMember)
class ProposedMemberAdmin(ViewOnlyModelAdmin):
    list_display = ("user__email", "group__number", "group__run_id", "sprint", "response", "responded_at")
    list_filter = ("response", "sprint")
    search_fields = ("user__email",)
    list_select_related = ("user", "group", "sprint")
