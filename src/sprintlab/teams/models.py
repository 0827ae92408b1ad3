"""Sprint teams: who works together during a sprint weekend, and how each team came about."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.sprints.models import Sprint, Track

# Invite codes are read aloud and typed on phones: no 0/O or 1/I/L to confuse.
INVITE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 8


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class TeamOrigin(models.TextChoices):
    """How a team came about; compared after the sprint with who went on to submit."""

    SELF = "self", _("Formed by its members")
    FINDER = "finder", _("Through the team finder")
    GROUPING = "grouping", _("Grouped by the organisers")


class Team(TimeStampedModel):
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("short description"), max_length=500, blank=True)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams", verbose_name=_("track")
    )
    looking_for = models.CharField(
        _("looking for"), max_length=300, blank=True, help_text=_("Skills or people the team still needs.")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team lead")
    )
    invite_code = models.CharField(_("invite code"), max_length=16, unique=True, default=new_invite_code)
    origin = models.CharField(_("formed"), max_length=10, choices=TeamOrigin.choices, default=TeamOrigin.SELF)
    # A disbanded team keeps its row (and its origin) for the after-sprint comparison; nobody is in it.
    disbanded_at = models.DateTimeField(_("disbanded"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("team")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "sprint",
                condition=Q(disbanded_at__isnull=True),
                name="unique_live_team_name_per_sprint",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:detail", kwargs={"slug": self.sprint.slug, "team_id": self.pk})

    @property
    def is_live(self) -> bool:
        return self.disbanded_at is None


class JoinedVia(models.TextChoices):
    FOUNDED = "founded", _("Founded the team")
    CODE = "code", _("Invite code or link")
    REQUEST = "request", _("Join request accepted")
    INVITATION = "invitation", _("Accepted an invitation")
    GROUPING = "grouping", _("Accepted the organisers' grouping")


class TeamMember(models.Model):
    """A person in a team. ``sprint`` repeats the team's sprint so the database itself keeps a person
    in at most one team per sprint."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    joined_via = models.CharField(_("joined"), max_length=12, choices=JoinedVia.choices)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("team member")
        constraints = [models.UniqueConstraint(fields=["sprint", "user"], name="one_team_per_person_per_sprint")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class JoinDirection(models.TextChoices):
    REQUEST = "request", _("The person asked to join")
    INVITATION = "invitation", _("The team invited the person")


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(TimeStampedModel):
    """A person asking a team to take them, or a team inviting a person; the other side answers."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_join_requests")
    direction = models.CharField(_("direction"), max_length=12, choices=JoinDirection.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    # Sent from the team finder: a team this makes is recorded as formed through the finder.
    from_finder = models.BooleanField(_("sent from the team finder"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("join request")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"], condition=Q(status="pending"), name="one_pending_join_request_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.user} · {self.team}"
