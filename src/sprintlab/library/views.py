"""The public library, project pages, files, citations, certificates and a team's own results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sprintlab.core.errors import ServiceError
from sprintlab.library import selectors, services, sources
from sprintlab.library.citation import bibtex_for
from sprintlab.library.forms import LibrarySearchForm
from sprintlab.library.models import PublicationStatus
from sprintlab.library.pdf import certificate_response
from sprintlab.library.permissions import is_on_project, may_manage_results
from sprintlab.sprints.models import ResearchArea
from sprintlab.sprints.selectors import sprint_for_viewer

PROJECTS_PER_PAGE = 20
RESULTS_TARGET = "library-results"


def file_download(file, filename: str) -> FileResponse:
    """A stored PDF as a download: never rendered in the page, never sniffed into something that runs."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def library(request):
    form = LibrarySearchForm(request.GET)
    filters = form.filters()
    projects = selectors.library_projects(filters)
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "choices": selectors.library_choices(filters.sprint),
        "areas": ResearchArea.choices,
        "query_max_length": selectors.SEARCH_MAX_LENGTH,
    }
    if request.htmx and request.htmx.target == RESULTS_TARGET and not request.htmx.history_restore_request:
        return render(request, "library/library.html#results", context)
    return render(request, "library/library.html", context)


def project_page(request, pk: int):
    project = selectors.project_for_viewer(pk, request.user)
    submission = project.submission
    now = timezone.now()
    on_project = is_on_project(request.user, submission)
    manages = may_manage_results(request.user, submission.sprint, now=now)
    public_file = selectors.public_report_file(project)
    context = {
        "project": project,
        "submission": submission,
        "sprint": submission.sprint,
        "authors": selectors.authors(submission),
        "awards": list(submission.awards.select_related("prize", "track")),
        "version": selectors.latest_version(submission),
        "has_public_pdf": public_file is not None,
        # The team, organisers and reviewers get the original PDF, also before it is published.
        "has_private_pdf": not project.is_public
        and request.user.has_perm("library.view_unpublished_project", submission),
        "bibtex": bibtex_for(request, project) if project.is_public else "",
        "report_text": project.publication.text if project.is_public else submission.report_text,
        "kept_private": project.publication is not None and project.publication.status == PublicationStatus.PRIVATE,
        "withdrawn": project.publication is not None and project.publication.status == PublicationStatus.WITHDRAWN,
        "shows_feedback": on_project and selectors.results_released(submission.sprint),
        "shows_similar": manages,
        "can_review": request.user.has_perm("library.decide_hazards", submission.sprint),
    }
    return render(request, "library/project.html", context)


@require_GET
def project_bibtex(request, pk: int):
    project = selectors.project_for_viewer(pk, request.user)
    if not project.is_public:
        raise Http404
    response = HttpResponse(bibtex_for(request, project), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="project-{pk}.bib"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def project_report(request, pk: int):
    """The public PDF (the redacted one where a reviewer redacted), or the original for those allowed."""
    project = selectors.project_for_viewer(pk, request.user)
    public_file = selectors.public_report_file(project)
    if public_file is not None:
        return file_download(public_file, f"project-{pk}.pdf")
    if project.is_public or not request.user.has_perm("library.view_unpublished_project", project.submission):
        raise Http404
    version = selectors.latest_version(project.submission)
    if version is None or not version.report:
        raise Http404
    return file_download(version.report, f"project-{pk}-unpublished.pdf")


@login_required
def project_feedback(request, pk: int):
    """The team's scores per criterion and the judges' feedback, judges anonymous, once results are out."""
    project = selectors.project_for_viewer(pk, request.user)
    submission = project.submission
    if not is_on_project(request.user, submission):
        raise PermissionDenied
    released = selectors.results_released(submission.sprint)
    reviews = sources.team_reviews(submission) if released else []
    return render(
        request,
        "library/feedback.html",
        {"project": project, "submission": submission, "released": released, "reviews": reviews},
    )


def verify_certificate(request, code: str):
    try:
        certificate = selectors.certificate_by_code(code)
    except Http404:
        # Said plainly, with the form to try again: a mistyped code is the usual cause.
        shown = "".join(character for character in code if character.isalnum())[:16].upper()
        return render(request, "library/verify.html", {"certificate": None, "unknown_code": shown}, status=404)
    # A project kept private is not named, not even on its authors' certificates' public page.
    project = getattr(certificate.submission, "publication", None) if certificate.submission_id else None
    project_is_public = project is not None and project.is_public
    return render(
        request,
        "library/verify.html",
        {"certificate": certificate, "project": project if project_is_public else None},
    )


def verify_lookup(request):
    """The form on the verification page: go to the page of the code typed."""
    code = "".join(character for character in request.GET.get("code", "") if character.isalnum())[:16]
    if code:
        return redirect("library:verify", code=code.upper())
    return render(request, "library/verify.html", {"certificate": None})


@login_required
def certificate_download(request, slug: str):
    """The signed-in person's own certificate of the sprint: there is no way to ask for someone else's."""
    sprint = sprint_for_viewer(slug, request.user)
    try:
        certificate = services.certificate_issue(actor=request.user, sprint=sprint)
    except ServiceError as exc:
        return render(
            request, "library/certificate_refused.html", {"sprint": sprint, "error": exc}, status=exc.status_code
        )
    return certificate_response(request, certificate)


@login_required
def my_feedback(request, slug: str):
    """The link in the results email: the person's project's scores and feedback (the page of
    ``/library/<id>/feedback/``), else a redirect to the results."""
    sprint = sprint_for_viewer(slug, request.user)
    took_part = selectors.participation(request.user, sprint)
    if took_part is not None and took_part.submission is not None:
        return project_feedback(request, pk=took_part.submission.pk)
    return redirect("library:results", slug=sprint.slug)
