"""Results and the public project library: winners, the info-hazard gate, publications and certificates.

A submission becomes a public project through ``library.services``: a ``Publication`` holds the
public copy (title, abstract and text, redacted where a reviewer said so) with its search vector,
so the library searches only what the public may read. A project its team or a judge flagged
waits for an info-hazard reviewer's ``HazardDecision``; those decisions are append-only.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Prize, ResearchArea, Sprint, Track
from sprintlab.submissions.models import Submission, random_file_name


def redacted_report_upload_to(instance, filename: str) -> str:
    return random_file_name("library/redacted", ".pdf")


def new_certificate_code() -> str:
    """Printed on the certificate and typed by whoever checks it: short, unguessable, no look-alike letters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(12))


class HazardDecisionKind(models.TextChoices):
    PUBLISH = "publish", _("Publish as submitted")
    REDACT = "redact", _("Publish with parts redacted")
    PRIVATE = "private", _("Keep private")
    # Not a reviewer's choice: written when a new flag (the team's or a judge's) reaches a project that
    # was published or let through, which then waits for a reviewer again.
    WITHDRAWN = "withdrawn", _("Withdrawn: flagged again, awaiting review")


# What a reviewer chooses from.
REVIEWER_DECISIONS = (HazardDecisionKind.PUBLISH, HazardDecisionKind.REDACT, HazardDecisionKind.PRIVATE)


class HazardDecision(models.Model):
    """One info-hazard reviewer's decision on a flagged project; the latest one counts.

    Append-only: a reviewer who changes their mind adds a decision, so the log shows every step.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="hazard_decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=HazardDecisionKind.choices)
    reason = models.TextField(_("reason"), max_length=3000)
    # What the public sees instead, for a redacted publication (blank: the part is published as submitted).
    redacted_abstract = models.TextField(_("redacted abstract"), max_length=3000, blank=True)
    redacted_text = models.TextField(_("redacted report text"), blank=True)
    redacted_report = models.FileField(
        _("redacted report (PDF)"), upload_to=redacted_report_upload_to, max_length=200, blank=True
    )
    redaction_note = models.TextField(_("note shown with the project"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("info-hazard decision")
        # Staff grant it (admin → users) to people who review flagged projects of every sprint.
        permissions = [("review_all_info_hazards", "Can review flagged projects of every sprint")]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.decision}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Info-hazard decisions are append-only; add a new decision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Info-hazard decisions are append-only.")


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PRIVATE = "private", _("Kept private")
    # Out of the library after a new info-hazard flag, until a reviewer decides.
    WITHDRAWN = "withdrawn", _("Withdrawn, awaiting review")


class Publication(models.Model):
    """The public copy of a project and what the library filters on; one per submission."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="publication")
    status = models.CharField(_("status"), max_length=10, choices=PublicationStatus.choices)
    # Public copies: the reviewer's redactions applied; the library shows and searches only these.
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"))
    text = models.TextField(_("report text"), blank=True)
    redacted = models.BooleanField(_("redacted"), default=False)
    redaction_note = models.TextField(_("redaction note"), blank=True)
    redacted_report = models.FileField(max_length=200, blank=True)
    # Filters, copied from the sprint, the submission and the team so that the library reads one table.
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="publications")
    research_area = models.CharField(max_length=30, choices=ResearchArea.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    site = models.ForeignKey(LocalSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    award_names = models.CharField(_("awards"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date by the publish service on PostgreSQL (weights: title A, abstract B, text C); NULL elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("publication")
        indexes = [
            models.Index(fields=["status", "year"]),
            models.Index(fields=["status", "research_area"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class Award(models.Model):
    """A prize given to a project, within a track when the prize is per track."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="awards")
    prize = models.ForeignKey(Prize, on_delete=models.CASCADE, related_name="awards")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="awards")
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["prize__position", "prize_id", "track_id", "id"]
        verbose_name = _("award")
        constraints = [models.UniqueConstraint(fields=["prize", "submission"], name="one_prize_per_project")]

    def __str__(self) -> str:
        return f"{self.prize} → {self.submission_id}"

    @property
    def label(self) -> str:
        return f"{self.prize.name} ({self.track.name})" if self.track_id else self.prize.name


class ResultsRelease(models.Model):
    """A sprint's results are out: winners are shown and certificates can be downloaded."""

    sprint = models.OneToOneField(Sprint, on_delete=models.CASCADE, related_name="results_release")
    released_at = models.DateTimeField(_("released"), auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("results release")


class CertificateKind(models.TextChoices):
    PARTICIPATION = "participation", _("Participation")
    WINNER = "winner", _("Winner")


class Certificate(models.Model):
    """What a certificate says, fixed when it was issued, found again by the code printed on it."""

    code = models.CharField(max_length=16, unique=True, default=new_certificate_code)
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    submission = models.ForeignKey(Submission, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=15, choices=CertificateKind.choices)
    holder_name = models.CharField(max_length=200)
    project_title = models.CharField(max_length=200, blank=True)
    award_names = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        constraints = [models.UniqueConstraint(fields=["sprint", "user"], name="one_certificate_per_person")]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name}"
