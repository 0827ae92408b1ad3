"""What the library reads from judging, in one place.

Judges' info-hazard flags (with their private notes, for the reviewer who decides), the sprint's
ranking (``judging.rankings``, calibrated scores) and each team's reviews with the judges anonymous.
Every caller in this app goes through these functions. Each is defensive: a missing row is "nothing".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sprintlab.judging import ranking
from sprintlab.judging.models import JudgingRound, Review
from sprintlab.judging.rankings import sprint_ranking


@dataclass(frozen=True)
class ScoreLine:
    criterion: str
    score: float
    out_of: float


@dataclass(frozen=True)
class AnonymousReview:
    """One judge's review as the team sees it: the judge is "Judge 1", "Judge 2"… in a stable order."""

    reviewer_label: str
    scores: list[ScoreLine] = field(default_factory=list)
    feedback: str = ""


@dataclass(frozen=True)
class RankedProject:
    submission_id: int
    rank: int
    score: float


def judge_hazard_flags(submission_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """For each submission a judge flagged as a possible info hazard: ``[(judge name, note), ...]``,
    the note being the judge's private note to the organisers. Submissions no judge flagged are absent."""
    flags: dict[int, list[tuple[str, str]]] = {}
    reviews = (
        Review.objects.filter(submission_id__in=list(submission_ids), info_hazard_flag=True)
        .select_related("judge")
        .order_by("submission_id", "judge_id")
    )
    for review in reviews:
        flags.setdefault(review.submission_id, []).append((review.judge.name, review.private_note))
    return flags


def ranking_for(sprint) -> list[RankedProject] | None:
    """The sprint's ranking from judging (best first, calibrated scores), or None before any review is complete."""
    try:
        result = sprint_ranking(sprint, replicates=0)
    except ranking.ScoreError:
        return None
    if result is None:
        return None
    return [RankedProject(submission_id=int(row.submission), rank=row.place, score=row.score) for row in result.rows]


def team_reviews(submission) -> list[AnonymousReview]:
    """The completed global reviews of ``submission``, judges anonymous ("Judge 1", "Judge 2"… by a
    stable order), with scores per criterion and the feedback written for the team."""
    reviews = (
        Review.objects.filter(
            submission=submission, round=JudgingRound.GLOBAL, is_calibration=False, completed_at__isnull=False
        )
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    return [
        AnonymousReview(
            reviewer_label=_("Judge %(number)d") % {"number": number},
            scores=[
                ScoreLine(
                    criterion=score.criterion.name, score=float(score.value), out_of=float(score.criterion.scale_max)
                )
                for score in sorted(
                    review.scores.all(), key=lambda score: (score.criterion.position, score.criterion_id)
                )
            ],
            feedback=review.feedback,
        )
        for number, review in enumerate(reviews, start=1)
    ]
