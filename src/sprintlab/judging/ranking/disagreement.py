"""What organisers look at after the ranking: where judges disagree, and where one more review helps most.

Disagreement (:func:`disagreements`) is measured after removing each judge's own leniency and
spread: every total is turned into the judge's z-score (how far above or below that judge's own
average, in that judge's own standard deviations), and a submission's disagreement is the standard
deviation of its judges' z-scores. A harsh judge and a lenient one who both liked it do not count as
disagreeing; a 9 and a 2 from two judges who usually agree do.

The next review (:func:`next_reviews`) goes where it most reduces the uncertainty at the top. For
each submission, π = its ``top_probability`` (share of bootstrap replicates in which it ranked in the
top N); π(1 − π) is how undecided its membership of the top is (0 for sure-ins and sure-outs, largest
at 50 %). One more typical review shrinks the sd of its score by the factor 1 − √(I / (I + t)), I the
information the ratings already hold about it and t what a typical review adds (methods.Fit).
The expected gain is the product: undecided submissions with few or unreliable reviews come first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sprintlab.judging.ranking.methods import judge_z_scores
from sprintlab.judging.ranking.scores import Ratings
from sprintlab.judging.ranking.uncertainty import Ranking


@dataclass(frozen=True)
class Disagreement:
    submission: str
    spread: float  # sd of the judges' z-scores of it
    totals: tuple[tuple[str, float, float], ...]  # (judge, total, judge's z-score), lowest first


@dataclass(frozen=True)
class ReviewSuggestion:
    submission: str
    gain: float  # π(1 − π) × fractional shrink of the score's sd
    top_probability: float
    reviews: int
    reason: str


def disagreements(ratings: Ratings, *, count: int = 10) -> list[Disagreement]:
    """The ``count`` submissions whose judges disagree most (at least two reviews), most first."""
    z = judge_z_scores(ratings)
    by_submission: dict[int, list[int]] = {}
    for row, s in enumerate(ratings.submission):
        by_submission.setdefault(int(s), []).append(row)
    found = []
    for s, rows in by_submission.items():
        if len(rows) < 2:
            continue
        spread = float(np.std(z[rows], ddof=1))
        totals = sorted(
            ((ratings.judges[ratings.judge[r]], float(ratings.value[r]), float(z[r])) for r in rows),
            key=lambda t: (t[2], t[0]),
        )
        found.append(Disagreement(submission=ratings.submissions[s], spread=spread, totals=tuple(totals)))
    found.sort(key=lambda d: (-d.spread, d.submission))
    return found[:count]


def next_reviews(ranking: Ranking, *, count: int = 3) -> list[ReviewSuggestion]:
    """Where one more review most reduces the uncertainty of who is in the top (see the module doc).

    Needs a ranking with bootstrap replicates; submissions already settled in or out of the top
    (π = 0 or 1) are never suggested, so the list may be shorter than ``count``.
    """
    if ranking.replicates == 0:
        return []
    t = ranking.typical_rating
    suggestions = []
    for row in ranking.rows:
        pi = row.top_probability
        undecided = pi * (1 - pi)
        if undecided <= 0:
            continue
        information = max(row.information, 1e-9)
        shrink = 1 - math.sqrt(information / (information + t))
        gain = undecided * shrink
        reason = (
            f"In the top {ranking.top} in {pi:.0%} of the resamples, with {row.reviews} "
            f"review{'s' if row.reviews != 1 else ''}; one more would narrow its interval by about {shrink:.0%}."
        )
        suggestions.append(
            ReviewSuggestion(
                submission=row.submission, gain=gain, top_probability=pi, reviews=row.reviews, reason=reason
            )
        )
    suggestions.sort(key=lambda s: (-s.gain, s.submission))
    return suggestions[:count]
