"""Bootstrap intervals, top-place warnings, disagreement and the next-review choice."""

import numpy as np
import pytest

from sprintlab.judging.ranking.disagreement import disagreements, next_reviews
from sprintlab.judging.ranking.scores import Ratings
from sprintlab.judging.ranking.uncertainty import rank


def panel(totals_by_judge: dict[str, dict[str, float]]) -> Ratings:
    rows = [(j, s, v) for j, totals in totals_by_judge.items() for s, v in totals.items()]
    return Ratings.from_arrays(*zip(*rows, strict=True))


def clear_field():
    """Six judges who agree: A is far ahead of B, B of C, and so on."""
    return panel({f"judge {k}": {s: 10 - 2 * i + (k % 2) * 0.2 for i, s in enumerate("ABCDE")} for k in range(6)})


@pytest.mark.parametrize("method", ["raw", "zscore", "calibrated"])
def test_a_clear_field_is_ranked_in_order_with_intervals_around_the_score_and_no_warning(method):
    ranking = rank(clear_field(), method, replicates=40, top=2)
    assert [row.submission for row in ranking.rows] == list("ABCDE")
    assert [row.place for row in ranking.rows] == [1, 2, 3, 4, 5]
    assert all(row.low <= row.score <= row.high for row in ranking.rows)
    assert ranking.warnings == []
    assert ranking.rows[0].top_probability == 1.0
    assert ranking.rows[0].reviews == 6


def test_top_places_whose_intervals_overlap_are_reported_together():
    # A and B swap places between judges; C is behind both; D is last.
    r = panel(
        {
            "ann": {"A": 9, "B": 7, "C": 4, "D": 1},
            "bob": {"A": 7, "B": 9, "C": 4, "D": 1},
            "cat": {"A": 8, "B": 9, "C": 5, "D": 2},
            "dan": {"A": 9, "B": 8, "C": 4, "D": 1},
        }
    )
    ranking = rank(r, "raw", replicates=100, top=2, seed=1)
    assert [row.submission for row in ranking.rows[:2]] == ["A", "B"]
    (contest,) = ranking.contests
    assert contest.places == (1, 2)
    assert contest.submissions == ("A", "B")
    assert contest.challengers == ()
    assert ranking.warnings == ["Places 1–2 cannot be told apart: the 90% intervals of A and B overlap."]


def test_the_warnings_name_submissions_by_their_labels_and_the_contests_keep_the_ids():
    r = panel(
        {
            "ann": {"1": 9, "2": 7, "3": 4},
            "bob": {"1": 7, "2": 9, "3": 4},
            "cat": {"1": 8, "2": 9, "3": 5},
            "dan": {"1": 9, "2": 8, "3": 4},
        }
    )
    ranking = rank(r, "raw", replicates=100, top=2, seed=1, labels={"1": "Probing refusal", "2": "Steering vectors"})
    (contest,) = ranking.contests
    assert contest.submissions == ("1", "2")
    assert ranking.warnings == [
        "Places 1–2 cannot be told apart: the 90% intervals of Probing refusal and Steering vectors overlap."
    ]
    assert [row.submission for row in ranking.rows] == ["1", "2", "3"]


def test_without_replicates_there_are_no_intervals_or_warnings():
    ranking = rank(clear_field(), "calibrated", replicates=0)
    assert all(row.low == row.score == row.high for row in ranking.rows)
    assert ranking.contests == ()
    assert next_reviews(ranking) == []


def test_the_bootstrap_is_reproducible_with_a_seed():
    r = panel({"ann": {"A": 9, "B": 3}, "bob": {"A": 4, "B": 6}, "cat": {"A": 7, "B": 7}})
    first, second = (rank(r, "zscore", replicates=30, seed=5) for _ in range(2))
    assert first.rows == second.rows


def test_disagreement_is_measured_after_each_judges_own_level():
    # Ann is harsh, Bob lenient; relative to their own levels they agree on A and B, not on C or D.
    r = panel(
        {
            "ann": {"A": 5, "B": 3, "C": 1, "D": 2},
            "bob": {"A": 10, "B": 8, "C": 9, "D": 6},
        }
    )
    found = disagreements(r, count=2)
    assert [d.submission for d in found] == ["C", "D"]
    assert found[0].totals[0][0] == "ann"  # lowest z-score first
    assert {d.submission for d in disagreements(r, count=4)[2:]} == {"A", "B"}


def test_the_next_review_goes_to_the_undecided_submission_with_the_least_information():
    # A is sure; B and C fight for place 2, C with two reviews only.
    r = panel(
        {
            "ann": {"A": 10, "B": 7, "C": 8, "D": 2},
            "bob": {"A": 10, "B": 8, "C": 6, "D": 1},
            "cat": {"A": 10, "B": 6, "D": 2},
            "dan": {"A": 9, "B": 7, "D": 3},
        }
    )
    ranking = rank(r, "raw", replicates=200, top=2, seed=3)
    suggestions = next_reviews(ranking, count=2)
    assert suggestions[0].submission == "C"
    assert "2 reviews" in suggestions[0].reason
    assert all(s.submission != "A" for s in suggestions)
    assert 0 < suggestions[0].top_probability < 1


def test_a_submission_missing_from_a_replicate_is_left_out_of_its_interval():
    # Only one judge saw E; in about a third of the draws nobody who saw E is drawn.
    r = panel({"ann": {"A": 9, "E": 1}, "bob": {"A": 8, "B": 3}, "cat": {"B": 4, "A": 7}})
    ranking = rank(r, "raw", replicates=50)
    e = next(row for row in ranking.rows if row.submission == "E")
    assert e.low == e.high == 1.0
    assert np.isfinite([row.low for row in ranking.rows]).all()
