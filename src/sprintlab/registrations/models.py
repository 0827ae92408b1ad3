"""A person's place in a sprint: remote or at one site, from application to check-in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import validate_datetime_in_window
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint


class RegistrationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied, awaiting review")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Admitted, please confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Not admitted")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer expired")


# Statuses that hold a seat against the sprint's and the site's capacity.
SEAT_HOLDING_STATUSES = (RegistrationStatus.OFFERED, RegistrationStatus.CONFIRMED)
# Statuses of a registration that is still alive (the person may still take part).
ACTIVE_STATUSES = (
    RegistrationStatus.APPLIED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.CONFIRMED,
)


# A person who cancelled, or whose offer expired, may register again; a declined one may not.
REOPENABLE_STATUSES = (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED)


def queue_position_expression():
    """When a person joined the queue they wait in; rows written in bulk without it fall back to creation."""
    return Coalesce("waitlisted_at", "created_at")


class ExperienceLevel(models.TextChoices):
    NEW = "new", _("New to AI safety research")
    SOME = "some", _("Some experience (courses, reading groups, small projects)")
    EXPERIENCED = "experienced", _("Experienced (research projects or publications)")
    EXPERT = "expert", _("Expert (leads research in the field)")


class HeardFrom(models.TextChoices):
    FRIEND = "friend", _("A friend or colleague")
    SOCIAL = "social", _("Social media")
    NEWSLETTER = "newsletter", _("Newsletter")
    UNIVERSITY = "university", _("University or local group")
    PARTNER = "partner", _("A partner organisation")
    PREVIOUS = "previous", _("A previous sprint")
    OTHER = "other", _("Other")


class AdmissionWave(TimeStampedModel):
    """One round of decisions in a reviewed sprint, with the email it sends."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="admission_waves")
    site = models.ForeignKey(LocalSite, null=True, blank=True, on_delete=models.CASCADE, related_name="admission_waves")
    number = models.PositiveIntegerField(_("wave"))
    message = models.TextField(_("message to admitted people"), blank=True)
    confirm_by = models.DateTimeField(_("confirm by"), validators=[validate_datetime_in_window])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    admitted_count = models.PositiveIntegerField(default=0)
    waitlisted_count = models.PositiveIntegerField(default=0)
    declined_count = models.PositiveIntegerField(default=0)
    # People the wave left out because they changed place or status while it was being sent:
    # [{"registration": id, "person": name, "reason": text}], shown to the organisers.
    skipped = models.JSONField(_("skipped"), default=list, blank=True)

    class Meta:
        ordering = ["sprint", "number"]
        verbose_name = _("admission wave")
        constraints = [models.UniqueConstraint(fields=["sprint", "number"], name="unique_wave_number")]

    def __str__(self) -> str:
        return f"{self.sprint} · wave {self.number}"


class Registration(TimeStampedModel):
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    site = models.ForeignKey(
        LocalSite,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        help_text=_("Empty means remote."),
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    # Answers to the sprint's questions.
    experience_level = models.CharField(_("experience level"), max_length=20, choices=ExperienceLevel.choices)
    background = models.CharField(_("background"), max_length=300, blank=True)
    motivation = models.TextField(_("motivation"), max_length=3000, blank=True)
    heard_from = models.CharField(_("how you heard of it"), max_length=20, choices=HeardFrom.choices, blank=True)
    first_sprint = models.BooleanField(_("first sprint"), default=True)
    accepted_code_of_conduct = models.BooleanField(_("accepted the code of conduct"), default=False)
    consent_fellowship_contact = models.BooleanField(_("may be contacted about the fellowship"), default=False)
    consent_public_listing = models.BooleanField(_("may appear in public lists"), default=False)
    # Lifecycle.
    wave = models.ForeignKey(
        AdmissionWave, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    offered_at = models.DateTimeField(_("admitted"), null=True, blank=True, validators=[validate_datetime_in_window])
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True, validators=[validate_datetime_in_window])
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, validators=[validate_datetime_in_window])
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, validators=[validate_datetime_in_window])
    checked_in_at = models.DateTimeField(
        _("checked in"), null=True, blank=True, validators=[validate_datetime_in_window]
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The waitlist is ordered by when a person joined the queue they are in now (a switch to
    # another site queues them at its end), not by when they first registered.
    waitlisted_at = models.DateTimeField(
        _("joined the waitlist"), null=True, blank=True, validators=[validate_datetime_in_window]
    )
    # Bumped by every status or place change; outbox keys include it, so each transition sends its
    # email exactly once while a later, similar transition (switching back) still sends its own.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(fields=["sprint", "user"], name="one_registration_per_sprint"),
            models.CheckConstraint(condition=Q(accepted_code_of_conduct=True), name="code_of_conduct_accepted"),
        ]
        indexes = [
            models.Index(fields=["sprint", "status", "created_at"]),
            models.Index(fields=["site", "status", "created_at"]),
            models.Index(fields=["sprint", "status", "waitlisted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.sprint}"

    @property
    def is_remote(self) -> bool:
        return self.site_id is None

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_reopenable(self) -> bool:
        """Cancelled or expired: registering again reopens it (``permissions.may_register_again`` adds when)."""
        return self.status in REOPENABLE_STATUSES
