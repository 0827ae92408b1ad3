"""Judges' scores in, one total per judge × submission out: the input every ranking method shares.

The pages and ``sprintlab rank`` both build a list of :class:`Score` (one per judge × submission ×
criterion) and call :func:`ratings_from_scores`. Criteria are combined *before* any judge is
calibrated: each judge's scores of one submission become one weighted total, and the methods model
those totals. (Modelling each criterion separately would need about five times the data to learn
the same per-judge leniency; with ~3 judges a submission there is not enough.)

A criterion with a known scale (the pages know it, the CSV does not) is first mapped onto 0–1
(``low`` → 0, ``high`` → 1) so that a 1–5 criterion and a 1–10 criterion weigh what their weights
say; without scales the scores are averaged as they are. Weights need not sum to one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


class ScoreError(ValueError):
    """The scores cannot be ranked as given; the message says why, in a sentence a person can act on."""


@dataclass(frozen=True)
class Score:
    judge: str
    submission: str
    criterion: str
    score: float


@dataclass(frozen=True)
class Criterion:
    name: str
    weight: float = 1.0
    low: float | None = None
    high: float | None = None

    def unit(self, score: float) -> float:
        """The score on 0–1 when the scale is known, else unchanged."""
        if self.low is None or self.high is None or self.high == self.low:
            return score
        return (score - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class Ratings:
    """One weighted total per (judge, submission) pair, as parallel arrays of indices and values."""

    judges: tuple[str, ...]
    submissions: tuple[str, ...]
    judge: np.ndarray  # int index into judges, one per rating
    submission: np.ndarray  # int index into submissions, one per rating
    value: np.ndarray  # float total

    @property
    def size(self) -> int:
        return len(self.value)

    @classmethod
    def from_arrays(cls, judge: Sequence, submission: Sequence, value: Sequence[float]) -> Ratings:
        """Ratings from parallel sequences of labels (any hashables) and totals: tests and simulations."""
        judges = tuple(dict.fromkeys(judge))
        submissions = tuple(dict.fromkeys(submission))
        judge_index = {j: i for i, j in enumerate(judges)}
        submission_index = {s: i for i, s in enumerate(submissions)}
        return cls(
            judges=judges,
            submissions=submissions,
            judge=np.array([judge_index[j] for j in judge], dtype=np.intp),
            submission=np.array([submission_index[s] for s in submission], dtype=np.intp),
            value=np.asarray(value, dtype=float),
        )

    def subset(self, judge_draw: np.ndarray) -> Ratings:
        """The ratings of the judges in ``judge_draw`` (indices, repeats allowed: a bootstrap sample).

        A judge drawn twice counts as two judges with the same ratings, which is what resampling
        judges means; submissions nobody in the draw rated drop out of this sample.
        """
        by_judge = self._rows_by_judge()
        rows = [by_judge[j] for j in judge_draw]
        take = np.concatenate(rows) if rows else np.array([], dtype=np.intp)
        new_judge = np.concatenate([np.full(len(r), k, dtype=np.intp) for k, r in enumerate(rows)]) if rows else take
        return Ratings(
            judges=tuple(f"{self.judges[j]}#{k}" for k, j in enumerate(judge_draw)),
            submissions=self.submissions,
            judge=new_judge,
            submission=self.submission[take],
            value=self.value[take],
        )

    def _rows_by_judge(self) -> list[np.ndarray]:
        order = np.argsort(self.judge, kind="stable")
        bounds = np.searchsorted(self.judge[order], np.arange(len(self.judges) + 1))
        return [order[bounds[j] : bounds[j + 1]] for j in range(len(self.judges))]


def ratings_from_scores(scores: Iterable[Score], criteria: Sequence[Criterion] | None = None) -> Ratings:
    """Combine each judge's criterion scores of a submission into one weighted total.

    ``criteria`` defaults to every criterion named in the scores, equally weighted, scales unknown.
    Refused with :class:`ScoreError`: no scores, a score that is not a finite number, a criterion
    not in ``criteria``, the same judge × submission × criterion twice, and a judge who scored a
    submission on some criteria but not all (the total would silently mean something else).
    """
    scores = list(scores)
    if not scores:
        raise ScoreError("There are no scores to rank.")
    if criteria is None:
        criteria = [Criterion(name) for name in dict.fromkeys(s.criterion for s in scores)]
    by_name = {c.name: c for c in criteria}
    weights = [c.weight for c in criteria]
    if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        raise ScoreError("Criterion weights must be finite, not negative, and not all zero.")
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for s in scores:
        if not isinstance(s.score, int | float) or not math.isfinite(s.score):
            raise ScoreError(f"Judge {s.judge}'s score of {s.submission} on {s.criterion} is not a finite number.")
        criterion = by_name.get(s.criterion)
        if criterion is None:
            raise ScoreError(f"Criterion {s.criterion} is not one of this sprint's criteria.")
        cell = cells.setdefault((s.judge, s.submission), {})
        if s.criterion in cell:
            raise ScoreError(f"Judge {s.judge} scored {s.submission} on {s.criterion} more than once.")
        cell[s.criterion] = criterion.unit(float(s.score))
    names = list(by_name)
    total_weight = sum(by_name[n].weight for n in names)
    judges, submissions, values = [], [], []
    for (judge, submission), cell in cells.items():
        if len(cell) != len(names):
            missing = ", ".join(n for n in names if n not in cell)
            raise ScoreError(f"Judge {judge} scored {submission} without {missing}: every criterion needs a score.")
        judges.append(judge)
        submissions.append(submission)
        values.append(sum(by_name[n].weight * cell[n] for n in names) / total_weight)
    return Ratings.from_arrays(judges, submissions, values)
