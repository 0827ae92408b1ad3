"""/api/v1/submissions: a team's submission (multipart upload), its versions and files, a sprint's list.

The same rules as the pages: the team's members save versions until submissions close (409
after), the team, the sprint's organisers and staff (and whoever a registered rule admits) read a
submission and download its files, the organisers list the sprint's submissions and grant
extensions. Uploads are multipart: the body limit is ``UPLOAD_REQUEST_MAX_BYTES`` (413 from the
Content-Length), each file's ``UPLOAD_FILE_MAX_BYTES`` (413 while it arrives).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedLimitOffsetPagination
from sprintlab.core.errors import ServiceError
from sprintlab.core.uploads import upload_refusal
from sprintlab.core.validators import ObjectId
from sprintlab.sprints.models import Sprint, Track
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.submissions import permissions, selectors, services, views_files
from sprintlab.submissions.models import AppendixFile, InfoHazard, Submission, SubmissionVersion

router = Router(tags=["submissions"])
CHANGE_ERRORS = errors(400, 401, 403, 404, 409, 413, 422, 503)
READ_ERRORS = errors(401, 403, 404)


class UploadTooLarge(ServiceError):
    status_code = 413


class SubmissionVersionOut(Schema):
    id: int
    number: int
    title: str
    report_name: str
    report_size: int
    report_pages: int
    report_sha256: str
    report_url: str
    appendices: list[dict] = Field(description="Each appendix: id, name, size and url.")
    processed: bool = Field(description="Whether the text and thumbnail were made (in the background).")
    created_at: datetime
    submitted_by: int | None

    @staticmethod
    def resolve_report_url(version: SubmissionVersion, context) -> str:
        return context["request"].build_absolute_uri(f"/api/v1/submissions/versions/{version.pk}/report")

    @staticmethod
    def resolve_appendices(version: SubmissionVersion, context) -> list[dict]:
        request = context["request"]
        return [
            {"id": row.pk, "name": row.name, "size": row.size,
             "url": request.build_absolute_uri(f"/api/v1/submissions/appendices/{row.pk}")}
            for row in version.appendices.all()
        ]  # fmt: skip

    @staticmethod
    def resolve_processed(version: SubmissionVersion) -> bool:
        return version.processed_at is not None

    @staticmethod
    def resolve_submitted_by(version: SubmissionVersion) -> int | None:
        return version.submitted_by_id


class SubmissionOut(Schema):
    id: int
    sprint: str
    team: int
    team_name: str
    title: str
    abstract: str
    track: int | None
    code_url: str
    video_url: str
    info_hazard: str = Field(description="none, possible or yes.")
    info_hazard_note: str
    version_count: int
    first_submitted_at: datetime | None
    last_submitted_at: datetime | None
    closes_at: datetime = Field(description="When this team's submission locks (deadline, grace, extension).")
    authors: list[int]

    @staticmethod
    def resolve_sprint(submission: Submission) -> str:
        return submission.sprint.slug

    @staticmethod
    def resolve_team(submission: Submission) -> int:
        return submission.team_id

    @staticmethod
    def resolve_team_name(submission: Submission) -> str:
        return submission.team.name

    @staticmethod
    def resolve_track(submission: Submission) -> int | None:
        return submission.track_id

    @staticmethod
    def resolve_closes_at(submission: Submission) -> datetime:
        return permissions.team_closes_at(submission.team)

    @staticmethod
    def resolve_authors(submission: Submission) -> list[int]:
        return [row.user_id for row in submission.author_rows.all()]


class SubmissionSaveIn(Schema):
    title: str = Field(..., max_length=200)
    abstract: str = Field(..., max_length=3000)
    track: ObjectId | None = None
    code_url: str = Field("", max_length=200)
    video_url: str = Field("", max_length=200)
    info_hazard: InfoHazard = InfoHazard.NONE
    info_hazard_note: str = Field("", max_length=3000)


class ExtensionIn(Schema):
    until: datetime | None = Field(description="When the team's submissions lock; null takes the extension back.")
    reason: str = Field("", max_length=300)


class ExtensionOut(Schema):
    team: int
    until: datetime | None
    closes_at: datetime


def _track(sprint: Sprint, track_id: int | None) -> Track | None:
    if track_id is None:
        return None
    track = Track.objects.filter(pk=track_id, sprint=sprint).first()
    if track is None:
        raise ServiceError({"track": [_("The sprint has no track with this id.")]})
    return track


def _visible(request, submission_id: int) -> Submission:
    submission = Submission.objects.select_related("sprint", "team", "track").filter(pk=submission_id).first()
    if submission is None or not permissions.may_view_files(request.auth, submission):
        raise Http404
    submission.team.sprint = submission.sprint
    return submission


@router.get("/sprints/{slug}", auth=write_auth, response={200: list[SubmissionOut], **errors(400, 401, 403, 404, 422)})
@paginate(BoundedLimitOffsetPagination)
def list_submissions(request, slug: str):
    """The sprint's submissions, last saved first (its organisers and staff)."""
    sprint = sprint_for_manager(slug, request.auth, "submissions.manage_submissions")
    return selectors.sprint_submissions(sprint).select_related("sprint").prefetch_related("author_rows")


@router.get("/sprints/{slug}/mine", auth=write_auth, response={200: SubmissionOut, **READ_ERRORS})
def my_submission(request, slug: str):
    """The caller's team's submission in the sprint (404 while there is none)."""
    sprint = sprint_for_viewer(slug, request.auth)
    submission = selectors.submission_of(selectors.team_of(user=request.auth, sprint=sprint))
    if submission is None:
        raise Http404
    submission.sprint = sprint
    return submission


@router.post(
    "/sprints/{slug}/mine", auth=write_auth, response={200: SubmissionOut, 201: SubmissionOut, **CHANGE_ERRORS}
)
def save_submission(
    request,
    slug: str,
    payload: Form[SubmissionSaveIn],
    report: File[UploadedFile] = None,
    appendices: File[list[UploadedFile]] = None,
):
    """Save a new version (multipart/form-data): 201 for the team's first, 200 after.

    ``report`` (a PDF) is required for the first version; without it a later version keeps the
    last report. The caller submits alone, as a team of one, when they are in no team.
    """
    refused = upload_refusal(request)
    if refused:
        raise UploadTooLarge(refused)
    sprint = sprint_for_viewer(slug, request.auth)
    saved = services.submission_save(
        actor=request.auth, sprint=sprint, team=selectors.team_of(user=request.auth, sprint=sprint),
        title=payload.title, abstract=payload.abstract, track=_track(sprint, payload.track),
        code_url=payload.code_url, video_url=payload.video_url, info_hazard=payload.info_hazard,
        info_hazard_note=payload.info_hazard_note, report=report, appendices=appendices or [],
    )  # fmt: skip
    submission = selectors.get_submission(sprint=sprint, submission_id=saved.submission.pk)
    return Status(201 if saved.created else 200, submission)


@router.get("/{int:submission_id}", auth=write_auth, response={200: SubmissionOut, **READ_ERRORS})
def get_submission(request, submission_id: int):
    """One submission (its team, the sprint's organisers, staff, and those a registered rule admits)."""
    return _visible(request, submission_id)


@router.get("/{int:submission_id}/versions", auth=write_auth, response={200: list[SubmissionVersionOut], **READ_ERRORS})
def list_versions(request, submission_id: int):
    """Every version, newest first (the first one counts)."""
    return selectors.versions(_visible(request, submission_id))


@router.get("/versions/{int:version_id}/report", auth=write_auth, response={200: None, **READ_ERRORS})
def download_report(request, version_id: int):
    """The version's PDF, as a download."""
    version = SubmissionVersion.objects.select_related("submission__sprint", "submission__team").filter(pk=version_id)
    version = version.first()
    if version is None or not permissions.may_view_files(request.auth, version.submission):
        raise Http404
    return views_files.report_response(version)


@router.get("/appendices/{int:appendix_id}", auth=write_auth, response={200: None, **READ_ERRORS})
def download_appendix(request, appendix_id: int):
    """An appendix file, as a download (application/octet-stream)."""
    appendix = AppendixFile.objects.select_related("version__submission__sprint", "version__submission__team")
    appendix = appendix.filter(pk=appendix_id).first()
    if appendix is None or not permissions.may_view_files(request.auth, appendix.version.submission):
        raise Http404
    return views_files.appendix_response(appendix)


@router.put(
    "/sprints/{slug}/teams/{int:team_id}/extension", auth=write_auth, response={200: ExtensionOut, **CHANGE_ERRORS}
)
def grant_extension(request, slug: str, team_id: int, payload: ExtensionIn):
    """Give one team until ``until`` to submit, or take its extension back (organisers, staff)."""
    sprint = sprint_for_viewer(slug, request.auth)
    team = selectors.get_team(sprint=sprint, team_id=team_id)
    extension = services.submission_extension_grant(
        actor=request.auth, team=team, until=payload.until, reason=payload.reason
    )
    team.deadline_extension_cache = extension
    return {
        "team": team.pk,
        "until": extension.until if extension else None,
        "closes_at": permissions.team_closes_at(team),
    }
