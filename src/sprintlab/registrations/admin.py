from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sprintlab.core.admin import TimeSafeModelAdmin, local_time_column
from sprintlab.registrations.models import AdmissionWave, Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("user", "sprint", "site", "status", "experience_level", "created_at", "checked_in_at")
    list_filter = ("status", "experience_level", "first_sprint", "sprint", "site__country")
    search_fields = ("user__email", "user__display_name", "sprint__title", "site__name")
    raw_id_fields = ("user", "sprint", "site", "wave", "checked_in_by")
    list_select_related = ("user", "sprint", "site")
    date_hierarchy = "created_at"
    readonly_fields = ("revision", "created_at", "updated_at")

    # Status changes belong to the services (they free and give seats and send emails): the
    # admin is for reading and for fixing answers, so the lifecycle fields are read-only.
    def get_readonly_fields(self, request, obj=None):
        lifecycle = ("status", "wave", "offered_at", "confirm_by", "confirmed_at", "cancelled_at", "waitlisted_at")
        return (*self.readonly_fields, *lifecycle) if obj else self.readonly_fields


@admin.register(AdmissionWave)
class AdmissionWaveAdmin(TimeSafeModelAdmin):
    list_display = (
        "sprint",
        "number",
        "site",
        "admitted_count",
        "waitlisted_count",
        "declined_count",
        local_time_column("confirm_by", _("confirm by")),
        "created_at",
    )
    list_filter = ("sprint",)
    search_fields = ("sprint__title", "message", "created_by__email")
    raw_id_fields = ("sprint", "site", "created_by")
    list_select_related = ("sprint", "site")
    readonly_fields = ("admitted_count", "waitlisted_count", "declined_count", "created_at", "updated_at")
