"""A site's first round: its submissions, how its organisers scored them, and the nominations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.judging import localround, selectors
from sprintlab.judging.forms import NominationForm
from sprintlab.judging.models import JudgingRound, Nomination, Score
from sprintlab.judging.permissions import local_round_refusal, runs_local_round
from sprintlab.sprints.selectors import sprint_for_viewer


def _site(request, slug, site_slug):
    sprint = sprint_for_viewer(slug, request.user)
    site = selectors.get_site(sprint, site_slug)
    if not runs_local_round(request.user, site):
        raise PermissionDenied(_("Only the site's organisers and the sprint's organisers run its first round."))
    return sprint, site


@login_required
def local_round(request, slug, site_slug):
    sprint, site = _site(request, slug, site_slug)
    now = timezone.now()
    submissions = list(selectors.site_submissions(site))
    means = dict(
        Score.objects.filter(review__round=JudgingRound.LOCAL, review__submission__in=submissions)
        .values("review__submission_id")
        .annotate(mean=Avg("value"))
        .values_list("review__submission_id", "mean")
    )
    nominated = {n.submission_id: n for n in Nomination.objects.filter(site=site)}
    refusal = local_round_refusal(request.user, site, now=now)
    settings = selectors.settings_for(sprint)
    rows = [
        {"submission": s, "mean": means.get(s.pk), "nomination": nominated.get(s.pk)}
        for s in sorted(submissions, key=lambda s: -(means.get(s.pk) or 0))
    ]
    return render(
        request,
        "judging/local_round.html",
        {
            "sprint": sprint,
            "site": site,
            "rows": rows,
            "refusal": refusal.text if refusal else "",
            "can_run": refusal is None,
            "places_left": max(settings.nominations_per_site - len(nominated), 0),
            "form": NominationForm(submissions=[s for s in submissions if s.pk not in nominated]),
        },
    )


@login_required
@require_POST
def local_round_open(request, slug, site_slug):
    sprint, site = _site(request, slug, site_slug)
    try:
        count = localround.local_round_open(actor=request.user, site=site)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("%(count)d reviews added to the site's organisers' queues.") % {"count": count})
    return redirect("judging:local_round", slug=sprint.slug, site_slug=site.slug)


@login_required
@require_POST
def nominate(request, slug, site_slug):
    sprint, site = _site(request, slug, site_slug)
    form = NominationForm(request.POST, submissions=list(selectors.site_submissions(site)))
    if not form.is_valid():
        messages.error(request, _("Choose one of this site's submissions."))
        return redirect("judging:local_round", slug=sprint.slug, site_slug=site.slug)
    submission = selectors.get_submission(sprint, form.cleaned_data["submission"])
    try:
        localround.nomination_add(actor=request.user, site=site, submission=submission, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("“%(title)s” goes on to the global round.") % {"title": submission.title})
    return redirect("judging:local_round", slug=sprint.slug, site_slug=site.slug)


@login_required
@require_POST
def nomination_withdraw(request, slug, site_slug, pk):
    sprint, site = _site(request, slug, site_slug)
    nomination = get_object_or_404(Nomination, pk=pk, site=site)
    try:
        localround.nomination_remove(actor=request.user, nomination=nomination)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Nomination withdrawn."))
    return redirect("judging:local_round", slug=sprint.slug, site_slug=site.slug)
