"""In-person local sites of a sprint, run by volunteer organisers after an application."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from sprintlab.accounts.models import validate_timezone
from sprintlab.core.models import TimeStampedModel
from sprintlab.sprints.models import AdmissionMode, Sprint


class SiteStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


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
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    timezone = models.CharField(_("local time zone"), max_length=64, validators=[validate_timezone])
    starts_at = models.DateTimeField(_("doors open"))
    ends_at = models.DateTimeField(_("doors close"))
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    admission_mode = models.CharField(
        _("admission"), max_length=10, choices=AdmissionMode.choices, blank=True,
        help_text=_("Empty means the sprint's own admission mode."),
    )
    status = models.CharField(_("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.PENDING)
    decision_reason = models.TextField(_("reason or requested changes"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_applications"
    )
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

    @property
    def is_approved(self) -> bool:
        return self.status == SiteStatus.APPROVED

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
