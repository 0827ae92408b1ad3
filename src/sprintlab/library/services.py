"""Writes for results and the library: info-hazard decisions, publishing, winners, results, certificates.

Every function runs in one transaction, checks its ``actor`` with ``library.permissions`` and records
an audit entry; a refusal is a ``ServiceError`` and changes nothing. Lock order: the sprint, then
the submission. Publishing keeps the public copy and its search vector (on PostgreSQL) up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.library import selectors
from sprintlab.library.models import (
    REVIEWER_DECISIONS,
    Award,
    Certificate,
    CertificateKind,
    HazardDecision,
    HazardDecisionKind,
    Publication,
    PublicationStatus,
    ResultsRelease,
)
from sprintlab.library.permissions import certificate_refusal, hazard_decision_refusal, results_refusal
from sprintlab.sprints.models import Prize, Sprint, Track
from sprintlab.submissions.models import Submission

MAX_REDACTED_PDF_BYTES = 20 * 1024 * 1024
MAX_REASON_CHARS = 3000
MAX_REDACTED_TEXT_CHARS = 500_000


def _locked(sprint: Sprint, submission: Submission | None = None) -> tuple[Sprint, Submission | None]:
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    if submission is not None:
        submission = Submission.objects.select_for_update(of=("self",)).select_related("track").get(pk=submission.pk)
        if submission.sprint_id == sprint.pk:
            submission.sprint = sprint
    return sprint, submission


def _refuse(refusal) -> None:
    if refusal is not None:
        raise refusal


def _check_text(**fields: str) -> None:
    errors = unstorable_text_errors(fields.items())
    if errors:
        raise ServiceError(errors)


# --- The public copy -----------------------------------------------------------------------------


def _award_names(submission: Submission) -> str:
    labels = [award.label for award in Award.objects.filter(submission=submission).select_related("prize", "track")]
    return "; ".join(labels)[:500]


def _refresh_search_vector(publication: Publication) -> None:
    if connection.vendor != "postgresql":
        return
    config = selectors.FTS_CONFIG
    Publication.objects.filter(pk=publication.pk).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("abstract", weight="B", config=config)
        + SearchVector("text", weight="C", config=config)
    )


def _publish(submission: Submission, *, actor, decision: HazardDecision | None) -> Publication:
    """Write the public copy of ``submission`` (the decision's redactions applied) and its search vector."""
    redacted = decision is not None and decision.decision == HazardDecisionKind.REDACT
    publication = Publication.objects.filter(submission=submission).first() or Publication(submission=submission)
    was_public = publication.pk is not None and publication.is_public
    publication.status = PublicationStatus.PUBLISHED
    publication.title = submission.title
    publication.abstract = (decision.redacted_abstract if redacted else "") or submission.abstract
    publication.text = (decision.redacted_text if redacted else "") or submission.report_text
    publication.redacted = redacted
    publication.redaction_note = decision.redaction_note if redacted else ""
    publication.redacted_report = decision.redacted_report.name if redacted and decision.redacted_report else ""
    publication.sprint = submission.sprint
    publication.research_area = submission.sprint.research_area
    publication.year = submission.sprint.kickoff_at.year
    publication.track = submission.track
    publication.site_id = selectors.project_site_id(submission)
    publication.award_names = _award_names(submission)
    if not was_public:
        publication.published_at = timezone.now()
        publication.published_by = actor if getattr(actor, "is_authenticated", False) else None
    publication.save()
    _refresh_search_vector(publication)
    return publication


def _keep_private(submission: Submission) -> None:
    Publication.objects.filter(submission=submission).update(
        status=PublicationStatus.PRIVATE, updated_at=timezone.now()
    )


# --- The info-hazard gate ------------------------------------------------------------------------


def _check_redacted_pdf(upload: UploadedFile) -> None:
    if upload.size > MAX_REDACTED_PDF_BYTES:
        raise ServiceError({"redacted_report": [_("The redacted PDF may be at most 20 MB.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ServiceError({"redacted_report": [_("The redacted report must be a PDF file.")]})


@retry_on_conflict
@transaction.atomic
def hazard_decide(
    *,
    actor,
    submission: Submission,
    decision: str,
    reason: str,
    redacted_abstract: str = "",
    redacted_text: str = "",
    redacted_report: UploadedFile | None = None,
    redaction_note: str = "",
) -> HazardDecision:
    """Record an info-hazard reviewer's decision on a project; the latest decision counts.

    ``publish`` and ``redact`` let the project be published (at once, when the sprint's results are
    already out); ``private`` keeps it, or takes it, out of the library. A redaction replaces the
    abstract, the text and/or the PDF and shows its note with the project.
    Side effects: an append-only HazardDecision; the public copy when results are out; an audit entry.
    Raises: PermissionDeniedError (not a reviewer), Conflict (submissions still open), ServiceError
    (no reason, a redaction that replaces nothing or has no note, a file that is not a PDF).
    """
    sprint, submission = _locked(submission.sprint, submission)
    _refuse(hazard_decision_refusal(actor, sprint, now=timezone.now()))
    if decision not in REVIEWER_DECISIONS:
        raise ServiceError({"decision": [_("Choose publish, publish with redactions, or keep private.")]})
    reason, redaction_note = reason.strip(), redaction_note.strip()
    _check_text(
        reason=reason, redacted_abstract=redacted_abstract, redacted_text=redacted_text, redaction_note=redaction_note
    )
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why: the log keeps the reason with the decision.")]
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = [_("The reason may be at most 3000 characters.")]
    if len(redacted_abstract) > 3000:
        errors["redacted_abstract"] = [_("The redacted abstract may be at most 3000 characters.")]
    if len(redacted_text) > MAX_REDACTED_TEXT_CHARS:
        errors["redacted_text"] = [_("The redacted text is too long.")]
    if len(redaction_note) > 1000:
        errors["redaction_note"] = [_("The note may be at most 1000 characters.")]
    if decision == HazardDecisionKind.REDACT:
        if not (redacted_abstract.strip() or redacted_text.strip() or redacted_report):
            errors["redacted_abstract"] = [
                _("A redaction replaces the abstract, the text or the PDF: give at least one.")
            ]
        if not redaction_note:
            errors["redaction_note"] = [_("Readers see a note saying what was redacted and why; write one.")]
    if errors:
        raise ServiceError(errors)
    if decision == HazardDecisionKind.REDACT and redacted_report is not None:
        _check_redacted_pdf(redacted_report)
    redacting = decision == HazardDecisionKind.REDACT
    row = HazardDecision(
        submission=submission,
        decision=decision,
        reason=reason,
        redacted_abstract=redacted_abstract.strip() if redacting else "",
        redacted_text=redacted_text.strip() if redacting else "",
        redaction_note=redaction_note if redacting else "",
        decided_by=actor,
    )
    if redacting and redacted_report is not None:
        row.redacted_report.save("redacted.pdf", redacted_report, save=False)
    row.save()
    if decision == HazardDecisionKind.PRIVATE:
        _keep_private(submission)
    elif selectors.results_released(sprint) or Publication.objects.filter(submission=submission).exists():
        _publish(submission, actor=actor, decision=row)
    record_audit(actor=actor, action="library.hazard_decide", target=submission, decision=decision)
    return row


@transaction.atomic
def hazard_flag_withdraw(*, actor, submission: Submission, source: str) -> HazardDecision | None:
    """React to a new info-hazard flag on ``submission`` (``source``: "team" or "judge").

    The gate holds a flagged project until a reviewer decides, and a decision only covers the flags it
    saw: when the project is public, or a reviewer had let it through, it leaves the library and waits
    for a reviewer again. Not asked for by anyone: sent (``submissions.signals.info_hazard_flagged``)
    inside the transaction of the service that raised the flag, which checked its actor.
    Side effects: the publication withdrawn; a ``withdrawn`` entry in the decision log; an audit entry.
    Returns the log entry, or None when nothing was published or let through (the gate holds it already).
    """
    # Only the submission row is locked: the flagging service may hold rows that come after the sprint.
    submission = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    gate = selectors.gate_for(submission)
    withdrawn = Publication.objects.filter(submission=submission, status=PublicationStatus.PUBLISHED).update(
        status=PublicationStatus.WITHDRAWN, updated_at=timezone.now()
    )
    if not (withdrawn or gate.let_through):
        return None
    reasons = {
        "team": _("The team flagged the project as a possible info hazard after it was published or let through."),
        "judge": _("A judge flagged the project as a possible info hazard after it was published or let through."),
    }
    entry = HazardDecision.objects.create(
        submission=submission, decision=HazardDecisionKind.WITHDRAWN, reason=reasons.get(source, reasons["judge"])
    )
    record_audit(
        actor=actor, action="library.hazard_withdraw", target=submission, source=source, was_public=bool(withdrawn)
    )
    return entry


# --- Publishing ----------------------------------------------------------------------------------


def _gate_refusal(gate: selectors.Gate) -> ServiceError | None:
    if gate.awaiting_review:
        return Conflict(_("This project was flagged as a possible info hazard; an info-hazard reviewer decides first."))
    if gate.kept_private:
        return Conflict(_("An info-hazard reviewer decided to keep this project private."))
    return None


@retry_on_conflict
@transaction.atomic
def project_publish(*, actor, submission: Submission) -> Publication:
    """Publish one project in the library (again: refresh its public copy from the latest version).

    Side effects: the Publication and its search vector; an audit entry.
    Raises: PermissionDeniedError (not an organiser), Conflict (submissions still open, no version
    yet, flagged and undecided, or kept private by a reviewer).
    """
    sprint, submission = _locked(submission.sprint, submission)
    _refuse(results_refusal(actor, sprint, now=timezone.now()))
    if not submission.version_count:
        raise Conflict(_("This team has not submitted a report."))
    gate = selectors.gate_for(submission)
    _refuse(_gate_refusal(gate))
    publication = _publish(submission, actor=actor, decision=gate.decision)
    record_audit(actor=actor, action="library.publish", target=submission, redacted=publication.redacted)
    return publication


@dataclass(frozen=True)
class ReleaseSummary:
    published: int
    awaiting_review: int
    kept_private: int


@retry_on_conflict
@transaction.atomic
def results_release(*, actor, sprint: Sprint) -> ReleaseSummary:
    """Publish a sprint's results: its winners, and every project the info-hazard gate lets through.

    Flagged projects nobody decided on yet wait; each is published when a reviewer lets it through.
    Side effects: a ResultsRelease; a Publication per project let through; an audit entry; after
    commit, the task that issues every participant's certificate and tells them (``library.notify``).
    Raises: PermissionDeniedError (not an organiser), Conflict (submissions open, already released).
    """
    sprint, _none = _locked(sprint)
    _refuse(results_refusal(actor, sprint, now=timezone.now()))
    if ResultsRelease.objects.filter(sprint=sprint).exists():
        raise Conflict(_("This sprint's results are already published."))
    ResultsRelease.objects.create(sprint=sprint, released_by=actor)
    submissions = list(Submission.objects.filter(sprint=sprint, version_count__gt=0).select_related("track"))
    gates = selectors.gates_for(submissions)
    published = waiting = private = 0
    for submission in submissions:
        gate = gates[submission.pk]
        submission.sprint = sprint
        if gate.awaiting_review:
            waiting += 1
        elif gate.kept_private:
            private += 1
        else:
            _publish(submission, actor=actor, decision=gate.decision)
            published += 1
    summary = ReleaseSummary(published=published, awaiting_review=waiting, kept_private=private)
    record_audit(actor=actor, action="library.results_release", target=sprint, **summary.__dict__)
    # Certificates and the news to every participant: a task, after commit (thousands of people).
    transaction.on_commit(lambda: _schedule_results_announcement(sprint.pk))
    return summary


def _schedule_results_announcement(sprint_id: int) -> None:
    from sprintlab.library.notify import schedule_results_announcement

    schedule_results_announcement(sprint_id)


# --- Winners ---------------------------------------------------------------------------------------


def _refresh_awards(submission: Submission) -> None:
    Publication.objects.filter(submission=submission).update(award_names=_award_names(submission))
    _refresh_certificates(submission)


@retry_on_conflict
@transaction.atomic
def award_grant(*, actor, prize: Prize, submission: Submission, track: Track | None = None) -> Award:
    """Give ``prize`` to a project of its sprint, in ``track`` when the prize is given per track.

    Side effects: an Award; the project's public award list; an audit entry.
    Raises: PermissionDeniedError, Conflict (submissions open, the project already has this prize),
    ServiceError (prize, track or project of another sprint, project not in the track, no report).
    """
    sprint, submission = _locked(prize.sprint, submission)
    _refuse(results_refusal(actor, sprint, now=timezone.now()))
    if submission.sprint_id != sprint.pk:
        raise ServiceError({"submission": [_("This project belongs to another sprint.")]})
    if not submission.version_count:
        raise ServiceError({"submission": [_("This team has not submitted a report.")]})
    if track is not None:
        if track.sprint_id != sprint.pk:
            raise ServiceError({"track": [_("This track belongs to another sprint.")]})
        if submission.track_id != track.pk:
            raise ServiceError({"track": [_("This project was not submitted to this track.")]})
    if Award.objects.filter(prize=prize, submission=submission).exists():
        raise Conflict(_("This project already has this prize."))
    award = Award.objects.create(sprint=sprint, prize=prize, submission=submission, track=track, awarded_by=actor)
    _refresh_awards(submission)
    record_audit(actor=actor, action="library.award_grant", target=submission, prize=prize.name)
    return award


@retry_on_conflict
@transaction.atomic
def award_revoke(*, actor, award: Award) -> None:
    """Take a prize back. Side effects: the Award deleted; the public award list; an audit entry."""
    sprint, submission = _locked(award.sprint, award.submission)
    _refuse(results_refusal(actor, sprint, now=timezone.now()))
    prize_name = award.prize.name
    Award.objects.filter(pk=award.pk).delete()
    _refresh_awards(submission)
    record_audit(actor=actor, action="library.award_revoke", target=submission, prize=prize_name)


# --- Certificates ---------------------------------------------------------------------------------


def _certificate_facts(user, submission: Submission | None, award_names: str) -> dict:
    return {
        "submission": submission,
        "kind": CertificateKind.WINNER if award_names else CertificateKind.PARTICIPATION,
        "holder_name": (user.display_name or user.email)[:200],
        "project_title": submission.title if submission is not None else "",
        "award_names": award_names,
    }


@transaction.atomic
def certificate_issue(*, actor, sprint: Sprint) -> Certificate:
    """The actor's certificate for ``sprint``: issued once, brought up to date (name, prizes) after.

    The code stays the same for ever, so a printed certificate keeps verifying. Usually issued
    already, for everyone at once, when the results were published (``certificates_issue_all``).
    Side effects: a Certificate (created or updated); an audit entry when created.
    Raises: PermissionDeniedError (signed out, did not take part), Conflict (results not released).
    """
    took_part = selectors.participation(actor, sprint)
    _refuse(
        certificate_refusal(actor, sprint, released=selectors.results_released(sprint), took_part=took_part is not None)
    )
    submission = took_part.submission
    facts = _certificate_facts(actor, submission, _award_names(submission) if submission is not None else "")
    certificate, created = Certificate.objects.select_for_update().get_or_create(
        sprint=sprint, user=actor, defaults=facts
    )
    if created:
        record_audit(actor=actor, action="library.certificate_issue", target=certificate, kind=certificate.kind)
    elif any(getattr(certificate, name) != value for name, value in facts.items()):
        for name, value in facts.items():
            setattr(certificate, name, value)
        certificate.save()
    return certificate


CERTIFICATE_INSERT_BATCH = 1000


def certificates_issue_all(*, sprint: Sprint) -> int:
    """Issue the certificate of everyone who took part in ``sprint`` who has none yet; returns how many are new.

    Run by the results task, not by a person (so no actor): a few queries and one insert per
    thousand people, whatever their number. Existing certificates keep their code and facts (each
    is brought up to date when downloaded); a second run adds nothing. A code that happened to be
    taken already leaves that person without one: their first download issues it.
    Side effects: Certificate rows, one batch per transaction; an audit entry.
    """
    people = selectors.participants_of(sprint)
    have = set(Certificate.objects.filter(sprint=sprint).values_list("user_id", flat=True))
    missing = sorted(set(people) - have)
    submission_ids = {people[user_id] for user_id in missing} - {None}
    submissions = Submission.objects.in_bulk(submission_ids)
    awards: dict[int, list[str]] = {}
    for award in Award.objects.filter(submission_id__in=submission_ids).select_related("prize", "track"):
        awards.setdefault(award.submission_id, []).append(award.label)
    users = get_user_model().objects.in_bulk(missing)
    for start in range(0, len(missing), CERTIFICATE_INSERT_BATCH):
        batch = missing[start : start + CERTIFICATE_INSERT_BATCH]
        with transaction.atomic():
            Certificate.objects.bulk_create(
                [
                    Certificate(
                        sprint=sprint,
                        user=users[user_id],
                        **_certificate_facts(
                            users[user_id],
                            submissions.get(people[user_id]),
                            "; ".join(awards.get(people[user_id], []))[:500],
                        ),
                    )
                    for user_id in batch
                    if user_id in users
                ],
                ignore_conflicts=True,
            )
    created = Certificate.objects.filter(sprint=sprint).count() - len(have)
    record_audit(actor=None, action="library.certificates_issue_all", target=sprint, issued=created)
    return created


def _refresh_certificates(submission: Submission) -> None:
    """After an award changed: the project's certificates name its prizes (winner) or none (participation)."""
    award_names = _award_names(submission)
    kind = CertificateKind.WINNER if award_names else CertificateKind.PARTICIPATION
    Certificate.objects.filter(submission=submission).update(
        award_names=award_names, kind=kind, updated_at=timezone.now()
    )
