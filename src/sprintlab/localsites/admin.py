from django.contrib import admin

from sprintlab.core.admin import TimeSafeModelAdmin
from sprintlab.localsites.models import LocalSite, SiteMessage, SiteOrganiser
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.signals import capacity_changed


class SiteOrganiserInline(admin.TabularInline):
    model = SiteOrganiser
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(LocalSite)
class LocalSiteAdmin(TimeSafeModelAdmin):
    list_display = ("name", "city", "country", "sprint", "status", "capacity", "applicant", "created_at")
    list_filter = ("status", "country", "sprint")
    search_fields = ("name", "city", "address", "contact_email", "applicant__email")
    list_select_related = ("sprint", "applicant")
    autocomplete_fields = ("applicant", "decided_by")
    raw_id_fields = ("sprint",)
    readonly_fields = ("created_at", "updated_at", "decided_at")
    inlines = (SiteOrganiserInline,)
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        if not (change and "capacity" in form.changed_data):
            return super().save_model(request, obj, form, change)
        # A new capacity gives seats to waiting people: keep the global lock order (the sprint,
        # then its sites by id) before this site's row is written. The admin runs in a transaction.
        Sprint.objects.select_for_update().get(pk=obj.sprint_id)
        list(LocalSite.objects.select_for_update().filter(sprint_id=obj.sprint_id).order_by("pk"))
        super().save_model(request, obj, form, change)
        capacity_changed.send(sender=LocalSite, sprint=obj.sprint, site=obj)


@admin.register(SiteOrganiser)
class SiteOrganiserAdmin(admin.ModelAdmin):
    list_display = ("user", "site", "is_lead", "created_at")
    list_filter = ("is_lead", "site__sprint")
    search_fields = ("user__email", "user__display_name", "site__name", "site__city")
    list_select_related = ("user", "site")
    autocomplete_fields = ("user",)
    raw_id_fields = ("site",)


@admin.register(SiteMessage)
class SiteMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "site", "author", "recipient_count", "created_at")
    list_filter = ("site__sprint",)
    search_fields = ("subject", "body", "site__name", "author__email")
    list_select_related = ("site", "author")
    raw_id_fields = ("site", "author")
    readonly_fields = ("recipient_count", "created_at")
