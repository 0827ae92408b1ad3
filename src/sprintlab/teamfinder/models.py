"""The team finder: who is looking for a team, and the organisers' proposed groups of solos."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts.models import validate_timezone
from sprintlab.core.models import TimeStampedModel
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams.models import Team

DEFAULT_WAKING_START = 8
DEFAULT_WAKING_END = 23


class FinderProfile(TimeStampedModel):
    """A person's "looking for a team" card in one sprint. Lists hold ``vocabulary`` values."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="finder_profiles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="finder_profiles")
    is_looking = models.BooleanField(_("looking for a team"), default=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    free_tags = models.JSONField(_("other interests"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    # Local hours the person is awake and available: from ``waking_start`` to ``waking_end``
    # (24 = midnight); a start after the end wraps past midnight (a night owl's 18 to 3).
    waking_start = models.PositiveSmallIntegerField(
        _("awake from"), default=DEFAULT_WAKING_START, validators=[MaxValueValidator(23)]
    )
    waking_end = models.PositiveSmallIntegerField(
        _("awake until"), default=DEFAULT_WAKING_END, validators=[MaxValueValidator(24)]
    )
    preferred_track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("preferred track")
    )
    note = models.CharField(_("short note"), max_length=280, blank=True)

    class Meta:
        verbose_name = _("team-finder profile")
        constraints = [models.UniqueConstraint(fields=["sprint", "user"], name="one_finder_profile_per_sprint")]
        indexes = [models.Index(fields=["sprint", "is_looking"], name="finder_looking_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.sprint}"


class GroupingRun(TimeStampedModel):
    """One press of "group the solos" by an organiser; ``parameters`` records what it was asked."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="grouping_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    parameters = models.JSONField(default=dict, blank=True)
    people_count = models.PositiveIntegerField(default=0)
    group_count = models.PositiveIntegerField(default=0)
    left_alone_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grouping run")

    def __str__(self) -> str:
        return f"Grouping {self.pk} of {self.sprint}"


class GroupStatus(models.TextChoices):
    OPEN = "open", _("Waiting for answers")
    FORMED = "formed", _("Team formed")
    DISSOLVED = "dissolved", _("Too few accepted")


class ProposedGroup(models.Model):
    """A proposed team: all on one site, or all remote. Becomes ``team`` when it forms."""

    run = models.ForeignKey(GroupingRun, on_delete=models.CASCADE, related_name="groups")
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("group"))
    site = models.ForeignKey(LocalSite, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=GroupStatus.choices, default=GroupStatus.OPEN)
    team = models.OneToOneField(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        verbose_name = _("proposed group")

    def __str__(self) -> str:
        return f"Group {self.number} of run {self.run_id}"


class ProposalResponse(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProposedMember(models.Model):
    """A person in a proposed group and their answer."""

    group = models.ForeignKey(ProposedGroup, on_delete=models.CASCADE, related_name="members")
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=10, choices=ProposalResponse.choices, default=ProposalResponse.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "id"]
        verbose_name = _("proposed member")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_place_per_proposed_group")]
        indexes = [models.Index(fields=["sprint", "user"], name="proposed_member_person_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"
