"""The organisers' ranking page, asking for one more review from it, and the scores CSV (docs/judging.md,
"Ranking" and "One more review")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.csv_export import csv_download
from sprintlab.core.errors import ServiceError
from sprintlab.judging import extra_reviews, rankings, selectors
from sprintlab.judging.models import JudgingRound, Score
from sprintlab.judging.permissions import may_request_extra_review
from sprintlab.sprints.selectors import sprint_for_manager

# ``sprintlab rank --scores`` reads the first four columns; the rest make the file readable.
SCORES_HEADER = ("judge", "submission", "criterion", "score", "judge_name", "submission_title", "criterion_name")


@login_required
def ranking(request, slug):
    """The judges' ranking best first with intervals, top-place warnings, disagreements and where one
    more review helps most (organisers only); in pairwise mode, the judges' comparisons' ranking too."""
    sprint = sprint_for_manager(slug, request.user, "judging.view_scores")
    method = rankings.parse_method(request.GET.get("method"))
    report = rankings.ranking_report(sprint, method=method)
    context = {
        "sprint": sprint,
        "method": method,
        "methods": rankings.METHOD_LABELS,
        "report": report,
        "can_ask": may_request_extra_review(request.user, sprint, now=timezone.now()),
    }
    if selectors.settings_for(sprint).pairwise_mode:
        context["pairwise"] = rankings.pairwise_ranking(sprint)
    if report is not None:
        titles = report.titles
        context |= {
            "rows": [(row, titles.get(row.submission, row.submission)) for row in report.ranking.rows],
            "contests": [
                (contest.message, [titles.get(s, s) for s in (*contest.submissions, *contest.challengers)])
                for contest in report.ranking.contests
            ],
            "disagreements": [
                (
                    int(d.submission),
                    titles.get(d.submission, d.submission),
                    d.spread,
                    [(report.judges.get(judge, judge), total) for judge, total, _z in d.totals],
                )
                for d in report.disagreements
            ],
            "next_reviews": [
                (int(s.submission), titles.get(s.submission, s.submission), s) for s in report.next_reviews
            ],
        }
    return render(request, "judging/ranking.html", context)


# Where the button sits on the page: a disagreement, a suggestion, or "where it helps most".
EXTRA_REVIEW_PLACES = ("disagreement", "suggestion", "best")


@login_required
@require_POST
def extra_review(request, slug):
    """Ask for one more review: of ``submission`` when the form names one, else where it helps most.

    HTMX gets the button back with the judge who was asked or the refusal's sentence (always 200:
    htmx swaps no 4xx answer); without JavaScript the page comes back with the same as a message.
    """
    sprint = sprint_for_manager(slug, request.user, "judging.request_extra_review")
    place = request.POST.get("place", "")
    place = place if place in EXTRA_REVIEW_PLACES else "best"
    method = rankings.parse_method(request.POST.get("method"))
    submission, refused, outcome = None, True, ""
    posted = request.POST.get("submission", "")
    submission_id = int(posted) if posted.isascii() and posted.isdigit() and len(posted) < 19 else None
    if posted:
        if submission_id is not None:
            submission = selectors.submissions_of(sprint).filter(pk=submission_id).first()
        if submission is None:
            outcome = _("Choose one of this sprint's submissions.")
    if not outcome:
        try:
            assignment = extra_reviews.request_extra_review(actor=request.user, sprint=sprint, submission=submission)
        except ServiceError as exc:
            outcome = exc.text
        else:
            refused = False
            outcome = _("Asked %(judge)s to review “%(title)s” once more.") % {
                "judge": assignment.judge.name,
                "title": assignment.submission.title,
            }
    if request.htmx:
        context = {
            "sprint": sprint,
            "method": method,
            "place": place,
            "submission_id": submission_id,
            "title": submission.title if submission else "",
            "outcome": outcome,
            "refused": refused,
        }
        return render(request, "judging/ranking.html#extra-review", context)
    (messages.error if refused else messages.success)(request, outcome)
    return redirect(reverse("judging:ranking", kwargs={"slug": sprint.slug}) + "?" + urlencode({"method": method}))


@login_required
def scores_csv(request, slug):
    """Every score of the completed global reviews, one row per judge × submission × criterion: the
    input of ``sprintlab rank --scores`` (ids in the first columns, names after them)."""
    sprint = sprint_for_manager(slug, request.user, "judging.view_scores")
    scores = (
        Score.objects.filter(
            review__sprint=sprint,
            review__round=JudgingRound.GLOBAL,
            review__is_calibration=False,
            review__completed_at__isnull=False,
        )
        .select_related("review__judge", "review__submission", "criterion")
        .order_by("review__submission_id", "review__judge_id", "criterion__position", "criterion_id")
    )
    rows = (
        (
            score.review.judge_id,
            score.review.submission_id,
            score.criterion_id,
            score.value,
            score.review.judge.name,
            score.review.submission.title,
            score.criterion.name,
        )
        for score in scores.iterator(chunk_size=2000)
    )
    return csv_download(filename=f"{sprint.slug}-scores.csv", header=SCORES_HEADER, rows=rows)
