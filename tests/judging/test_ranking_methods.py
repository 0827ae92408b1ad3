"""Ranking methods on small hand-made data with known answers, and the calibrated model's edge."""

import math

import numpy as np
import pytest
from scipy.stats import kendalltau

from sprintlab.judging.ranking.methods import Priors, calibrate, calibrated, fit, raw, zscore
from sprintlab.judging.ranking.scores import Criterion, Ratings, Score, ScoreError, ratings_from_scores
from sprintlab.judging.ranking.simulate import simulate_scores


def ratings(*rows):
    judges, submissions, values = zip(*rows, strict=True)
    return Ratings.from_arrays(judges, submissions, values)


def scores_of(fitted, r):
    return dict(zip(r.submissions, fitted.score, strict=True))


def test_raw_is_the_mean_of_each_submissions_totals():
    r = ratings(("ann", "A", 8), ("bob", "A", 6), ("ann", "B", 3))
    assert scores_of(raw(r), r) == {"A": 7.0, "B": 3.0}
    assert list(raw(r).information) == [2, 1]


def test_zscores_remove_a_lenient_and_a_harsh_judges_levels():
    # Ann is lenient, Bob harsh and twice as spread; both order A < B < C the same way.
    r = ratings(("ann", "A", 8), ("ann", "B", 9), ("ann", "C", 10), ("bob", "A", 1), ("bob", "B", 3), ("bob", "C", 5))
    z = scores_of(zscore(r), r)
    assert z == pytest.approx({"A": -1.0, "B": 0.0, "C": 1.0})
    # The raw mean instead rewards whoever drew Ann.
    assert scores_of(raw(r), r) == {"A": 4.5, "B": 6.0, "C": 7.5}


def test_a_judge_with_all_equal_totals_counts_as_zero_in_zscores():
    r = ratings(("ann", "A", 5), ("ann", "B", 5), ("bob", "A", 2), ("bob", "B", 8))
    z = scores_of(zscore(r), r)
    assert z["A"] == pytest.approx(-1 / math.sqrt(2) / 2)
    assert z["B"] > z["A"]


def test_calibrated_recovers_the_order_behind_shifted_and_stretched_judges():
    truth = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0, "E": 5.0}
    rows = []
    for judge, (shift, stretch) in {"ann": (0, 1), "bob": (3, 0.5), "cat": (-2, 2)}.items():
        rows += [(judge, s, shift + stretch * q) for s, q in truth.items()]
    r = ratings(*rows)
    c = calibrate(r)
    order = [s for _, s in sorted(zip(c.quality, r.submissions, strict=True))]
    assert order == ["A", "B", "C", "D", "E"]
    # Shift and stretch are learnt relative to each other: bob is half as spread as ann, cat twice.
    spread = dict(zip(r.judges, c.spread, strict=True))
    assert spread["bob"] < spread["ann"] < spread["cat"]


def test_calibrated_gives_a_careless_judge_the_least_weight():
    sim = simulate_scores(4, projects=60, judges=12, reviews=4)
    weight = calibrated(sim.ratings).judge_weight
    careless = np.flatnonzero(sim.careless)
    assert len(careless) == 1
    assert weight[careless[0]] < np.median(weight) / 4


def test_calibrated_beats_zscores_on_a_simulated_sprint():
    """One fixed seed here; the benchmark (python -m benchmarks ranking) averages 20."""
    taus = {}
    for seed in (11, 12):
        sim = simulate_scores(seed)
        for method in ("raw", "zscore", "calibrated"):
            taus.setdefault(method, []).append(kendalltau(fit(sim.ratings, method).score, sim.quality).statistic)
    mean = {m: float(np.mean(t)) for m, t in taus.items()}
    assert mean["raw"] < mean["zscore"]
    assert mean["calibrated"] >= mean["zscore"] + 0.04
    assert mean["calibrated"] >= 0.74


def test_a_student_t_likelihood_is_available_and_still_orders():
    sim = simulate_scores(2, projects=80, judges=16)
    score = calibrated(sim.ratings, Priors(student_nu=4)).score
    assert kendalltau(score, sim.quality).statistic > 0.6


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="Unknown ranking method"):
        fit(ratings(("ann", "A", 1)), "median")


def test_criteria_are_combined_per_judge_and_submission_by_weight_and_scale():
    criteria = [Criterion("rigour", weight=3, low=1, high=5), Criterion("novelty", weight=1, low=1, high=10)]
    rows = [Score("ann", "A", "rigour", 5), Score("ann", "A", "novelty", 1), Score("ann", "B", "rigour", 1)]
    rows.append(Score("ann", "B", "novelty", 10))
    r = ratings_from_scores(rows, criteria)
    assert dict(zip(r.submissions, r.value, strict=True)) == pytest.approx({"A": 0.75, "B": 0.25})


def test_with_a_single_criterion_the_weight_does_not_matter():
    rows = [Score("ann", "A", "overall", 7), Score("bob", "A", "overall", 4), Score("ann", "B", "overall", 2)]
    light = ratings_from_scores(rows, [Criterion("overall", weight=1)])
    heavy = ratings_from_scores(rows, [Criterion("overall", weight=9)])
    assert list(light.value) == list(heavy.value) == [7, 4, 2]


@pytest.mark.parametrize(
    ("rows", "criteria", "message"),
    [
        ([], None, "no scores"),
        ([Score("ann", "A", "c", float("nan"))], None, "not a finite number"),
        ([Score("ann", "A", "c", 1), Score("ann", "A", "c", 2)], None, "more than once"),
        ([Score("ann", "A", "c", 1), Score("ann", "A", "d", 2), Score("ann", "B", "c", 3)], None, "without d"),
        ([Score("ann", "A", "x", 1)], [Criterion("c")], "not one of"),
        ([Score("ann", "A", "c", 1)], [Criterion("c", weight=0)], "not all zero"),
        ([Score("ann", "A", "c", 1)], [Criterion("c", weight=float("inf"))], "finite"),
    ],
)
def test_scores_that_cannot_be_ranked_are_refused(rows, criteria, message):
    with pytest.raises(ScoreError, match=message):
        ratings_from_scores(rows, criteria)


def test_a_bootstrap_subset_counts_a_judge_drawn_twice_twice():
    r = ratings(("ann", "A", 1), ("bob", "A", 5), ("ann", "B", 2))
    sample = r.subset(np.array([0, 0]))
    assert sample.judges == ("ann#0", "ann#1")
    assert sorted(zip(sample.judge.tolist(), sample.submission.tolist(), sample.value.tolist(), strict=True)) == [
        (0, 0, 1.0),
        (0, 1, 2.0),
        (1, 0, 1.0),
        (1, 1, 2.0),
    ]
