"""A sprint's programme: sessions with their speakers, personal agendas, calendar feeds, curated resources."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import validate_datetime_in_window
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint


class SessionKind(models.TextChoices):
    KICKOFF = "kickoff", _("Kickoff")
    KEYNOTE = "keynote", _("Keynote")
    TALK = "talk", _("Talk")
    WORKSHOP = "workshop", _("Workshop")
    OFFICE_HOURS = "office_hours", _("Office hours")
    CHECK_IN = "check_in", _("Check-in")
    CLOSING = "closing", _("Closing")


# Sessions for everyone registered: they are in every participant's agenda without starring them.
EVERYONE_KINDS = (SessionKind.KICKOFF, SessionKind.CLOSING)
# The fields whose change a subscribed calendar must pick up: each change raises ``Session.sequence``.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "online_url", "site_id")


class Speaker(TimeStampedModel):
    """A person who speaks in a sprint; one row serves all the sessions they give in it."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=150)
    affiliation = models.CharField(_("affiliation"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("speaker")

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class Session(TimeStampedModel):
    """One slot of the programme, in UTC, online or at a site of the sprint (or both)."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True, help_text=_("Markdown."))
    speakers = models.ManyToManyField(
        Speaker, through="SessionSpeaker", related_name="sessions", blank=True, verbose_name=_("speakers")
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_datetime_in_window])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_datetime_in_window])
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    site = models.ForeignKey(
        LocalSite,
        null=True,
        blank=True,
        # A site with sessions is not deleted on its own; deleting the sprint takes both.
        on_delete=models.RESTRICT,
        related_name="sessions",
        verbose_name=_("site"),
        help_text=_("Empty for an online-only session."),
    )
    # Calendars replace an event when its SEQUENCE grows (RFC 5545 3.8.7.4); the UID never changes.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "ends_at", "pk"]
        verbose_name = _("session")
        indexes = [models.Index(fields=["sprint", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(online_url="") | Q(site__isnull=False), name="session_online_or_at_a_site"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session ends after it starts.")
        if not self.online_url and self.site_id is None:
            errors["online_url"] = _("Give an online link, a site, or both.")
        if self.site_id is not None and self.sprint_id is not None and self.site.sprint_id != self.sprint_id:
            errors["site"] = _("This site belongs to another sprint.")
        if errors:
            raise ValidationError(errors)


class SessionSpeaker(models.Model):
    """A speaker of a session, in the order the programme lists them."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speaker_links")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="session_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="unique_session_speaker")]


class AgendaItem(models.Model):
    """A session a person starred for their own agenda."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_items")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="unique_agenda_item")]


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedToken(models.Model):
    """The secret in a person's calendar-feed URL. Resetting it replaces it, so the old URL stops working.

    Stored as it is (not hashed): the person's calendar page shows the URL again whenever they need it.
    It grants reading that person's agenda and nothing else.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reset_at = models.DateTimeField(_("last reset"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")


class ResourceCategory(models.TextChoices):
    READING = "reading", _("Reading list")
    STARTER_CODE = "starter_code", _("Starter code")
    NOTEBOOKS = "notebooks", _("Notebooks")
    DATASETS = "datasets", _("Datasets")
    APIS = "apis", _("APIs")
    COMPUTE = "compute", _("Compute credits")
    OTHER = "other", _("Other")


class Resource(TimeStampedModel):
    """A curated link for a sprint's participants; shown by category (in the choices' order), then by position."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="resources")
    category = models.CharField(_("category"), max_length=20, choices=ResourceCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500)
    notes = models.TextField(_("notes"), max_length=5000, blank=True, help_text=_("Markdown."))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("resource")
        indexes = [models.Index(fields=["sprint", "category", "position"])]

    def __str__(self) -> str:
        return self.title
