"""The organisers' ranking page and the scores CSV (docs/judging.md, "Ranking")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sprintlab.core.csv_export import csv_download
from sprintlab.judging import rankings, selectors
from sprintlab.judging.models import JudgingRound, Score
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
    context = {"sprint": sprint, "method": method, "methods": rankings.METHOD_LABELS, "report": report}
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
                    titles.get(d.submission, d.submission),
                    d.spread,
                    [(report.judges.get(judge, judge), total) for judge, total, _z in d.totals],
                )
                for d in report.disagreements
            ],
            "next_reviews": [(titles.get(s.submission, s.submission), s) for s in report.next_reviews],
        }
    return render(request, "judging/ranking.html", context)


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
