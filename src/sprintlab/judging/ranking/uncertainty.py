"""A ranking with an interval per submission (bootstrap over judges) and warnings where the top is unsettled.

Why judges are resampled, not ratings: the main source of error is *which* judges a submission
drew (lenient, harsh, careless), and ratings by one judge are not independent. Each replicate draws
as many judges as there are, with replacement, keeps all of their ratings, and refits the method;
a submission's interval is the percentile interval of its score over the replicates in which at
least one of its judges was drawn. ``top_probability`` is the share of replicates in which the
submission ranked within ``top`` places (among the submissions present in that replicate).

Places 1..``top`` "cannot be told apart" when their intervals overlap: the order between them is
within what a different draw of judges would change. :func:`rank` reports each such group, and the
submissions below ``top`` that reached the top in at least 5 % of the replicates (they might belong there).
The warnings name submissions by the ``labels`` given to :func:`rank` (the pages pass titles), else by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sprintlab.judging.ranking.methods import Fit, fit
from sprintlab.judging.ranking.scores import Ratings

NAMES_SHOWN = 5
# A submission below the top that reached it in at least this share of replicates is named as a challenger.
CHALLENGER_PROBABILITY = 0.05


@dataclass(frozen=True)
class RankedSubmission:
    submission: str
    place: int
    score: float
    low: float
    high: float
    top_probability: float
    reviews: int
    information: float  # what the ratings say about it, in typical ratings (methods.Fit)


@dataclass(frozen=True)
class Contest:
    places: tuple[int, int]  # first and last place of the group
    submissions: tuple[str, ...]  # in the group, best first
    challengers: tuple[str, ...]  # below the top, with intervals reaching into the group
    message: str


@dataclass(frozen=True)
class Ranking:
    method: str
    rows: tuple[RankedSubmission, ...]  # best first
    contests: tuple[Contest, ...]
    top: int
    level: float
    replicates: int
    typical_rating: float

    @property
    def warnings(self) -> list[str]:
        return [c.message for c in self.contests]


def bootstrap_scores(ratings: Ratings, method: str, *, replicates: int, seed: int = 0, **options) -> np.ndarray:
    """replicates × submissions scores (NaN where none of a submission's judges was drawn)."""
    rng = np.random.default_rng(seed)
    J = len(ratings.judges)
    out = np.full((replicates, len(ratings.submissions)), np.nan)
    for r in range(replicates):
        sample = ratings.subset(rng.integers(J, size=J))
        out[r] = fit(sample, method, **options).score
    return out


def _names(names: list[str]) -> str:
    shown = names[:NAMES_SHOWN]
    more = len(names) - len(shown)
    listed = ", ".join(shown[:-1]) + (f" and {shown[-1]}" if len(shown) > 1 else shown[0])
    return listed + (f" (and {more} more)" if more > 0 else "")


def _contests(rows: list[RankedSubmission], top: int, level: float, labels: Mapping[str, str]) -> list[Contest]:
    top = min(top, len(rows))

    def label(row: RankedSubmission) -> str:
        return labels.get(row.submission, row.submission)

    overlaps = [[rows[a].low <= rows[b].high and rows[b].low <= rows[a].high for b in range(top)] for a in range(top)]
    # Groups of top places linked by overlapping intervals (union-find over places 1..top).
    parent = list(range(top))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a in range(top):
        for b in range(a + 1, top):
            if overlaps[a][b]:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for a in range(top):
        groups.setdefault(root(a), []).append(a)
    contests = []
    percent = f"{level:.0%}"
    for members in groups.values():
        challengers = [b for b in range(top, len(rows)) if rows[b].top_probability >= CHALLENGER_PROBABILITY]
        if len(members) < 2 and not challengers:
            continue
        first, last = members[0] + 1, members[-1] + 1
        names = [label(rows[a]) for a in members]
        places = f"Places {first}–{last}" if first != last else f"Place {first}"
        if len(members) > 1:
            message = f"{places} cannot be told apart: the {percent} intervals of {_names(names)} overlap."
        else:
            message = f"{places} is not settled:"
        if challengers:
            below = [label(rows[b]) for b in challengers]
            message += f" {_names(below)}, ranked lower, reached the top {top} in at least {CHALLENGER_PROBABILITY:.0%} of the resamples."
        contests.append(
            Contest(
                places=(first, last),
                submissions=tuple(rows[a].submission for a in members),
                challengers=tuple(rows[b].submission for b in challengers),
                message=message,
            )
        )
    return contests


def rank(
    ratings: Ratings,
    method: str = "calibrated",
    *,
    replicates: int = 200,
    level: float = 0.90,
    top: int = 3,
    seed: int = 0,
    labels: Mapping[str, str] | None = None,
    **options,
) -> Ranking:
    """The ranking the pages and ``sprintlab rank`` show: scores, intervals, top-place warnings.

    ``labels`` (submission → what people call it, e.g. its title) only changes the warnings' words;
    rows and contests keep the submissions as given in ``ratings``.

    ``replicates=0`` skips the bootstrap (intervals collapse onto the score, no warnings): for a
    quick preview; the pages may use fewer replicates (e.g. 100) and ask for more on demand.
    """
    point: Fit = fit(ratings, method, **options)
    P = len(ratings.submissions)
    reviews = np.bincount(ratings.submission, minlength=P)
    if replicates > 0:
        boot = bootstrap_scores(ratings, method, replicates=replicates, seed=seed, **options)
        tail = (1 - level) / 2 * 100
        with np.errstate(all="ignore"):
            low = np.nanpercentile(boot, tail, axis=0)
            high = np.nanpercentile(boot, 100 - tail, axis=0)
        # Rank within each replicate; NaN (absent) sorts last and never counts as in the top.
        order = np.argsort(np.where(np.isnan(boot), np.inf, -boot), axis=1, kind="stable")
        in_top = np.zeros(P)
        for row, ranked in zip(boot, order, strict=True):
            present_top = [i for i in ranked[:top] if not np.isnan(row[i])]
            in_top[present_top] += 1
        top_probability = in_top / replicates
    else:
        low = high = point.score
        top_probability = np.full(P, np.nan)
    # Best first; ties keep a stable, readable order (by name).
    order = sorted(range(P), key=lambda i: (-point.score[i], ratings.submissions[i]))
    rows = [
        RankedSubmission(
            submission=ratings.submissions[i],
            place=place,
            score=float(point.score[i]),
            low=float(min(low[i], point.score[i])),
            high=float(max(high[i], point.score[i])),
            top_probability=float(top_probability[i]),
            reviews=int(reviews[i]),
            information=float(point.information[i]),
        )
        for place, i in enumerate(order, start=1)
    ]
    return Ranking(
        method=method,
        rows=tuple(rows),
        contests=tuple(_contests(rows, top, level, labels or {})) if replicates > 0 else (),
        top=top,
        level=level,
        replicates=replicates,
        typical_rating=point.typical_rating,
    )
