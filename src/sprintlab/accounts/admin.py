from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts.models import ApiToken, Tag, User
from sprintlab.accounts.services import api_token_revoke, organiser_role_set


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People are identified by email; the profile is grouped the way the profile page shows it."""

    # Links typed without a scheme become https://… (Django 6 makes this the default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    ordering = ("email",)
    list_display = (
        "email",
        "display_name",
        "country",
        "career_stage",
        "is_organiser",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_organiser", "is_staff", "is_superuser", "is_active", "country", "career_stage")
    search_fields = ("email", "display_name", "affiliation", "city")
    filter_horizontal = ("interests", "skills", "groups", "user_permissions")
    # The organiser role changes only through the actions below, so that every change is audited.
    readonly_fields = ("last_login", "date_joined", "is_organiser")
    actions = ["grant_organiser_role", "revoke_organiser_role"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "affiliation", "career_stage", "bio", "public_fields")}),
        (_("Location"), {"fields": ("country", "city", "timezone")}),
        (_("Research"), {"fields": ("interests", "skills")}),
        (_("Links"), {"fields": ("website_url", "github_url", "scholar_url", "orcid")}),
        (
            _("Permissions"),
            {
                "classes": ("collapse",),
                "fields": ("is_active", "is_organiser", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.action(description=_("Grant the organiser role (may create sprints)"))
    def grant_organiser_role(self, request, queryset):
        self._set_organiser_role(request, queryset, granted=True)

    @admin.action(description=_("Revoke the organiser role"))
    def revoke_organiser_role(self, request, queryset):
        self._set_organiser_role(request, queryset, granted=False)

    def _set_organiser_role(self, request, queryset, *, granted: bool) -> None:
        people = list(queryset.exclude(is_organiser=granted))
        for person in people:
            organiser_role_set(actor=request.user, user=person, granted=granted)
        message = (
            _("%(count)d person(s) now hold the organiser role.")
            if granted
            else _("%(count)d person(s) no longer hold the organiser role.")
        )
        self.message_user(request, message % {"count": len(people)})


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "interested_count", "skilled_count")
    search_fields = ("name",)
    list_filter = (("interested_users", admin.EmptyFieldListFilter),)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                interested_count=Count("interested_users", distinct=True),
                skilled_count=Count("skilled_users", distinct=True),
            )
        )

    @admin.display(description=_("as interest"), ordering="interested_count")
    def interested_count(self, tag):
        return tag.interested_count

    @admin.display(description=_("as skill"), ordering="skilled_count")
    def skilled_count(self, tag):
        return tag.skilled_count


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "hint", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # Tokens are created by their owners on the tokens page; staff can only look and revoke.
    readonly_fields = ("user", "name", "hint", "key_hash", "created_at", "updated_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, actor=request.user)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": len(tokens)})
