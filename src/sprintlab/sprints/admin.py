from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import TimeSafeModelAdmin, local_time_column
from sprintlab.sprints.models import Partner, Prize, Sprint, SprintMembership, Track
from sprintlab.sprints.signals import capacity_changed


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class PrizeInline(admin.TabularInline):
    model = Prize
    extra = 0


class MembershipInline(admin.TabularInline):
    model = SprintMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Sprint)
class SprintAdmin(TimeSafeModelAdmin):
    list_display = [
        "title",
        "slug",
        "research_area",
        "is_published",
        local_time_column("kickoff_at", _("kickoff")),
        local_time_column("submission_deadline_at", _("submission deadline")),
        "capacity",
    ]
    # A kickoff filter rather than a date hierarchy: the hierarchy converts the earliest and latest
    # stored kickoff to the viewer's zone, and one odd stored row would take the whole list down.
    list_filter = ["research_area", "is_published", "admission_mode", "remote_allowed", "kickoff_at"]
    search_fields = ["title", "slug", "tagline"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [TrackInline, PrizeInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        # The admin saves inside a transaction; the UPDATE has locked the sprint's row first.
        # Subscribed calendars see a new revision of the kickoff and deadline events (calendar_feed).
        moved = change and Sprint.CALENDAR_FIELDS.intersection(form.changed_data)
        if moved:
            obj.calendar_sequence = F("calendar_sequence") + 1
        super().save_model(request, obj, form, change)
        if moved:
            obj.refresh_from_db(fields=["calendar_sequence"])
        if change and "capacity" in form.changed_data:
            capacity_changed.send(sender=Sprint, sprint=obj, site=None)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "url", "created_at"]
    search_fields = ["name", "url"]
    list_filter = ["created_at"]


@admin.register(SprintMembership)
class SprintMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "sprint", "role", "partner"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__display_name", "sprint__title", "sprint__slug"]
    autocomplete_fields = ["user", "sprint"]
    list_select_related = ["user", "sprint", "partner"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "sprint", "position"]
    list_filter = ["sprint__research_area"]
    search_fields = ["name", "sprint__title"]
    list_select_related = ["sprint"]


@admin.register(Prize)
class PrizeAdmin(admin.ModelAdmin):
    list_display = ["name", "amount", "sprint", "position"]
    list_filter = ["sprint__research_area"]
    search_fields = ["name", "sprint__title"]
    list_select_related = ["sprint"]
