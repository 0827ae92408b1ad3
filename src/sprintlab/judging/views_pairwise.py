"""Pairwise mode's page for judges (docs/judging.md, "Pairwise mode"): two submissions side by side
(stacked on a phone) and two big buttons; each answer brings the next pair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.judging import comparisons
from sprintlab.judging.forms import ComparisonForm
from sprintlab.judging.models import Comparison
from sprintlab.judging.permissions import comparison_refusal
from sprintlab.judging.views import _judge_sprint
from sprintlab.submissions import selectors as submission_selectors
from sprintlab.submissions.models import Submission


def _render(request, sprint, *, error: ServiceError | None = None):
    refusal = comparison_refusal(request.user, sprint, now=timezone.now())
    offer = None
    if refusal is None:
        try:
            offer = comparisons.pair_offer(actor=request.user, sprint=sprint)
        except ServiceError as exc:
            refusal = exc
    sides = []
    if offer is not None:
        for letter, submission in (("A", offer.left), ("B", offer.right)):
            sides.append(
                {
                    "letter": letter,
                    "submission": submission,
                    "report": submission_selectors.latest_version(submission),
                }
            )
    context = {
        "sprint": sprint,
        "offer": offer,
        "sides": sides,
        "refusal": refusal.text if refusal else "",
        "error": error.text if error else "",
        "done": Comparison.objects.filter(sprint=sprint, judge=request.user).count(),
    }
    status = error.status_code if error else (refusal.status_code if refusal else 200)
    return render(request, "judging/compare.html", context, status=status)


@login_required
def compare(request, slug):
    """The pair the judge is asked about (the same one until they answer), or why there is none."""
    return _render(request, _judge_sprint(request, slug))


@login_required
@require_POST
def compare_record(request, slug):
    """Record "A is better" or "B is better" and show the next pair."""
    sprint = _judge_sprint(request, slug)
    form = ComparisonForm(request.POST)
    if not form.is_valid():
        return _render(request, sprint, error=ServiceError({k: list(v) for k, v in form.errors.items()}))
    ids = form.cleaned_data
    found = Submission.objects.in_bulk([ids["left"], ids["right"], ids["winner"]])
    missing = {name: [_("Choose one of this sprint's submissions.")] for name in ids if ids[name] not in found}
    if missing:
        return _render(request, sprint, error=ServiceError(missing))
    try:
        comparison = comparisons.comparison_record(
            actor=request.user,
            sprint=sprint,
            left=found[ids["left"]],
            right=found[ids["right"]],
            winner=found[ids["winner"]],
        )
    except ServiceError as exc:
        return _render(request, sprint, error=exc)
    messages.success(request, _("Saved: “%(title)s” is the better one.") % {"title": found[comparison.winner_id].title})
    return redirect("judging:compare", slug=sprint.slug)
