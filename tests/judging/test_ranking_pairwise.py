"""The pairwise (Bradley–Terry) mode and its active choice of the next pairs."""

import numpy as np
import pytest

from sprintlab.judging.ranking.pairwise import (
    choose_pairs,
    fit_pairwise,
    next_pairs,
    pair_for_judge,
    random_pairs,
    rank_pairwise,
    strength_variance,
)
from sprintlab.judging.ranking.simulate import answer_pairs


def test_consistent_comparisons_give_the_order_they_imply():
    ranking = rank_pairwise(["C", "A", "B"], [("A", "B"), ("B", "C"), ("A", "C"), ("A", "B")])
    assert [name for name, _ in ranking] == ["A", "B", "C"]


def test_no_comparisons_give_equal_strengths():
    assert list(fit_pairwise(3, [])) == [0, 0, 0]


def test_comparisons_naming_unknown_submissions_are_refused():
    with pytest.raises(ValueError, match="unknown submissions: Z"):
        rank_pairwise(["A", "B"], [("A", "Z")])


def test_the_variance_falls_with_close_comparisons():
    strengths = np.array([0.0, 0.1, 3.0])
    variance = strength_variance(3, [(0, 1), (1, 0), (0, 2)], strengths)
    assert variance[0] < variance[2]
    assert variance[1] < variance[2]


def test_active_pairs_are_new_distinct_and_between_close_strengths():
    rng = np.random.default_rng(0)
    strengths = np.linspace(3, -3, 60)
    compared = {frozenset((0, 1))}
    pairs = choose_pairs(strengths, np.ones(60), 20, rng, compared=compared, window=3)
    assert len(pairs) == 20
    assert len({frozenset(p) for p in pairs}) == 20
    assert frozenset((0, 1)) not in {frozenset(p) for p in pairs}
    assert all(abs(i - j) <= 3 and i != j for i, j in pairs)


def test_random_pairs_never_pair_a_submission_with_itself():
    pairs = random_pairs(5, 200, np.random.default_rng(1))
    assert all(i != j for i, j in pairs)
    assert {i for pair in pairs for i in pair} == set(range(5))


def test_after_a_warm_up_active_pairs_are_closer_to_a_coin_flip_than_random_ones():
    """The mechanism; whether it pays off in comparisons saved is the benchmark's job (docs/performance.md)."""
    rng = np.random.default_rng(7)
    quality = rng.normal(size=80)
    data = answer_pairs(rng, quality, np.array(random_pairs(80, 400, rng)))
    strengths = fit_pairwise(80, data)
    active = np.array(choose_pairs(strengths, strength_variance(80, data, strengths), 100, rng))
    baseline = np.array(random_pairs(80, 100, rng))

    def mean_gap(values, pairs):
        return float(np.mean(np.abs(values[pairs[:, 0]] - values[pairs[:, 1]])))

    assert mean_gap(strengths, active) < mean_gap(strengths, baseline) / 3
    assert mean_gap(quality, active) < mean_gap(quality, baseline) * 0.75


def test_next_pairs_by_label_start_random_then_follow_the_comparisons():
    labels = [f"s{i}" for i in range(12)]
    first = next_pairs(labels, [], 6, seed=1)
    assert len(first) == 6
    assert all(a != b and a in labels and b in labels for a, b in first)
    # A clear chain s0 > s1 > … > s11, every neighbour compared twice.
    chain = [(labels[i], labels[i + 1]) for i in range(11)] * 2
    later = next_pairs(labels, chain, 4, seed=1)
    assert len(later) == 4
    assert not {frozenset(p) for p in later} & {frozenset(p) for p in chain}


def _judge_pair(n, comparisons, *, allowed=None, done=(), taken=(), seed=0):
    strengths = fit_pairwise(n, comparisons)
    counts = np.bincount(np.asarray(comparisons, dtype=int).ravel(), minlength=n) if comparisons else np.zeros(n)
    return pair_for_judge(
        strengths,
        strength_variance(n, comparisons, strengths),
        counts,
        np.random.default_rng(seed),
        allowed=range(n) if allowed is None else allowed,
        done={frozenset(p) for p in done},
        taken={frozenset(p) for p in taken},
        warm_up=len(comparisons) < n,
    )


def test_a_judge_gets_only_pairs_of_allowed_submissions_they_have_not_compared():
    rng = np.random.default_rng(3)
    quality = rng.normal(size=30)
    comparisons = answer_pairs(rng, quality, np.array(random_pairs(30, 120, rng)))
    done = [(i, j) for i in range(10) for j in range(i + 1, 10) if (i + j) % 2]
    for seed in range(30):
        pair = _judge_pair(30, comparisons, allowed=range(10), done=done, seed=seed)
        assert set(pair) <= set(range(10)) and pair[0] != pair[1]
        assert frozenset(pair) not in {frozenset(p) for p in done}


def test_a_judge_who_compared_every_allowed_pair_gets_none():
    done = [(0, 1), (0, 2), (1, 2)]
    assert _judge_pair(5, [(0, 1)], allowed=[0, 1, 2], done=done) is None
    assert _judge_pair(5, [], allowed=[4]) is None


def test_warm_up_pairs_the_least_compared_submissions_first():
    comparisons = [(0, 1), (1, 0), (0, 2)]  # 3 and 4 never compared
    for seed in range(10):
        assert set(_judge_pair(5, comparisons, seed=seed)) == {3, 4}


def test_pairs_taken_by_others_are_avoided_while_another_is_left_but_not_beyond():
    everything_but_one = [(i, j) for i in range(4) for j in range(i + 1, 4) if (i, j) != (1, 3)]
    assert set(_judge_pair(4, [], taken=everything_but_one)) == {1, 3}
    assert _judge_pair(4, [], taken=[*everything_but_one, (1, 3)]) is not None
