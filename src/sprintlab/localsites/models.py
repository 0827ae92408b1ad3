"""In-person local sites of a sprint, run by volunteer organisers after an application."""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from sprintlab.accounts.models import validate_timezone
from sprintlab.core.dates import localtime_or_none
from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import MAX_SEATS, max_value, validate_datetime_in_window
from sprintlab.sprints.models import AdmissionMode, Sprint


class SiteStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An applicant may still change these; a decided application is closed to edits.
EDITABLE_STATUSES = (SiteStatus.PENDING, SiteStatus.CHANGES_REQUESTED)
# The statuses organisers decide on.
UNDECIDED_STATUSES = EDITABLE_STATUSES


class LocalSite(TimeStampedModel):
    """A venue for one sprint. It starts as an application and becomes public once approved."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("venue name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=120)
    description = models.TextField(_("about this site"), blank=True, help_text=_("Markdown."))
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1), max_value(MAX_SEATS)])
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    timezone = models.CharField(_("local time zone"), max_length=64, validators=[validate_timezone])
    starts_at = models.DateTimeField(_("doors open"), validators=[validate_datetime_in_window])
    ends_at = models.DateTimeField(_("doors close"), validators=[validate_datetime_in_window])
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    admission_mode = models.CharField(
        _("admission"),
        max_length=10,
        choices=AdmissionMode.choices,
        blank=True,
        help_text=_("Empty means the sprint's own admission mode."),
    )
    status = models.CharField(_("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.PENDING)
    decision_reason = models.TextField(_("reason or requested changes"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_applications")
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SiteOrganiser", related_name="organised_sites"
    )

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("local site")
        constraints = [
            models.UniqueConstraint(fields=["sprint", "slug"], name="unique_site_slug_per_sprint"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="site_ends_after_start"),
        ]
        indexes = [models.Index(fields=["sprint", "status"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    def get_absolute_url(self) -> str:
        return reverse("localsites:detail", kwargs={"sprint_slug": self.sprint.slug, "slug": self.slug})

    def clean(self) -> None:
        """Invariants shared by the application form, the API and the admin."""
        errors: dict[str, str] = {}
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("Give both latitude and longitude, or neither.")
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The site must close after it opens.")
            elif self.sprint_id and not self._overlaps_sprint():
                errors["starts_at"] = _(
                    "The site's opening hours must overlap the sprint, which runs from kickoff to the "
                    "submission deadline."
                )
        if errors:
            raise ValidationError(errors)

    def _overlaps_sprint(self) -> bool:
        sprint = self.sprint
        return self.starts_at < sprint.submission_deadline_at and self.ends_at > sprint.kickoff_at

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_starts_at(self) -> datetime:
        # A stored time at datetime's very edge cannot move to the zone; UTC is the honest fallback.
        return localtime_or_none(self.starts_at, self.zone) or self.starts_at

    @property
    def local_ends_at(self) -> datetime:
        return localtime_or_none(self.ends_at, self.zone) or self.ends_at

    @property
    def check_in_opens_at(self) -> datetime:
        return self.starts_at - timedelta(hours=settings.CHECK_IN_OPENS_HOURS_BEFORE)

    @property
    def is_approved(self) -> bool:
        return self.status == SiteStatus.APPROVED

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_withdrawable(self) -> bool:
        return self.status in (*EDITABLE_STATUSES, SiteStatus.APPROVED)

    @property
    def osm_url(self) -> str:
        """A plain link to OpenStreetMap (no map is embedded: pages need no internet at run time)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=17/{self.latitude}/{self.longitude}"
        )

    @property
    def effective_admission_mode(self) -> str:
        return self.admission_mode or self.sprint.admission_mode


class SiteOrganiser(TimeStampedModel):
    site = models.ForeignKey(LocalSite, on_delete=models.CASCADE, related_name="organiser_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_organiser_links")
    is_lead = models.BooleanField(_("lead organiser"), default=False)

    class Meta:
        verbose_name = _("site organiser")
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="unique_site_organiser")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.site}"


class SiteMessage(TimeStampedModel):
    """A message from a site's organisers to everyone attending it; delivered through the outbox."""

    site = models.ForeignKey(LocalSite, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=10000)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("site message")

    def __str__(self) -> str:
        return self.subject
