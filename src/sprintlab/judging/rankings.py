"""A sprint's ranking from its judges' completed global reviews (reads only).

The scores go to ``judging.ranking`` as they are stored: one row per judge × submission ×
criterion, each criterion with its weight and scale, so a 1–5 and a 1–10 criterion count by their
weights and not by their scales. Only completed reviews count: a half-scored review would make a
judge's total mean something else (``ratings_from_scores`` refuses it).

Pairwise mode's reads are here too: ``pairwise_ranking`` (Bradley–Terry strengths from every
comparison, cached) and ``next_pair_for`` (the pair one judge should compare next).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max

from sprintlab.judging import ranking
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import Comparison, Criterion, JudgingRound, PairOffer, Review, Score
from sprintlab.judging.ranking.pairwise import fit_pairwise, pair_for_judge, strength_variance
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission

# Pages show the calibrated score (docs/judging.md, "Ranking"); 200 resamples of the judges take
# about a second for 300 projects, so pages that show intervals for big sprints should be cached.
DEFAULT_METHOD = "calibrated"
REPLICATES = 200
METHOD_LABELS = {
    "calibrated": "Calibrated (each judge's leniency and noise)",
    "zscore": "Per-judge z-scores",
    "raw": "Raw means",
}
# The key already changes with every new score; the expiry only bounds how long stale entries linger.
CACHE_SECONDS = 60 * 60


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
    review is complete. Submissions are identified by their ids as text; the warnings name their titles."""
    ratings = sprint_ratings(sprint)
    if ratings is None:
        return None
    return ranking.rank(ratings, method, replicates=replicates, labels=_titles(ratings))


def _titles(ratings: ranking.Ratings) -> dict[str, str]:
    """Submission id (as text) → title, for the ranked submissions."""
    ids = [int(s) for s in ratings.submissions]
    return {str(pk): title for pk, title in Submission.objects.filter(pk__in=ids).values_list("pk", "title")}


@dataclass(frozen=True)
class RankingReport:
    """What the organisers' ranking page and API show: the ranking, where judges disagree most and
    where one more review helps most, with each submission's title."""

    ranking: ranking.Ranking
    disagreements: list[ranking.Disagreement]
    next_reviews: list[ranking.ReviewSuggestion]
    titles: dict[str, str]  # submission id → title
    judges: dict[str, str]  # judge id → name


def parse_method(value: str | None) -> str:
    """The method asked for, or the default for anything else (a link typed by hand never fails)."""
    return value if value in ranking.METHODS else DEFAULT_METHOD


def _scores_stamp(sprint: Sprint) -> str:
    """Changes whenever a score, a review or a criterion that the ranking reads changes."""
    reviews = Review.objects.filter(sprint=sprint).aggregate(latest=Max("updated_at"), count=Count("id"))
    scores = Score.objects.filter(review__sprint=sprint).aggregate(latest=Max("updated_at"), count=Count("id"))
    criteria = list(Criterion.objects.filter(sprint=sprint).values_list("pk", "weight", "scale_min", "scale_max"))
    return "|".join(map(str, (reviews["latest"], reviews["count"], scores["latest"], scores["count"], criteria)))


def ranking_report(sprint: Sprint, *, method: str = DEFAULT_METHOD) -> RankingReport | None:
    """The sprint's ranking report, or None before any review is complete.

    Cached per sprint, method and the latest change to its reviews, scores and criteria: the
    bootstrap takes about a second for 300 projects, and reloads should be instant.
    """
    digest = hashlib.sha256(_scores_stamp(sprint).encode()).hexdigest()[:32]
    # v2: the warnings name titles; entries cached before that named ids.
    key = f"judging:ranking:v2:{sprint.pk}:{method}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    ratings = sprint_ratings(sprint)
    report = None
    if ratings is not None:
        titles = _titles(ratings)
        ranked = ranking.rank(ratings, method, replicates=REPLICATES, labels=titles)
        judges = {str(user.pk): user.name for user in get_user_model().objects.filter(pk__in=ratings.judges)}
        report = RankingReport(ranked, ranking.disagreements(ratings), ranking.next_reviews(ranked), titles, judges)
    cache.set(key, report or False, CACHE_SECONDS)
    return report


# --- Pairwise mode -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairwiseRow:
    submission: int
    title: str
    place: int
    strength: float  # Bradley–Terry θ, mean 0: P(i beats j) = 1 / (1 + exp(θj − θi))
    comparisons: int
    wins: int


@dataclass(frozen=True)
class PairwiseRanking:
    """Every submission of the sprint best first, with what the choice of the next pair needs."""

    rows: list[PairwiseRow]
    comparisons: int
    submission_ids: list[int] = field(repr=False)  # the order of the arrays below
    strengths: np.ndarray = field(repr=False)
    variance: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)

    def index(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.submission_ids)}


def _comparisons_stamp(sprint: Sprint) -> str:
    """Changes with every new comparison and every submission added, removed or retitled."""
    comparisons = Comparison.objects.filter(sprint=sprint).aggregate(latest=Max("id"), count=Count("id"))
    submissions = Submission.objects.filter(sprint=sprint).aggregate(
        latest=Max("updated_at"), last=Max("id"), count=Count("id")
    )
    return "|".join(map(str, (*comparisons.values(), *submissions.values())))


def pairwise_ranking(sprint: Sprint) -> PairwiseRanking:
    """The sprint's submissions by Bradley–Terry strength from every judge's comparisons, best first
    (ties by title); a submission nobody has compared yet sits at strength 0 with 0 comparisons.

    Cached per sprint and the latest comparison, so a new comparison makes the next read refit. The
    refit starts from the strengths of the previous one (kept per sprint), which makes it about four
    times faster: ~25 ms of CPU for 300 submissions and 4,500 comparisons (docs/judging.md).
    """
    digest = hashlib.sha256(_comparisons_stamp(sprint).encode()).hexdigest()[:32]
    key = f"judging:pairwise:{sprint.pk}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    submissions = list(Submission.objects.filter(sprint=sprint).order_by("id").values_list("id", "title"))
    ids = [pk for pk, _title in submissions]
    index = {pk: i for i, pk in enumerate(ids)}
    pairs = [
        (index[winner], index[right if winner == left else left])
        for left, right, winner in Comparison.objects.filter(sprint=sprint).values_list(
            "left_id", "right_id", "winner_id"
        )
    ]
    previous_key = f"judging:pairwise:{sprint.pk}:previous"
    previous = cache.get(previous_key) or {}
    initial = np.array([previous.get(pk, 0.0) for pk in ids]) if previous else None
    strengths = fit_pairwise(len(ids), pairs, initial=initial) if ids else np.zeros(0)
    variance = strength_variance(len(ids), pairs, strengths)
    winners = np.array([w for w, _l in pairs], dtype=int)
    losers = np.array([lo for _w, lo in pairs], dtype=int)
    wins = np.bincount(winners, minlength=len(ids))
    counts = wins + np.bincount(losers, minlength=len(ids))
    order = sorted(range(len(ids)), key=lambda i: (-strengths[i], submissions[i][1], ids[i]))
    rows = [
        PairwiseRow(ids[i], submissions[i][1], place, float(strengths[i]), int(counts[i]), int(wins[i]))
        for place, i in enumerate(order, start=1)
    ]
    result = PairwiseRanking(rows, len(pairs), ids, strengths, variance, counts)
    cache.set(key, result, CACHE_SECONDS)
    if pairs:
        cache.set(previous_key, {pk: float(s) for pk, s in zip(ids, strengths, strict=True)}, CACHE_SECONDS)
    return result


def next_pair_for(judge, sprint: Sprint) -> tuple[Submission, Submission] | None:
    """The pair ``judge`` should compare next (in the order to show it), or None when none is left:
    the active choice among the sprint's submissions the judge has no conflict with, never a pair
    they compared, preferably one nobody has compared or is being asked about (``pair_for_judge``)."""
    standing = pairwise_ranking(sprint)
    index = standing.index()
    conflicted = {pk for pk, _judge in conflict_matrix(sprint, judge_ids=[judge.pk])}
    allowed = [i for pk, i in index.items() if pk not in conflicted]
    done, taken = set(), set()
    for model in (Comparison, PairOffer):
        for judge_id, left, right in model.objects.filter(sprint=sprint).values_list("judge_id", "left_id", "right_id"):
            if left in index and right in index:
                pair = frozenset((index[left], index[right]))
                taken.add(pair)
                if judge_id == judge.pk and model is Comparison:
                    done.add(pair)
    pair = pair_for_judge(
        standing.strengths,
        standing.variance,
        standing.counts,
        np.random.default_rng(),
        allowed=allowed,
        done=done,
        taken=taken,
        warm_up=standing.comparisons < len(index),
    )
    if pair is None:
        return None
    chosen = Submission.objects.select_related("track").in_bulk([standing.submission_ids[i] for i in pair])
    return chosen[standing.submission_ids[pair[0]]], chosen[standing.submission_ids[pair[1]]]
