"""A sprint's research reports: what each team submitted, every version of it, and who wrote it.

A team (a solo participant submits as a team of one) has at most one submission per sprint. Each
save before the deadline adds a ``SubmissionVersion``; the submission row carries the latest
version's fields so that lists, judging and search read one row. Files live in Django storage
under random names and are served only through the app's own views.
"""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams.models import Team


def random_file_name(folder: str, suffix: str) -> str:
    """A storage name nobody can guess or collide with; the person's own file name is kept apart."""
    return f"{folder}/{secrets.token_urlsafe(24)}{suffix}"


def private_storage():
    """The storage of reports, appendices and thumbnails: nothing serves it but this app's views."""
    return storages["private"]


def report_upload_to(instance, filename: str) -> str:
    return random_file_name("submissions/reports", ".pdf")


def appendix_upload_to(instance, filename: str) -> str:
    return random_file_name("submissions/appendices", ".bin")


def thumbnail_upload_to(instance, filename: str) -> str:
    return random_file_name("submissions/thumbnails", ".png")


class InfoHazard(models.TextChoices):
    """The team's own answer to "could publishing this help dangerous capabilities?"."""

    NONE = "none", _("No")
    POSSIBLE = "possible", _("Possibly")
    YES = "yes", _("Yes")


class Submission(TimeStampedModel):
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    # The latest version's fields, copied here so that lists, judging and search read one row.
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), max_length=3000)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions", verbose_name=_("track")
    )
    code_url = models.URLField(_("code repository"), blank=True)
    video_url = models.URLField(_("video"), blank=True)
    info_hazard = models.CharField(
        _("info-hazard self-assessment"), max_length=10, choices=InfoHazard.choices, default=InfoHazard.NONE
    )
    info_hazard_note = models.TextField(_("info-hazard explanation"), max_length=3000, blank=True)
    # The latest report's text, extracted in the background: it feeds search and judge matching.
    report_text = models.TextField(_("report text"), blank=True)
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    # An organiser may give one team more time than the sprint's deadline and grace period.
    extended_until = models.DateTimeField(_("extension until"), null=True, blank=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SubmissionAuthor", related_name="authored_submissions"
    )

    class Meta:
        ordering = ["sprint", "title", "id"]
        verbose_name = _("submission")
        constraints = [models.UniqueConstraint(fields=["team"], name="one_submission_per_team")]
        indexes = [models.Index(fields=["sprint", "last_submitted_at"])]

    def __str__(self) -> str:
        return self.title


class SubmissionAuthor(models.Model):
    """The team's members when the latest version was saved, in order: the project's authors."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="author_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["submission", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "user"], name="unique_submission_author")]


class SubmissionVersion(models.Model):
    """One save of a submission, kept for ever; the one with the highest number counts."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), max_length=3000)
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code_url = models.URLField(_("code repository"), blank=True)
    video_url = models.URLField(_("video"), blank=True)
    info_hazard = models.CharField(max_length=10, choices=InfoHazard.choices, default=InfoHazard.NONE)
    info_hazard_note = models.TextField(max_length=3000, blank=True)
    report = models.FileField(_("report (PDF)"), upload_to=report_upload_to, max_length=200, storage=private_storage)
    report_name = models.CharField(_("file name"), max_length=255, blank=True)
    report_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    report_sha256 = models.CharField(max_length=64, blank=True)
    report_pages = models.PositiveIntegerField(_("pages"), default=0)
    report_text = models.TextField(_("report text"), blank=True)
    thumbnail = models.ImageField(upload_to=thumbnail_upload_to, max_length=200, blank=True, storage=private_storage)
    processed_at = models.DateTimeField(_("text and thumbnail made"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "-number"]
        verbose_name = _("submission version")
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="unique_submission_version")]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"


class AppendixFile(models.Model):
    """An optional file that goes with one version (data, extra figures); served as a download only."""

    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="appendices")
    file = models.FileField(upload_to=appendix_upload_to, max_length=200, storage=private_storage)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    class Meta:
        ordering = ["version", "id"]


class DeadlineExtension(TimeStampedModel):
    """More time for one team, granted by an organiser; it counts when later than deadline plus grace.

    It belongs to the team, not to its submission, so a team that has not submitted yet (its
    upload failed at the deadline) can be given one. ``Submission.extended_until`` repeats it.
    """

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="deadline_extension")
    until = models.DateTimeField(_("extension until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("deadline extension")

    def __str__(self) -> str:
        return f"{self.team} until {self.until:%Y-%m-%d %H:%M}"
