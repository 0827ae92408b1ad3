"""Organisers' and reviewers' pages: winners and publishing, the info-hazard queue and log, similar projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.library import selectors, services, sources
from sprintlab.library.export import results_export
from sprintlab.library.forms import AwardForm, HazardDecisionForm
from sprintlab.library.models import Award
from sprintlab.library.permissions import may_decide_hazards, may_manage_results
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.submissions.models import Submission


def _submission_of(sprint, pk: int) -> Submission:
    submission = Submission.objects.filter(sprint=sprint, pk=pk, version_count__gt=0).select_related("sprint").first()
    if submission is None:
        raise Http404
    return submission


def results(request, slug: str):
    """The sprint's winners, once released; organisers see the page before too, with a link to manage."""
    sprint = sprint_for_viewer(slug, request.user)
    released = selectors.results_released(sprint)
    manages = request.user.has_perm("library.manage_results", sprint)
    if not (released or manages):
        raise Http404
    return render(
        request,
        "library/results.html",
        {
            "sprint": sprint,
            "released": released,
            "manages": manages,
            "awards": selectors.awards_of(sprint),
            "took_part": selectors.participation(request.user, sprint) if released else None,
        },
    )


def results_json(request, slug: str):
    """The sprint's results as JSON: public once released (public projects only), organisers any time."""
    sprint = sprint_for_viewer(slug, request.user)
    manages = request.user.has_perm("library.manage_results", sprint)
    if not (manages or selectors.results_released(sprint)):
        raise Http404
    response = JsonResponse(results_export(sprint, full=manages), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{sprint.slug}-results.json"'
    return response


@login_required
def manage_results(request, slug: str):
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")
    submissions = list(selectors.submitted(sprint))
    gates = selectors.gates_for(submissions)
    rows = [(submission, gates[submission.pk]) for submission in submissions]
    form = AwardForm(prizes=sprint.prizes.all(), submissions=submissions, tracks=sprint.tracks.all())
    return render(
        request,
        "library/manage_results.html",
        {
            "sprint": sprint,
            "rows": rows,
            "form": form,
            "awards": selectors.awards_of(sprint),
            "released": selectors.results_released(sprint),
            "can_act": may_manage_results(request.user, sprint, now=timezone.now()),
            "ranking": _ranking_rows(sprint, submissions),
        },
    )


def _ranking_rows(sprint, submissions) -> list[tuple[int, object, float]]:
    """(place, submission, calibrated score) from the judges' completed reviews, best first."""
    by_id = {submission.pk: submission for submission in submissions}
    ranked = sources.ranking_for(sprint) or []
    return [(row.rank, by_id[row.submission_id], row.score) for row in ranked if row.submission_id in by_id]


def _run(request, action) -> None:
    try:
        message = action()
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, message)


@login_required
@require_POST
def award_add(request, slug: str):
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")
    submissions = list(selectors.submitted(sprint))
    form = AwardForm(request.POST, prizes=sprint.prizes.all(), submissions=submissions, tracks=sprint.tracks.all())
    if not form.is_valid():
        messages.error(request, _("Choose a prize and a project."))
        return redirect("library:manage_results", slug=sprint.slug)
    data = form.cleaned_data
    prize = sprint.prizes.get(pk=data["prize"])
    track = sprint.tracks.get(pk=data["track"]) if data["track"] else None
    submission = _submission_of(sprint, data["submission"])
    _run(
        request,
        lambda: (
            services.award_grant(actor=request.user, prize=prize, submission=submission, track=track)
            and _("Prize awarded.")
        ),
    )
    return redirect("library:manage_results", slug=sprint.slug)


@login_required
@require_POST
def award_remove(request, slug: str, pk: int):
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")
    award = Award.objects.filter(sprint=sprint, pk=pk).select_related("prize", "submission").first()
    if award is None:
        raise Http404
    _run(request, lambda: services.award_revoke(actor=request.user, award=award) or _("Prize taken back."))
    return redirect("library:manage_results", slug=sprint.slug)


@login_required
@require_POST
def project_publish(request, slug: str, pk: int):
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")
    submission = _submission_of(sprint, pk)
    _run(
        request,
        lambda: services.project_publish(actor=request.user, submission=submission) and _("Published in the library."),
    )
    return redirect("library:manage_results", slug=sprint.slug)


@login_required
@require_POST
def release(request, slug: str):
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")

    def action() -> str:
        summary = services.results_release(actor=request.user, sprint=sprint)
        return _(
            "Results published: %(published)s projects in the library, %(waiting)s waiting for info-hazard review."
        ) % {"published": summary.published, "waiting": summary.awaiting_review}

    _run(request, action)
    return redirect("library:manage_results", slug=sprint.slug)


@login_required
def similar(request, slug: str, pk: int):
    """The earlier sprints' public projects most like this one: possible duplicates or prior work."""
    sprint = sprint_for_manager(slug, request.user, "library.manage_results")
    submission = _submission_of(sprint, pk)
    return render(
        request,
        "library/similar.html",
        {"sprint": sprint, "submission": submission, "matches": selectors.similar_earlier_projects(submission)},
    )


@login_required
def hazard_queue(request, slug: str):
    sprint = sprint_for_manager(slug, request.user, "library.view_hazard_log")
    submissions = list(selectors.submitted(sprint))
    gates = selectors.gates_for(submissions)
    flagged = [(submission, gates[submission.pk]) for submission in submissions if gates[submission.pk].flagged]
    return render(
        request,
        "library/hazard_queue.html",
        {
            "sprint": sprint,
            "flagged": flagged,
            "log": selectors.hazard_log(sprint),
            "can_decide": may_decide_hazards(request.user, sprint, now=timezone.now()),
        },
    )


@login_required
def hazard_decide(request, slug: str, pk: int):
    sprint = sprint_for_manager(slug, request.user, "library.decide_hazards")
    submission = _submission_of(sprint, pk)
    form = HazardDecisionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_decide(actor=request.user, submission=submission, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("library:hazard_queue", slug=sprint.slug)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "library/hazard_decide.html",
        {"sprint": sprint, "submission": submission, "gate": selectors.gate_for(submission), "form": form},
        status=status,
    )
