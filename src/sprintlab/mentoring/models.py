"""Mentor help during a sprint: mentors' profiles, office-hour slots and their bookings, help requests.

Who is a mentor is a sprint role (``sprints.SprintMembership`` with ``SprintRole.MENTOR``); this app
keeps what mentors offer and what teams ask of them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts.models import validate_timezone
from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import validate_datetime_in_window
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams.models import Team

# People an office-hour slot may take at most: a conversation, not a lecture.
MAX_SLOT_CAPACITY = 20
MAX_EXPERTISE_TAGS = 8


class Expertise(models.TextChoices):
    """What mentors know and what help requests are about; queues filter by it."""

    INTERPRETABILITY = "interpretability", _("Interpretability")
    EVALUATIONS = "evaluations", _("Evaluations")
    GOVERNANCE = "governance", _("Governance and policy")
    BENCHMARKS = "benchmarks", _("Benchmarks and datasets")
    MULTI_AGENT = "multi_agent", _("Multi-agent systems")
    ALIGNMENT = "alignment", _("Conceptual alignment")
    SECURITY = "security", _("AI security")
    ML_ENGINEERING = "ml_engineering", _("ML engineering and training")
    STATISTICS = "statistics", _("Statistics and experiment design")
    WRITING = "writing", _("Writing and presenting results")


class MentorProfile(TimeStampedModel):
    """What a person tells teams about themselves as a mentor; one per person, whatever the sprint."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    expertise = models.JSONField(_("expertise"), default=list, blank=True, help_text=_("Up to eight topics."))
    bio = models.CharField(_("short bio"), max_length=600, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_timezone])

    class Meta:
        verbose_name = _("mentor profile")

    def __str__(self) -> str:
        return str(self.user)

    def expertise_labels(self) -> list[str]:
        return [str(Expertise(tag).label) for tag in self.expertise if tag in Expertise.values]


class OfficeHourSlot(TimeStampedModel):
    """A time a mentor offers to talk with teams, online or at a site."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="office_hour_slots")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hour_slots")
    starts_at = models.DateTimeField(_("starts"), validators=[validate_datetime_in_window])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_datetime_in_window])
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    site = models.ForeignKey(
        LocalSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("site")
    )
    capacity = models.PositiveSmallIntegerField(
        _("teams"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SLOT_CAPACITY)],
        help_text=_("How many teams may book this slot."),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("office-hour slot")
        indexes = [models.Index(fields=["sprint", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SlotBooking(models.Model):
    """A team's place in an office-hour slot. A cancelled booking keeps its row and frees the place."""

    slot = models.ForeignKey(OfficeHourSlot, on_delete=models.CASCADE, related_name="bookings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="slot_bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("slot booking")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "team"], condition=Q(cancelled_at__isnull=True), name="one_live_booking_per_team_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.slot}"


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a mentor")
    CLAIMED = "claimed", _("A mentor is on it")
    CLOSED = "closed", _("Closed")


class HelpRequest(TimeStampedModel):
    """A team (or a participant on their own) asking the sprint's mentors for help."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="help_requests")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_requests")
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("what you need"), max_length=4000)
    tag = models.CharField(_("expertise"), max_length=30, choices=Expertise.choices, blank=True)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("track")
    )
    contact = models.CharField(
        _("how to reach you"), max_length=300, help_text=_("A video-call link, a chat handle or where you sit.")
    )
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    # Since when the request waits for a mentor: its creation, or the last release.
    waiting_since = models.DateTimeField(_("waiting since"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # The first claim, kept through releases: the time to first answer is measured to it.
    first_claimed_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(_("closing note"), max_length=4000, blank=True)
    # When the organisers were told that nobody had claimed it; they are told once per request.
    alerted_at = models.DateTimeField(_("organisers alerted"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("help request")
        indexes = [models.Index(fields=["sprint", "status", "waiting_since"])]

    def __str__(self) -> str:
        return self.topic


class HelpNote(models.Model):
    """A mentor's note or answer on a help request."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("help note")

    def __str__(self) -> str:
        return self.body[:60]
