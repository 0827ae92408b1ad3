"""Research sprints: what they are about, who co-hosts them and when each step happens."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import (
    MAX_CONFIRM_WINDOW_HOURS,
    MAX_SEATS,
    MAX_TEAM_SIZE,
    max_value,
    validate_datetime_in_window,
)
from sprintlab.sprints.validators import validate_image_extension, validate_image_size

# A grace period longer than a day would be a second deadline, which organisers set as the deadline.
MAX_SUBMISSION_GRACE_MINUTES = 24 * 60

# Path segments under /sprints/ that belong to pages, so no sprint may take them as its slug.
RESERVED_SLUGS = frozenset({"new", "partners", "preview"})


class ResearchArea(models.TextChoices):
    INTERPRETABILITY = "interpretability", _("Interpretability")
    EVALUATIONS = "evaluations", _("Evaluations")
    GOVERNANCE = "governance", _("Governance")
    BENCHMARKS = "benchmarks", _("Benchmarks")
    MULTI_AGENT = "multi_agent", _("Multi-agent systems")
    ALIGNMENT = "alignment", _("Conceptual alignment")
    SECURITY = "security", _("AI security")
    OTHER = "other", _("Other")


class AdmissionMode(models.TextChoices):
    OPEN = "open", _("Open: first come, first served")
    REVIEWED = "reviewed", _("Reviewed: organisers admit applicants in waves")


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    REGISTRATION = "registration", _("Registration open")
    RUNNING = "running", _("Running")
    JUDGING = "judging", _("Judging")
    AWAITING_RESULTS = "awaiting_results", _("Results coming")
    FINISHED = "finished", _("Finished")


class Partner(TimeStampedModel):
    """An organisation that co-hosts or sponsors sprints."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    url = models.URLField(_("link"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="partners/", blank=True, validators=[validate_image_extension, validate_image_size]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class TimelineStep:
    key: str
    label: str
    at: datetime | None


class Sprint(TimeStampedModel):
    # The timeline in order; each time is stored in UTC and shown in the viewer's zone.
    TIMELINE_FIELDS = (
        ("announced_at", _("Announced")),
        ("registration_opens_at", _("Registration opens")),
        ("kickoff_at", _("Kickoff")),
        ("submission_deadline_at", _("Submission deadline")),
        ("judging_ends_at", _("Judging ends")),
        ("results_published_at", _("Results published")),
    )

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    research_area = models.CharField(_("research area"), max_length=30, choices=ResearchArea.choices)
    tagline = models.CharField(_("tagline"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    rules = models.TextField(_("rules"), blank=True, help_text=_("Markdown."))
    code_of_conduct = models.TextField(_("code of conduct"), blank=True, help_text=_("Markdown."))
    cover_image = models.ImageField(
        _("cover image"),
        upload_to="sprints/covers/",
        blank=True,
        validators=[validate_image_extension, validate_image_size],
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB; wide images (3:1) look best."),
    )
    partners = models.ManyToManyField(Partner, blank=True, related_name="sprints", verbose_name=_("co-hosts"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), max_value(MAX_SEATS)],
        help_text=_("Seats for remote and on-site participants together; empty means unlimited."),
    )
    remote_allowed = models.BooleanField(_("remote participation"), default=True)
    admission_mode = models.CharField(
        _("admission"), max_length=10, choices=AdmissionMode.choices, default=AdmissionMode.OPEN
    )
    confirm_window_hours = models.PositiveIntegerField(
        _("hours to confirm a seat"),
        default=72,
        validators=[MinValueValidator(1), max_value(MAX_CONFIRM_WINDOW_HOURS)],
        help_text=_("In reviewed mode, admitted people confirm within this time or the seat goes to the next person."),
    )
    is_published = models.BooleanField(_("published"), default=False)

    # Teams: how many people a team may hold and until when teams may form or change.
    team_size_min = models.PositiveSmallIntegerField(
        _("smallest team"), default=1, validators=[MinValueValidator(1), max_value(MAX_TEAM_SIZE)]
    )
    team_size_max = models.PositiveSmallIntegerField(
        _("largest team"), default=5, validators=[MinValueValidator(1), max_value(MAX_TEAM_SIZE)]
    )
    team_formation_closes_at = models.DateTimeField(
        _("teams close"),
        null=True,
        blank=True,
        validators=[validate_datetime_in_window],
        help_text=_("After this time nobody joins, leaves or forms a team. Empty means at the submission deadline."),
    )
    # Submissions stay open this long after the submission deadline (late uploads, slow networks);
    # the deadline shown to people does not move.
    submission_grace_minutes = models.PositiveSmallIntegerField(
        _("grace period (minutes)"),
        default=0,
        validators=[max_value(MAX_SUBMISSION_GRACE_MINUTES)],
        help_text=_("Submissions are still accepted this many minutes after the deadline."),
    )
    # Announcements are mirrored to this Discord- or Slack-compatible incoming webhook; it is a
    # secret (anyone holding it can post), so only the sprint's organisers ever see it.
    chat_webhook_url = models.URLField(
        _("chat webhook"),
        max_length=500,
        blank=True,
        help_text=_("An incoming-webhook URL (Discord or Slack format); announcements are posted there too."),
    )

    # Every time stays inside the accepted window (see sprintlab.core.validators).
    announced_at = models.DateTimeField(_("announced"), validators=[validate_datetime_in_window])
    registration_opens_at = models.DateTimeField(_("registration opens"), validators=[validate_datetime_in_window])
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        validators=[validate_datetime_in_window],
        help_text=_("Empty means at the submission deadline."),
    )
    kickoff_at = models.DateTimeField(_("kickoff"), validators=[validate_datetime_in_window])
    submission_deadline_at = models.DateTimeField(_("submission deadline"), validators=[validate_datetime_in_window])
    judging_ends_at = models.DateTimeField(_("judging ends"), validators=[validate_datetime_in_window])
    results_published_at = models.DateTimeField(_("results published"), validators=[validate_datetime_in_window])
    # The revision of the kickoff and deadline events in people's subscribed calendars (iCalendar
    # SEQUENCE): raised whenever one of ``CALENDAR_FIELDS`` changes, so calendars replace the events.
    calendar_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What the calendar events of the sprint show: changing one raises ``calendar_sequence``.
    CALENDAR_FIELDS = frozenset({"title", "kickoff_at", "submission_deadline_at"})

    class Meta:
        ordering = ["-kickoff_at"]
        verbose_name = _("sprint")
        indexes = [models.Index(fields=["is_published", "kickoff_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(announced_at__lte=F("registration_opens_at"))
                & Q(registration_opens_at__lte=F("kickoff_at"))
                & Q(kickoff_at__lt=F("submission_deadline_at"))
                & Q(submission_deadline_at__lte=F("judging_ends_at"))
                & Q(judging_ends_at__lte=F("results_published_at")),
                name="sprint_timeline_in_order",
            ),
            models.CheckConstraint(
                condition=Q(team_size_min__lte=F("team_size_max")), name="sprint_team_sizes_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sprints:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is reserved; choose another slug.") % {"slug": self.slug}
        previous_field = None
        for field, label in self.TIMELINE_FIELDS:
            value = getattr(self, field)
            if value is None:
                continue
            if previous_field and getattr(self, previous_field) and value < getattr(self, previous_field):
                errors[field] = _("%(step)s cannot be before %(previous)s.") % {
                    "step": label,
                    "previous": dict(self.TIMELINE_FIELDS)[previous_field].lower(),
                }
            previous_field = field
        if self.kickoff_at and self.submission_deadline_at and self.submission_deadline_at <= self.kickoff_at:
            errors["submission_deadline_at"] = _("The submission deadline must be after kickoff.")
        closes = self.registration_closes_at
        if closes and self.registration_opens_at and closes <= self.registration_opens_at:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if closes and self.submission_deadline_at and closes > self.submission_deadline_at:
            errors["registration_closes_at"] = _("Registration must close by the submission deadline.")
        teams_close = self.team_formation_closes_at
        if teams_close and self.submission_deadline_at and teams_close > self.submission_deadline_at:
            errors["team_formation_closes_at"] = _("Teams must close by the submission deadline.")
        if self.team_size_min and self.team_size_max and self.team_size_min > self.team_size_max:
            errors["team_size_max"] = _("The largest team cannot be smaller than the smallest.")
        if errors:
            raise ValidationError(errors)

    # --- Timeline -------------------------------------------------------------------------
    @property
    def registration_deadline(self) -> datetime:
        return self.registration_closes_at or self.submission_deadline_at

    def phase_at(self, now: datetime) -> str:
        if not self.is_published:
            return Phase.DRAFT
        if now < self.registration_opens_at:
            return Phase.ANNOUNCED
        if now < self.kickoff_at:
            return Phase.REGISTRATION
        if now < self.submission_deadline_at:
            return Phase.RUNNING
        if now < self.judging_ends_at:
            return Phase.JUDGING
        if now < self.results_published_at:
            return Phase.AWAITING_RESULTS
        return Phase.FINISHED

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return Phase(self.phase).label

    @property
    def team_formation_deadline(self) -> datetime:
        return self.team_formation_closes_at or self.submission_deadline_at

    def timeline(self) -> list[TimelineStep]:
        return [TimelineStep(field, label, getattr(self, field)) for field, label in self.TIMELINE_FIELDS]

    def next_step(self, now: datetime | None = None) -> TimelineStep | None:
        now = now or timezone.now()
        return next((step for step in self.timeline() if step.at and step.at > now), None)


class Track(models.Model):
    """A track or challenge area inside a sprint."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("track")

    def __str__(self) -> str:
        return self.name


class Prize(models.Model):
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="prizes")
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. First place"))
    amount = models.CharField(_("amount"), max_length=60, blank=True, help_text=_("e.g. $2,000"))
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("prize")

    def __str__(self) -> str:
        return f"{self.name} {self.amount}".strip()


class SprintRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    COHOST = "cohost", _("Partner co-host")
    # Mentors help teams during the sprint: office hours and the help-request queue.
    MENTOR = "mentor", _("Mentor")
    # Judges review the sprint's submissions (the judging app keeps their profiles and scores).
    JUDGE = "judge", _("Judge")
    # Info-hazard reviewers decide whether a flagged project is published, redacted or kept private.
    HAZARD_REVIEWER = "hazard_reviewer", _("Info-hazard reviewer")


class SprintMembership(TimeStampedModel):
    """A person's role in one sprint: organisers run it, partner co-hosts read its data, mentors help teams,
    judges review submissions."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sprint_memberships")
    role = models.CharField(_("role"), max_length=20, choices=SprintRole.choices)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("sprint role")
        constraints = [models.UniqueConstraint(fields=["sprint", "user", "role"], name="unique_sprint_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.sprint}"
