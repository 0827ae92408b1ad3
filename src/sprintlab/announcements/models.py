"""Announcements from organisers to a sprint's people, and the reminders the scheduler sends itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint
from sprintlab.teams.models import Team


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone registered")
    SITE = "site", _("One site")
    TEAM = "team", _("One team")
    SEGMENT = "segment", _("A segment")


class Segment(models.TextChoices):
    # Statuses: a person matches any one of those chosen.
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    # Everything else narrows: a person matches all of those chosen.
    FIRST_TIMERS = "first_timers", _("First-timers")
    WITHOUT_TEAM = "without_team", _("Not yet in a team")
    CHECKED_IN = "checked_in", _("Checked in")
    NOT_CHECKED_IN = "not_checked_in", _("Not checked in")


STATUS_SEGMENTS = (Segment.CONFIRMED, Segment.WAITLISTED)


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    # Marked for sending; the fan-out task is writing and delivering its messages.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE_STATUSES = (AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED)


class Announcement(TimeStampedModel):
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    # The site of a SITE audience, or the site a SEGMENT is limited to (empty: the whole sprint).
    site = models.ForeignKey(LocalSite, null=True, blank=True, on_delete=models.CASCADE, related_name="announcements")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements")
    segments = models.JSONField(_("segments"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=10_000, help_text=_("Markdown."))
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    # When it was marked for sending: a fan-out still unfinished long after is scheduled again.
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    mirror_to_chat = models.BooleanField(_("also post to the sprint's chat"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("announcement")
        indexes = [
            models.Index(fields=["sprint", "-created_at"]),
            models.Index(
                fields=["scheduled_for"],
                condition=models.Q(status="scheduled"),
                name="announcement_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_summary(self) -> str:
        """Who it is for, in words: "Everyone registered", "Berlin Hub", "First-timers · Berlin Hub"."""
        if self.audience == Audience.SITE and self.site_id:
            return self.site.name
        if self.audience == Audience.TEAM:
            return _("Team %(name)s") % {"name": self.team.name} if self.team_id else _("A team (disbanded)")
        if self.audience == Audience.SEGMENT:
            labels = [str(Segment(segment).label) for segment in self.segments if segment in Segment.values]
            where = [self.site.name] if self.site_id else []
            return " · ".join([*labels, *where])
        return str(Audience.EVERYONE.label)

    @property
    def key_prefix(self) -> str:
        """Outbox and inbox keys of its messages: ``announcement:<id>:<user id>``."""
        return f"announcement:{self.pk}"

    @property
    def chat_key(self) -> str:
        return f"announcement:{self.pk}:chat"


class ReminderMoment(models.TextChoices):
    KICKOFF_DAY = "kickoff_day", _("A day before kickoff")
    KICKOFF_HOUR = "kickoff_hour", _("An hour before kickoff")
    DEADLINE_DAY = "deadline_day", _("A day before the submission deadline")
    DEADLINE_HOUR = "deadline_hour", _("An hour before the submission deadline")


class ReminderRun(models.Model):
    """One reminder of one sprint, sent once: the scheduler claims it by inserting this row."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="reminder_runs")
    moment = models.CharField(_("moment"), max_length=20, choices=ReminderMoment.choices)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fanned out"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder run")
        constraints = [models.UniqueConstraint(fields=["sprint", "moment"], name="one_reminder_per_moment")]

    def __str__(self) -> str:
        return f"{self.sprint_id} · {self.moment}"

    @property
    def key_prefix(self) -> str:
        return f"reminder:{self.sprint_id}:{self.moment}"
