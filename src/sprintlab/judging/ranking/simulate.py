"""Simulated judging with a known true order: the data behind the benchmarks and the tests.

How a sprint is simulated (``simulate_scores``; defaults are the benchmark's, docs/judging.md):

* ``projects`` submissions with true quality q_p ~ N(0, 1).
* ``judges`` judges; each submission is reviewed by ``reviews`` different judges, assigned in
  ``reviews`` rounds: every round shuffles the submissions and deals them out to the judges in turn,
  so each judge gets ``projects·reviews/judges`` submissions (15 with 300, 60 and 3) and never the
  same one twice.
* Judge j has a leniency a_j ~ N(0, ``bias_sd``), a spread b_j = exp(N(0, ``spread_sd``)) and a
  noise σ_j ~ Uniform(``noise_low``, ``noise_high``); a careful judge gives
  round(clip(centre + a_j + b_j·``signal``·q_p + N(0, σ_j²), low, high)).
* A fraction ``careless`` of the judges (rounded) do not read: they score uniformly at random on
  low..high whatever the submission.

``simulate_pairs`` is the pairwise counterpart: a Bradley–Terry judge who prefers i to j with
probability 1 / (1 + exp(−``pair_signal``·(q_i − q_j))), except that ``random_answers`` of the
answers are coin flips.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sprintlab.judging.ranking.scores import Ratings


@dataclass(frozen=True)
class SimulatedJudges:
    ratings: Ratings
    quality: np.ndarray  # true quality per submission (ratings.submissions[i] is project i + 1)
    bias: np.ndarray  # per judge (ratings.judges[j] is judge j + 1)
    spread: np.ndarray
    noise: np.ndarray
    careless: np.ndarray  # bool per judge
    signal: float
    centre: float
    low: float
    high: float


def assign(rng: np.random.Generator, projects: int, judges: int, reviews: int) -> list[tuple[int, int]]:
    """(judge, project) pairs: every project reviewed ``reviews`` times by different judges, loads balanced."""
    pairs: set[tuple[int, int]] = set()
    load = np.zeros(judges, dtype=int)
    for _ in range(reviews):
        for p in rng.permutation(projects):
            # The least-loaded judges who have not seen p yet, ties broken at random.
            order = np.lexsort((rng.random(judges), load))
            j = next(int(j) for j in order if (int(j), int(p)) not in pairs)
            pairs.add((j, int(p)))
            load[j] += 1
    return sorted(pairs)


def simulate_scores(
    seed: int,
    *,
    projects: int = 300,
    judges: int = 60,
    reviews: int = 3,
    careless: float = 0.10,
    bias_sd: float = 1.0,
    spread_sd: float = 0.35,
    noise_low: float = 0.3,
    noise_high: float = 1.2,
    signal: float = 1.5,
    centre: float = 5.5,
    low: float = 1,
    high: float = 10,
) -> SimulatedJudges:
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=projects)
    bias = rng.normal(0, bias_sd, size=judges)
    spread = np.exp(rng.normal(0, spread_sd, size=judges))
    noise = rng.uniform(noise_low, noise_high, size=judges)
    is_careless = np.zeros(judges, dtype=bool)
    is_careless[rng.choice(judges, size=round(careless * judges), replace=False)] = True
    pairs = assign(rng, projects, judges, reviews)
    judge = np.array([j for j, _ in pairs], dtype=np.intp)
    project = np.array([p for _, p in pairs], dtype=np.intp)
    careful = (
        centre + bias[judge] + spread[judge] * signal * quality[project] + rng.normal(size=len(pairs)) * noise[judge]
    )
    at_random = rng.integers(int(low), int(high) + 1, size=len(pairs)).astype(float)
    value = np.where(is_careless[judge], at_random, np.clip(np.round(careful), low, high))
    ratings = Ratings(
        judges=tuple(f"judge {j + 1}" for j in range(judges)),
        submissions=tuple(f"project {p + 1}" for p in range(projects)),
        judge=judge,
        submission=project,
        value=value,
    )
    return SimulatedJudges(
        ratings=ratings,
        quality=quality,
        bias=bias,
        spread=spread,
        noise=noise,
        careless=is_careless,
        signal=signal,
        centre=centre,
        low=low,
        high=high,
    )


def answer_pairs(
    rng: np.random.Generator, quality: np.ndarray, pairs: np.ndarray, *, pair_signal: float = 1.5, random_answers=0.10
) -> list[tuple[int, int]]:
    """Simulated answers to ``pairs`` (an n × 2 array of item indices), as (winner, loser) tuples."""
    i, j = pairs[:, 0], pairs[:, 1]
    p_i = 1 / (1 + np.exp(-pair_signal * (quality[i] - quality[j])))
    p_i = np.where(rng.random(len(pairs)) < random_answers, 0.5, p_i)
    i_wins = rng.random(len(pairs)) < p_i
    return [(int(a), int(b)) if w else (int(b), int(a)) for a, b, w in zip(i, j, i_wins, strict=True)]


def oracle_scores(sim: SimulatedJudges) -> np.ndarray:
    """The best a method could do knowing every judge's true leniency, spread, noise and carelessness.

    The posterior mean of q_p under the simulation's own model, ignoring only the rounding and
    clipping: each careful score is unbiased by its judge's a_j and b_j and weighed by its precision
    (b_j·signal)² / (σ_j² + 1/12); careless judges' scores weigh nothing.
    """
    r = sim.ratings
    slope = np.where(sim.careless, 0.0, sim.spread * sim.signal)[r.judge]
    variance = (sim.noise**2 + 1 / 12)[r.judge]
    centred = r.value - sim.centre - sim.bias[r.judge]
    P = len(r.submissions)
    precision = 1 + np.bincount(r.submission, slope**2 / variance, P)
    return np.bincount(r.submission, slope * centred / variance, P) / precision
