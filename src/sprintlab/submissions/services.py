"""Writes for a sprint's submissions: save a version, extend a team's deadline, sweep orphaned files.

A save checks the files first (``pdf``), then stores them under random names — network I/O on
object storage, so outside any transaction — and only then opens the transaction: locks in the
project's order (the sprint, the team, the submission), asks ``permissions.submit_refusal`` again
with the time read under the locks, writes the version and copies it onto the submission. A save
refused or failed at that point deletes the files it stored; ``orphaned_files_sweep`` removes
whatever a killed process left behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.core.validators import datetime_in_window
from sprintlab.sprints.models import Sprint, Track
from sprintlab.submissions import pdf
from sprintlab.submissions.models import (
    AppendixFile,
    DeadlineExtension,
    InfoHazard,
    Submission,
    SubmissionAuthor,
    SubmissionVersion,
    appendix_upload_to,
    private_storage,
    report_upload_to,
)
from sprintlab.submissions.permissions import extension_refusal, solo_submit_refusal, submit_refusal
from sprintlab.submissions.signals import info_hazard_flagged
from sprintlab.teams import locks
from sprintlab.teams.models import Team, TeamMember
from sprintlab.teams.services import team_form_solo

logger = logging.getLogger(__name__)

MAX_APPENDICES = 5
TITLE_MAX = Submission._meta.get_field("title").max_length
TEXT_MAX = Submission._meta.get_field("abstract").max_length
NAME_MAX = SubmissionVersion._meta.get_field("report_name").max_length
URL_MAX = Submission._meta.get_field("code_url").max_length
REASON_MAX = DeadlineExtension._meta.get_field("reason").max_length
# A file in storage that no row names, older than this, was left by a save that never committed.
ORPHAN_AGE = timedelta(hours=6)


def _raise(refusal: ServiceError | None) -> None:
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class SubmissionSaved:
    submission: Submission
    version: SubmissionVersion
    created: bool


def _clean_url(value: str, field: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors[field] = [_("Enter a full web address starting with https://.")]
    if len(value) > URL_MAX:
        errors[field] = [_("Keep the address under %(limit)d characters.") % {"limit": URL_MAX}]
    return value


def _clean_fields(
    *, sprint: Sprint, title, abstract, track, code_url, video_url, info_hazard, info_hazard_note
) -> dict:
    """The version's text fields, stripped and checked; ServiceError per field otherwise."""
    texts = [("title", title or ""), ("abstract", abstract or ""), ("code_url", code_url or ""),
             ("video_url", video_url or ""), ("info_hazard_note", info_hazard_note or "")]  # fmt: skip
    errors = unstorable_text_errors(texts)
    if errors:
        raise ServiceError(errors)
    values = {
        "title": " ".join((title or "").split()),
        "abstract": (abstract or "").strip(),
        "info_hazard": info_hazard or "",
        "info_hazard_note": (info_hazard_note or "").strip(),
        "track": track,
    }
    if not values["title"]:
        errors["title"] = [_("Give the project a title.")]
    elif len(values["title"]) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(limit)d characters.") % {"limit": TITLE_MAX}]
    if not values["abstract"]:
        errors["abstract"] = [_("Write a short abstract.")]
    for field in ("abstract", "info_hazard_note"):
        if len(values[field]) > TEXT_MAX:
            errors[field] = [_("Keep this under %(limit)d characters.") % {"limit": TEXT_MAX}]
    if values["info_hazard"] not in InfoHazard.values:
        errors["info_hazard"] = [_("Say whether publishing this could be hazardous: no, possibly or yes.")]
    elif values["info_hazard"] != InfoHazard.NONE and not values["info_hazard_note"]:
        errors["info_hazard_note"] = [_("Explain what could be hazardous, so that the organisers can decide.")]
    if track is not None and track.sprint_id != sprint.pk:
        errors["track"] = [_("This track belongs to another sprint.")]
    values["code_url"] = _clean_url(code_url, "code_url", errors)
    values["video_url"] = _clean_url(video_url, "video_url", errors)
    if errors:
        raise ServiceError(errors)
    return values


def _file_name(upload) -> str:
    name = str(getattr(upload, "name", "") or "report.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    return pdf.storable(name).strip()[-NAME_MAX:] or "file"


def _check_appendices(appendices) -> None:
    if len(appendices) > MAX_APPENDICES:
        raise ServiceError({"appendices": [_("Attach at most %(limit)d files.") % {"limit": MAX_APPENDICES}]})
    for upload in appendices:
        pdf.check_size(upload, "appendices")


def _store(upload, name: str) -> str:
    upload.seek(0)
    return private_storage().save(name, upload)


def _delete_stored(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # the sweep removes it later
            logger.warning("Could not delete the refused upload %s", name)


# The team's answers that hold a project back until an info-hazard reviewer decides.
FLAGGED_HAZARDS = (InfoHazard.POSSIBLE, InfoHazard.YES)


def _pre_check(*, actor, team: Team | None, sprint: Sprint) -> None:
    """The refusal before any file is stored (it is asked again under the locks)."""
    now = timezone.now()
    _raise(submit_refusal(actor, team, now=now) if team is not None else solo_submit_refusal(actor, sprint, now=now))


def submission_save(*, actor, sprint: Sprint, team: Team | None, title: str, abstract: str, report,
                    track: Track | None = None, code_url: str = "", video_url: str = "",
                    info_hazard: str = InfoHazard.NONE, info_hazard_note: str = "",
                    appendices=()) -> SubmissionSaved:  # fmt: skip
    """Save a new version of ``team``'s submission to ``sprint``; with ``team=None`` the actor submits
    alone and becomes a team of one (``teams.services.team_form_solo``).

    ``report`` and ``appendices`` are uploaded files; the report must be a readable PDF
    (``pdf.check_report``). It is required for the first version; a later save without one keeps
    the latest version's report (and, when no appendices are given, its appendices). Every save
    is a new version; the submission row copies it.
    Side effects: the files in private storage; a SubmissionVersion (and AppendixFiles); the
    Submission created or updated with the version's fields and the team's members as authors;
    for a solo submitter their team; an audit entry; the text and thumbnail task enqueued on commit.
    Raises: PermissionDeniedError (not in the team, no confirmed registration), Conflict (before
    kickoff, after the deadline plus grace or extension, disbanded team), ServiceError per field
    (title, abstract, links, info-hazard, report, appendices). Nothing is kept when it raises.
    """
    values = _clean_fields(
        sprint=sprint, title=title, abstract=abstract, track=track, code_url=code_url, video_url=video_url,
        info_hazard=info_hazard, info_hazard_note=info_hazard_note,
    )  # fmt: skip
    if team is not None and team.sprint_id != sprint.pk:
        raise ServiceError({"team": [_("This team belongs to another sprint.")]})
    _pre_check(actor=actor, team=team, sprint=sprint)
    if report is None and (team is None or not SubmissionVersion.objects.filter(submission__team=team).exists()):
        raise ServiceError({"report": [_("Attach your report as a PDF.")]})
    appendices = list(appendices or [])
    facts = pdf.check_report(report) if report is not None else None
    _check_appendices(appendices)
    stored: list[str] = []
    try:
        new_report = None
        if report is not None:
            stored.append(_store(report, report_upload_to(None, "")))
            new_report = NewReport(name=stored[0], original_name=_file_name(report), facts=facts)
        stored_appendices = []
        for upload in appendices:
            name = _store(upload, appendix_upload_to(None, ""))
            stored.append(name)
            stored_appendices.append((name, _file_name(upload), upload.size))
        saved = _save_version(
            actor=actor, sprint=sprint, team=team, values=values, report=new_report, appendices=stored_appendices
        )
    except BaseException:
        _delete_stored(stored)
        raise
    return saved


def _authors(team: Team) -> list[int]:
    return list(TeamMember.objects.filter(team=team).order_by("joined_at", "id").values_list("user_id", flat=True))


@dataclass(frozen=True)
class NewReport:
    name: str
    original_name: str
    facts: pdf.ReportFacts


def _previous_files(submission: Submission | None, report: NewReport | None, appendices: list) -> tuple[dict, list]:
    """The new version's report fields and appendices: the uploaded ones, else the latest version's."""
    latest = submission.versions.order_by("-number").first() if submission is not None else None
    if report is not None:
        fields = {"report": report.name, "report_name": report.original_name, "report_size": report.facts.size,
                  "report_sha256": report.facts.sha256, "report_pages": report.facts.pages}  # fmt: skip
    elif latest is None:
        raise ServiceError({"report": [_("Attach your report as a PDF.")]})
    else:
        fields = {"report": latest.report.name, "report_name": latest.report_name, "report_size": latest.report_size,
                  "report_sha256": latest.report_sha256, "report_pages": latest.report_pages,
                  "report_text": latest.report_text, "thumbnail": latest.thumbnail.name,
                  "processed_at": latest.processed_at}  # fmt: skip
    if not appendices and latest is not None:
        appendices = [(row.file.name, row.name, row.size) for row in latest.appendices.all()]
    return fields, appendices


@retry_on_conflict
@transaction.atomic
def _save_version(*, actor, sprint, team, values, report: NewReport | None, appendices) -> SubmissionSaved:
    if team is None:
        team = team_form_solo(actor=actor, sprint=sprint)
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(submit_refusal(actor, team, now=now))
    submission = Submission.objects.select_for_update().filter(team=team).first()
    report_fields, appendices = _previous_files(submission, report, appendices)
    created = submission is None
    if created:
        submission = Submission(sprint=team.sprint, team=team, first_submitted_at=now)
    extension = DeadlineExtension.objects.filter(team=team).first()
    submission.extended_until = extension.until if extension else None
    was_flagged = not created and submission.info_hazard in FLAGGED_HAZARDS
    for field, value in values.items():
        setattr(submission, field, value)
    submission.version_count += 1
    submission.last_submitted_at = now
    # The previous report's text stays until the new one's is extracted: search keeps working.
    submission.save()
    version = SubmissionVersion.objects.create(
        submission=submission, number=submission.version_count, submitted_by=actor, **report_fields, **values
    )
    AppendixFile.objects.bulk_create(
        AppendixFile(version=version, file=name, name=label, size=size) for name, label, size in appendices
    )
    SubmissionAuthor.objects.filter(submission=submission).delete()
    SubmissionAuthor.objects.bulk_create(
        SubmissionAuthor(submission=submission, user_id=user_id, position=position)
        for position, user_id in enumerate(_authors(team))
    )
    record_audit(
        actor=actor, action="submission.save", target=submission, version=version.number,
        sha256=version.report_sha256, pages=version.report_pages, size=version.report_size, new_report=bool(report),
    )  # fmt: skip
    if submission.info_hazard in FLAGGED_HAZARDS and not was_flagged:
        info_hazard_flagged.send(sender=Submission, submission=submission, actor=actor, source="team")
    if report is not None:
        transaction.on_commit(lambda: _enqueue_processing(version.pk))
    return SubmissionSaved(submission=submission, version=version, created=created)


def _enqueue_processing(version_id: int) -> None:
    from sprintlab.submissions.tasks import process_version

    process_version.enqueue(version_id)


@retry_on_conflict
@transaction.atomic
def submission_extension_grant(
    *, actor, team: Team, until: datetime | None, reason: str = ""
) -> DeadlineExtension | None:
    """Give ``team`` until ``until`` to submit (an organiser or staff); ``until=None`` takes it back.

    Side effects: the team's DeadlineExtension created, changed or deleted; its submission's
    ``extended_until``; an audit entry.
    Raises: PermissionDeniedError (not an organiser of the sprint or staff), Conflict (judging
    over, disbanded team), ServiceError (``until`` not after the deadline, after judging ends,
    outside the accepted years; reason too long).
    """
    team = locks.lock_team(team)
    sprint = team.sprint
    _raise(extension_refusal(actor, team, now=timezone.now()))
    reason = (reason or "").strip()
    errors = unstorable_text_errors([("reason", reason)])
    if not errors and len(reason) > REASON_MAX:
        errors["reason"] = [_("Keep the reason under %(limit)d characters.") % {"limit": REASON_MAX}]
    if until is not None:
        if not datetime_in_window(until):
            errors["until"] = [_("Choose a time between the years 2000 and 2099.")]
        elif until <= sprint.submission_deadline_at:
            errors["until"] = [_("An extension ends after the submission deadline.")]
        elif until > sprint.judging_ends_at:
            errors["until"] = [_("An extension ends before judging ends.")]
    if errors:
        raise ServiceError(errors)
    submission = Submission.objects.select_for_update().filter(team=team).first()
    if until is None:
        DeadlineExtension.objects.filter(team=team).delete()
        extension = None
    else:
        extension, _created = DeadlineExtension.objects.update_or_create(
            team=team, defaults={"until": until, "reason": reason, "granted_by": actor}
        )
    if submission is not None:
        submission.extended_until = until
        submission.save(update_fields=["extended_until", "updated_at"])
    record_audit(
        actor=actor, action="submission.extension", target=team, until=until.isoformat() if until else None,
        reason=reason,
    )  # fmt: skip
    return extension


def version_processed(*, version_id: int, text: str, thumbnail: bytes | None) -> SubmissionVersion | None:
    """Store what the background task made of a version's report (its text and thumbnail).

    The thumbnail file is stored before the transaction; the submission takes the text only when
    this is still its latest version.
    """
    thumbnail_name = ""
    if thumbnail:
        from django.core.files.base import ContentFile

        from sprintlab.submissions.models import thumbnail_upload_to

        thumbnail_name = private_storage().save(thumbnail_upload_to(None, ""), ContentFile(thumbnail))
    try:
        return _record_processed(version_id=version_id, text=text, thumbnail_name=thumbnail_name)
    except BaseException:
        if thumbnail_name:
            _delete_stored([thumbnail_name])
        raise


@retry_on_conflict
@transaction.atomic
def _record_processed(*, version_id: int, text: str, thumbnail_name: str) -> SubmissionVersion | None:
    version = SubmissionVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        return None
    version.report_text = text
    if thumbnail_name:
        version.thumbnail = thumbnail_name
    version.processed_at = timezone.now()
    version.save(update_fields=["report_text", "thumbnail", "processed_at"])
    Submission.objects.filter(pk=version.submission_id, version_count=version.number).update(report_text=text)
    return version


def orphaned_files_sweep(*, older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete stored submission files that no row names and that are older than ``older_than``.

    A save whose process died between storing its files and committing leaves them behind; a
    refused save deletes its own. Returns how many files were deleted.
    """
    storage = private_storage()
    known = set(SubmissionVersion.objects.values_list("report", flat=True))
    known |= set(SubmissionVersion.objects.exclude(thumbnail="").values_list("thumbnail", flat=True))
    known |= set(AppendixFile.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    deleted = 0
    for folder in ("submissions/reports", "submissions/appendices", "submissions/thumbnails"):
        try:
            _dirs, files = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for file_name in files:
            name = f"{folder}/{file_name}"
            if name in known:
                continue
            try:
                if storage.get_modified_time(name) > cutoff:
                    continue
            except (OSError, NotImplementedError):
                continue
            storage.delete(name)
            deleted += 1
    return deleted
