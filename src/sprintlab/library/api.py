"""/api/v1: the project library, project details and citations, results, winners, the info-hazard gate, certificates.

Reads are public where the page is (published projects, released results, certificate checks);
writes take a token or the browser session and run the same services as the pages.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedPageNumberPagination
from sprintlab.core.validators import ObjectId
from sprintlab.library import selectors, services
from sprintlab.library.citation import bibtex_for
from sprintlab.library.export import results_export
from sprintlab.library.forms import YEAR_MAX, YEAR_MIN
from sprintlab.library.models import Award, Publication
from sprintlab.library.pdf import certificate_response
from sprintlab.sprints.models import ResearchArea
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.submissions.models import Submission

router = Router(tags=["library"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422, 503)


class LibraryProjectOut(Schema):
    id: int = Field(description="The project's id (its submission's), as in /library/<id>/.")
    title: str
    abstract: str
    sprint: str
    sprint_title: str
    research_area: str
    year: int
    track: str | None
    site: str | None
    awards: str = Field(description="The prizes it won, separated by semicolons; empty when none.")
    redacted: bool
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_id(obj: Publication) -> int:
        return obj.submission_id

    @staticmethod
    def resolve_sprint(obj: Publication) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_sprint_title(obj: Publication) -> str:
        return obj.sprint.title

    @staticmethod
    def resolve_track(obj: Publication) -> str | None:
        return obj.track.name if obj.track_id else None

    @staticmethod
    def resolve_site(obj: Publication) -> str | None:
        return obj.site.name if obj.site_id else None

    @staticmethod
    def resolve_awards(obj: Publication) -> str:
        return obj.award_names

    @staticmethod
    def resolve_url(obj: Publication) -> str:
        return reverse("library:project", kwargs={"pk": obj.submission_id})


class LibrarySearchQuery(Schema):
    q: str = Field("", max_length=selectors.SEARCH_MAX_LENGTH, description="Words in the title, abstract or text.")
    sprint: str = Field("", max_length=100, description="A sprint's slug.")
    area: ResearchArea | None = None
    track: str = Field("", max_length=150, description="A track's name (any sprint's track of that name).")
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    site: str = Field("", max_length=100, description="A local site's slug.")
    awarded: bool = Field(False, description="Award winners only.")


class LibraryAuthorOut(Schema):
    id: int
    name: str
    profile_url: str


class LibraryProjectDetailOut(Schema):
    id: int
    title: str
    abstract: str
    sprint: str
    team: str
    track: str | None
    authors: list[LibraryAuthorOut]
    awards: list[str]
    published: bool
    status: Literal["published", "private", "withdrawn", "unpublished"]
    redacted: bool
    redaction_note: str
    report_url: str | None = Field(description="The PDF this caller may download, if any.")
    bibtex: str | None


class BibtexOut(Schema):
    bibtex: str


class SimilarProjectOut(Schema):
    id: int
    title: str
    sprint: str
    similarity_percent: int


class HazardDecisionIn(Schema):
    decision: Literal["publish", "redact", "private"]
    reason: str = Field(..., max_length=3000)
    redacted_abstract: str = Field("", max_length=3000)
    redacted_text: str = Field("", max_length=500_000)
    redaction_note: str = Field("", max_length=1000)


class HazardDecisionOut(Schema):
    id: int
    project: int
    decision: str
    reason: str
    redacted: bool
    decided_by: str | None
    decided_at: datetime

    @staticmethod
    def resolve_project(obj) -> int:
        return obj.submission_id

    @staticmethod
    def resolve_redacted(obj) -> bool:
        return obj.decision == "redact"

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.display_name if obj.decided_by_id else None


class PublicationOut(Schema):
    project: int
    status: str
    redacted: bool
    published_at: datetime | None

    @staticmethod
    def resolve_project(obj: Publication) -> int:
        return obj.submission_id


class AwardIn(Schema):
    prize: ObjectId
    project: ObjectId
    track: ObjectId | None = None


class AwardOut(Schema):
    id: int
    prize: str
    amount: str
    track: str | None
    project: int

    @staticmethod
    def resolve_prize(obj: Award) -> str:
        return obj.prize.name

    @staticmethod
    def resolve_amount(obj: Award) -> str:
        return obj.prize.amount

    @staticmethod
    def resolve_track(obj: Award) -> str | None:
        return obj.track.name if obj.track_id else None

    @staticmethod
    def resolve_project(obj: Award) -> int:
        return obj.submission_id


class ReleaseOut(Schema):
    published: int
    awaiting_review: int
    kept_private: int


class CertificateCheckOut(Schema):
    code: str
    holder_name: str
    sprint: str
    sprint_title: str
    kind: str
    awards: str
    issued_at: datetime


class MyCertificateOut(Schema):
    sprint: str
    sprint_title: str
    code: str | None = Field(description="Null until the certificate is issued (its first download issues it).")
    kind: str | None = Field(description="participation or winner; null until issued.")
    holder_name: str | None
    project_title: str | None
    awards: str | None = Field(description="The prizes it names, separated by semicolons.")
    issued_at: datetime | None
    download_url: str = Field(description="The PDF (this API, with your token).")
    page_download_url: str = Field(description="The PDF from the site, for a signed-in browser.")
    verify_url: str | None = Field(description="Where anyone checks it; null until issued.")


# --- The library ---------------------------------------------------------------------------------


@router.get(
    "/library/projects", response={200: list[LibraryProjectOut], **errors(400, 422)}, summary="Search the library"
)
@paginate(BoundedPageNumberPagination, page_size=20)
def search_projects(request, filters: Query[LibrarySearchQuery]):
    """Published projects, best match first when ``q`` is given (newest first otherwise)."""
    return selectors.library_projects(
        selectors.LibraryFilters(
            query=" ".join(filters.q.split()),
            sprint=filters.sprint,
            area=str(filters.area) if filters.area else "",
            track_name=filters.track.strip(),
            year=filters.year,
            site_slug=filters.site.strip(),
            awarded=filters.awarded,
        )
    )


@router.get("/library/projects/{int:project_id}", response={200: LibraryProjectDetailOut, **errors(404)})
def project_detail(request, project_id: int):
    """A published project; its team, organisers and reviewers also read it unpublished."""
    user = viewer(request)
    project = selectors.project_for_viewer(project_id, user)
    submission, publication = project.submission, project.publication
    public_file = selectors.public_report_file(project)
    report_url = reverse("library:report", kwargs={"pk": submission.pk})
    may_see_original = not project.is_public and user.has_perm("library.view_unpublished_project", submission)
    return {
        "id": submission.pk,
        "title": project.title,
        "abstract": project.abstract,
        "sprint": submission.sprint.slug,
        "team": submission.team.name,
        "track": submission.track.name if submission.track_id else None,
        "authors": [
            {
                "id": row.user_id,
                "name": row.user.display_name,
                "profile_url": reverse("accounts:public_profile", kwargs={"pk": row.user_id}),
            }
            for row in selectors.authors(submission)
        ],
        "awards": [award.label for award in submission.awards.select_related("prize", "track")],
        "published": project.is_public,
        "status": publication.status if publication else "unpublished",
        "redacted": bool(project.is_public and publication.redacted),
        "redaction_note": publication.redaction_note if project.is_public else "",
        "report_url": report_url if (public_file is not None or may_see_original) else None,
        "bibtex": bibtex_for(request, project) if project.is_public else None,
    }


@router.get("/library/projects/{int:project_id}/bibtex", response={200: BibtexOut, **errors(404)})
def project_bibtex(request, project_id: int):
    project = selectors.project_for_viewer(project_id, viewer(request))
    if not project.is_public:
        raise Http404
    return {"bibtex": bibtex_for(request, project)}


def _submission_for(request, project_id: int) -> Submission:
    """A project the caller may see (404 otherwise), for the writes below."""
    return selectors.project_for_viewer(project_id, request.auth).submission


@router.get(
    "/library/projects/{int:project_id}/similar",
    auth=write_auth,
    response={200: list[SimilarProjectOut], **errors(401, 403, 404)},
)
def similar_projects(request, project_id: int):
    """The sprint's organisers: the five public projects of earlier sprints most like this one."""
    submission = _submission_for(request, project_id)
    if not request.auth.has_perm("library.manage_results", submission.sprint):
        raise PermissionDenied("Only the sprint's organisers compare its projects with earlier ones.")
    return [
        {"id": publication.submission_id, "title": publication.title, "sprint": publication.sprint.slug,
         "similarity_percent": match.percent}
        for publication, match in selectors.similar_earlier_projects(submission)
    ]  # fmt: skip


@router.post(
    "/library/projects/{int:project_id}/publish", auth=write_auth, response={200: PublicationOut, **WRITE_ERRORS}
)
def publish_project(request, project_id: int):
    return services.project_publish(actor=request.auth, submission=_submission_for(request, project_id))


@router.post(
    "/library/projects/{int:project_id}/hazard-decisions",
    auth=write_auth,
    response={201: HazardDecisionOut, **WRITE_ERRORS},
)
def decide_hazard(request, project_id: int, payload: HazardDecisionIn):
    """An info-hazard reviewer's decision (a redacted PDF is uploaded on the page, not here)."""
    decision = services.hazard_decide(
        actor=request.auth, submission=_submission_for(request, project_id), **payload.dict()
    )
    return Status(201, decision)


@router.get(
    "/sprints/{slug}/hazard-decisions",
    auth=write_auth,
    response={200: list[HazardDecisionOut], **errors(401, 403, 404)},
)
def hazard_decisions(request, slug: str):
    """The sprint's decision log, newest first: its organisers and info-hazard reviewers."""
    sprint = sprint_for_viewer(slug, request.auth)
    if not request.auth.has_perm("library.view_hazard_log", sprint):
        raise PermissionDenied("Only the sprint's organisers and info-hazard reviewers read this log.")
    return list(selectors.hazard_log(sprint))


# --- Results and winners ---------------------------------------------------------------------------


@router.get("/sprints/{slug}/results", response={200: dict, **errors(404)}, summary="A sprint's results (JSON export)")
def sprint_results(request, slug: str):
    """Public once released (public projects only); the sprint's organisers see every project any time."""
    user = viewer(request)
    sprint = sprint_for_viewer(slug, user)
    manages = user.has_perm("library.manage_results", sprint)
    if not (manages or selectors.results_released(sprint)):
        raise Http404
    return results_export(sprint, full=manages)


@router.post("/sprints/{slug}/results/release", auth=write_auth, response={200: ReleaseOut, **WRITE_ERRORS})
def release_results(request, slug: str):
    return services.results_release(actor=request.auth, sprint=sprint_for_viewer(slug, request.auth))


@router.get("/sprints/{slug}/awards", response={200: list[AwardOut], **errors(404)})
def list_awards(request, slug: str):
    user = viewer(request)
    sprint = sprint_for_viewer(slug, user)
    if not (user.has_perm("library.manage_results", sprint) or selectors.results_released(sprint)):
        raise Http404
    return list(selectors.awards_of(sprint))


@router.post("/sprints/{slug}/awards", auth=write_auth, response={201: AwardOut, **WRITE_ERRORS})
def add_award(request, slug: str, payload: AwardIn):
    sprint = sprint_for_viewer(slug, request.auth)
    prize = sprint.prizes.filter(pk=payload.prize).first()
    submission = Submission.objects.filter(sprint=sprint, pk=payload.project).first()
    track = sprint.tracks.filter(pk=payload.track).first() if payload.track else None
    if prize is None or submission is None or (payload.track and track is None):
        raise Http404
    return Status(201, services.award_grant(actor=request.auth, prize=prize, submission=submission, track=track))


@router.delete("/sprints/{slug}/awards/{int:award_id}", auth=write_auth, response={204: None, **WRITE_ERRORS})
def remove_award(request, slug: str, award_id: int):
    sprint = sprint_for_viewer(slug, request.auth)
    award = Award.objects.filter(sprint=sprint, pk=award_id).select_related("prize", "submission").first()
    if award is None:
        raise Http404
    services.award_revoke(actor=request.auth, award=award)
    return Status(204, None)


# --- Certificates ----------------------------------------------------------------------------------


def _my_certificate(request, entry: selectors.CertificateEntry) -> dict:
    certificate, sprint = entry.certificate, entry.sprint
    return {
        "sprint": sprint.slug,
        "sprint_title": sprint.title,
        "code": certificate.code if certificate else None,
        "kind": certificate.kind if certificate else None,
        "holder_name": certificate.holder_name if certificate else None,
        "project_title": certificate.project_title if certificate else None,
        "awards": certificate.award_names if certificate else None,
        "issued_at": certificate.issued_at if certificate else None,
        "download_url": request.build_absolute_uri(reverse("api:my_certificate_pdf", kwargs={"slug": sprint.slug})),
        "page_download_url": request.build_absolute_uri(reverse("library:certificate", kwargs={"slug": sprint.slug})),
        "verify_url": request.build_absolute_uri(reverse("library:verify", kwargs={"code": certificate.code}))
        if certificate
        else None,
    }


@router.get(
    "/me/certificates",
    auth=write_auth,
    response={200: list[MyCertificateOut], **errors(401, 403)},
    summary="My certificates",
)
def my_certificates(request):
    """A certificate for every sprint whose results are out and that you took part in, newest first."""
    return [_my_certificate(request, entry) for entry in selectors.certificate_entries(request.auth)]


@router.get(
    "/me/certificates/{slug}/pdf",
    auth=write_auth,
    response={200: None, **errors(401, 403, 404, 409)},
    url_name="my_certificate_pdf",
    summary="Download my certificate (PDF)",
)
def my_certificate_pdf(request, slug: str):
    """Your own certificate of the sprint as a PDF (issued now if it was not yet; its code never changes)."""
    certificate = services.certificate_issue(actor=request.auth, sprint=sprint_for_viewer(slug, request.auth))
    return certificate_response(request, certificate)


@router.get("/certificates/{code}", response={200: CertificateCheckOut, **errors(404)}, summary="Check a certificate")
def check_certificate(request, code: str):
    certificate = selectors.certificate_by_code(code)
    return {
        "code": certificate.code,
        "holder_name": certificate.holder_name,
        "sprint": certificate.sprint.slug,
        "sprint_title": certificate.sprint.title,
        "kind": certificate.kind,
        "awards": certificate.award_names,
        "issued_at": certificate.issued_at,
    }
