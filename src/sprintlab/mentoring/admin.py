"""Mentor help in the admin, to read: profiles, slots, bookings and requests change through services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import ViewOnlyModelAdmin, local_time_column
from sprintlab.mentoring.models import HelpNote, HelpRequest, MentorProfile, OfficeHourSlot, SlotBooking


@admin.register(MentorProfile)
class MentorProfileAdmin(ViewOnlyModelAdmin):
    list_display = ("user__email", "user__display_name", "timezone", local_time_column("updated_at", _("updated")))
    search_fields = ("user__email", "user__display_name", "bio")
    list_select_related = ("user",)


@admin.register(OfficeHourSlot)
class OfficeHourSlotAdmin(ViewOnlyModelAdmin):
    list_display = ("mentor__email", "sprint", local_time_column("starts_at", _("starts")), "topic", "capacity",
                    "site__name")  # fmt: skip
    list_filter = ("sprint",)
    search_fields = ("mentor__email", "topic")
    list_select_related = ("mentor", "sprint", "site")


@admin.register(SlotBooking)
class SlotBookingAdmin(ViewOnlyModelAdmin):
    list_display = ("team__name", "slot__mentor__email", "slot__starts_at",
                    "booked_by__email", "cancelled_at")  # fmt: skip
    list_filter = (("cancelled_at", admin.EmptyFieldListFilter),)
    search_fields = ("team__name", "slot__mentor__email")
    list_select_related = ("team", "slot__mentor", "booked_by")


@admin.register(HelpRequest)
class HelpRequestAdmin(ViewOnlyModelAdmin):
    list_display = ("topic", "sprint", "team__name", "requester__email", "status", "claimed_by__email",
                    local_time_column("waiting_since", _("waiting since")))  # fmt: skip
    list_filter = ("status", "tag", "sprint")
    search_fields = ("topic", "requester__email", "team__name")
    list_select_related = ("sprint", "team", "requester", "claimed_by")


@admin.register(HelpNote)
class HelpNoteAdmin(ViewOnlyModelAdmin):
    list_display = ("request__topic", "author__email", local_time_column("created_at", _("written")))
    search_fields = ("request__topic", "author__email", "body")
    list_select_related = ("request", "author")
