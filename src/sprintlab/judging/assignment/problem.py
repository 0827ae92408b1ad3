"""One reviewer-assignment instance, checked: the arrays the solvers read, and the refusals.

Bids: ``EAGER`` raises the pair's affinity by ``EAGER_BONUS`` (for optimisation only; reported totals
use the plain affinity); ``NOT_WILLING`` excludes the pair, like a conflict, unless an organiser pins
it. Pins force a pair; forbidden pairs and conflicts are never assigned.
"""

from dataclasses import dataclass, field

import numpy as np

EAGER, NEUTRAL, NOT_WILLING = 1, 0, -1
EAGER_BONUS = 0.1
# Affinities beyond this are refused: they are not similarities, and integer scaling would lose the rest.
MAX_ABS_AFFINITY = 1e6
# Submissions × judges beyond this are refused: the dense arrays alone would take gigabytes.
MAX_PAIRS = 20_000_000


class InvalidProblem(ValueError):
    """The instance cannot be solved as given; the message says why, in a sentence for a person."""


class Infeasible(InvalidProblem):
    """Well-formed, but no assignment meets every constraint."""


@dataclass(frozen=True)
class Problem:
    """Submissions are rows, judges columns. Build with :meth:`build`, which checks everything."""

    affinity: np.ndarray  # float64 (S, J)
    k: int
    cap: int
    conflicts: np.ndarray  # bool (S, J)
    bids: np.ndarray  # int8 (S, J): EAGER, NEUTRAL or NOT_WILLING
    pinned: np.ndarray  # bool (S, J)
    forbidden: np.ndarray  # bool (S, J)
    seed: int = 0
    allowed: np.ndarray = field(init=False, repr=False)  # bool (S, J): pairs the solver may choose

    def __post_init__(self):
        excluded = self.conflicts | self.forbidden | (self.bids == NOT_WILLING)
        object.__setattr__(self, "allowed", self.pinned | ~excluded)

    @property
    def shape(self) -> tuple[int, int]:
        return self.affinity.shape

    @property
    def objective(self) -> np.ndarray:
        """What the solvers maximise: affinity, with eager bids raised."""
        return self.affinity + EAGER_BONUS * (self.bids == EAGER)

    @classmethod
    def build(
        cls,
        affinity,
        *,
        k: int,
        cap: int,
        conflicts=None,
        bids=None,
        pinned=(),
        forbidden=(),
        seed: int = 0,
    ) -> "Problem":
        """Check the instance and return it; raise :class:`InvalidProblem` with a reason otherwise.

        ``pinned`` and ``forbidden`` are iterables of ``(submission, judge)`` index pairs.
        """
        affinity = _matrix(affinity, "The affinity matrix")
        if not np.isfinite(affinity).all():
            row, col = np.argwhere(~np.isfinite(affinity))[0]
            raise InvalidProblem(f"Affinity row {row + 1}, column {col + 1} is not a finite number.")
        if np.abs(affinity).max() > MAX_ABS_AFFINITY:
            raise InvalidProblem(f"Affinities must lie between -{MAX_ABS_AFFINITY:g} and {MAX_ABS_AFFINITY:g}.")
        shape = affinity.shape
        conflicts = _zero_one(conflicts, shape, "The conflict matrix")
        bids = np.zeros(shape, dtype=np.int8) if bids is None else _bids(bids, shape)
        pinned_mask = _pairs(pinned, shape, "Pinned")
        forbidden_mask = _pairs(forbidden, shape, "Forbidden")
        _check_counts(k, cap, shape)
        clash = pinned_mask & (conflicts | forbidden_mask)
        if clash.any():
            i, j = np.argwhere(clash)[0]
            why = "conflicted" if conflicts[i, j] else "also forbidden"
            raise InvalidProblem(f"Submission {i + 1} and judge {j + 1} are pinned but {why}.")
        problem = cls(affinity, k, cap, conflicts, bids, pinned_mask, forbidden_mask, seed)
        problem._check_counts_feasible()
        return problem

    def _check_counts_feasible(self):
        submissions, judges = self.shape
        if self.k * submissions > self.cap * judges:
            raise Infeasible(
                f"{submissions} submissions × {self.k} reviews = {self.k * submissions} reviews, but "
                f"{judges} judges × load cap {self.cap} = {self.cap * judges}: raise the cap or add judges."
            )
        too_many_pins = np.flatnonzero(self.pinned.sum(axis=1) > self.k)
        if too_many_pins.size:
            raise Infeasible(f"Submission {too_many_pins[0] + 1} has more than k = {self.k} pinned judges.")
        overloaded = np.flatnonzero(self.pinned.sum(axis=0) > self.cap)
        if overloaded.size:
            raise Infeasible(f"Judge {overloaded[0] + 1} has more pinned submissions than the load cap {self.cap}.")
        short = np.flatnonzero(self.allowed.sum(axis=1) < self.k)
        if short.size:
            i = short[0]
            raise Infeasible(
                f"Submission {i + 1} has only {int(self.allowed[i].sum())} judges without a conflict, a "
                f"forbidden pair or an unwilling bid; it needs {self.k}."
            )


def _matrix(values, what: str) -> np.ndarray:
    try:
        matrix = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidProblem(f"{what} must hold numbers only.") from None
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise InvalidProblem(f"{what} must be a non-empty table: one row per submission, one column per judge.")
    if matrix.size > MAX_PAIRS:
        raise InvalidProblem(f"{what} has {matrix.size:,} pairs; at most {MAX_PAIRS:,} can be assigned at once.")
    return matrix


def _zero_one(values, shape, what: str) -> np.ndarray:
    if values is None:
        return np.zeros(shape, dtype=bool)
    matrix = _matrix(values, what)
    if matrix.shape != shape:
        raise InvalidProblem(
            f"{what} is {matrix.shape[0]}×{matrix.shape[1]} but the affinity matrix is {shape[0]}×{shape[1]}."
        )
    bad = ~np.isin(matrix, (0.0, 1.0))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InvalidProblem(f"{what}: row {row + 1}, column {col + 1} must be 0 or 1.")
    return matrix == 1.0


def _bids(values, shape) -> np.ndarray:
    matrix = _matrix(values, "The bid matrix")
    if matrix.shape != shape or not np.isin(matrix, (EAGER, NEUTRAL, NOT_WILLING)).all():
        raise InvalidProblem("Bids must have the affinity matrix's shape and hold 1 (eager), 0 or -1 (not willing).")
    return matrix.astype(np.int8)


def _pairs(pairs, shape, what: str) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    for pair in pairs:
        i, j = pair
        if not (0 <= i < shape[0] and 0 <= j < shape[1]):
            raise InvalidProblem(f"{what} pair ({i + 1}, {j + 1}) is outside the instance.")
        mask[i, j] = True
    return mask


def _check_counts(k, cap, shape):
    judges = shape[1]
    if not isinstance(k, int | np.integer) or k < 1:
        raise InvalidProblem("k (reviews per submission) must be a whole number of at least 1.")
    if k > judges:
        raise InvalidProblem(
            f"k = {k} reviews per submission, but there {'is only 1 judge' if judges == 1 else f'are only {judges} judges'}."
        )
    if not isinstance(cap, int | np.integer) or cap < 1:
        raise InvalidProblem("The load cap must be a whole number of at least 1.")
