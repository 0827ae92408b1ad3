"""A sprint's ranking from its judges' completed global reviews (reads only).

The scores go to ``judging.ranking`` as they are stored: one row per judge × submission ×
criterion, each criterion with its weight and scale, so a 1–5 and a 1–10 criterion count by their
weights and not by their scales. Only completed reviews count: a half-scored review would make a
judge's total mean something else (``ratings_from_scores`` refuses it).
"""

from __future__ import annotations

from sprintlab.judging import ranking
from sprintlab.judging.models import Criterion, JudgingRound, Score
from sprintlab.sprints.models import Sprint

# Pages show the calibrated score (docs/judging.md, "Ranking"); 200 resamples of the judges take
# about a second for 300 projects, so pages that show intervals for big sprints should be cached.
DEFAULT_METHOD = "calibrated"


def sprint_ratings(sprint: Sprint) -> ranking.Ratings | None:
    """Each judge's weighted total per submission, or None while no review is complete."""
    criteria = [
        ranking.Criterion(name=str(c.pk), weight=float(c.weight), low=float(c.scale_min), high=float(c.scale_max))
        for c in Criterion.objects.filter(sprint=sprint)
    ]
    rows = Score.objects.filter(
        review__sprint=sprint,
        review__round=JudgingRound.GLOBAL,
        review__is_calibration=False,
        review__completed_at__isnull=False,
    ).values_list("review__judge_id", "review__submission_id", "criterion_id", "value")
    scores = [
        ranking.Score(judge=str(judge), submission=str(submission), criterion=str(criterion), score=float(value))
        for judge, submission, criterion, value in rows
    ]
    if not scores or not criteria:
        return None
    try:
        return ranking.ratings_from_scores(scores, criteria)
    except ranking.ScoreError:
        # A criterion added after some reviews were completed: those reviews no longer cover every
        # criterion. Rank on what every completed review scored rather than show nothing.
        return _ratings_on_common_criteria(scores, criteria)


def _ratings_on_common_criteria(scores, criteria) -> ranking.Ratings | None:
    by_review: dict[tuple[str, str], set[str]] = {}
    for score in scores:
        by_review.setdefault((score.judge, score.submission), set()).add(score.criterion)
    common = set.intersection(*by_review.values()) if by_review else set()
    kept = [score for score in scores if score.criterion in common]
    if not kept:
        return None
    return ranking.ratings_from_scores(kept, [c for c in criteria if c.name in common])


def sprint_ranking(sprint: Sprint, *, method: str = DEFAULT_METHOD, replicates: int = 200) -> ranking.Ranking | None:
    """The sprint's ranking (best first, with intervals and top-place warnings), or None before any
    review is complete. Submissions are identified by their ids as text."""
    ratings = sprint_ratings(sprint)
    if ratings is None:
        return None
    return ranking.rank(ratings, method, replicates=replicates)
