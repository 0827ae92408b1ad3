"""The pairwise judging benchmark (``benchmarks/pairwise_live.py``) at a tiny size, on the test database."""

import pytest

from benchmarks.pairwise_live import OPERATIONS, REFIT_TARGET_MS, build, measure, results
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import Comparison, PairOffer

pytestmark = pytest.mark.django_db


def test_it_builds_a_judging_sprint_and_times_each_operation_of_every_round():
    sprint, judges, strengths, conflicts = build(submissions=12, judges=4, conflicted_judges=2, comparisons=30, seed=1)
    assert sprint.judging_settings.pairwise_mode
    assert Comparison.objects.filter(sprint=sprint).count() == 30
    assert conflicts > 0  # the two conflicted judges share an affiliation with some authors

    figures = measure(sprint=sprint, judges=judges, strengths=strengths, rounds=5, seed=1)

    assert figures["nothing_offered"] == 0
    assert figures["comparisons"] == 35  # every round's answer was recorded and counted by the refit
    assert not PairOffer.objects.filter(sprint=sprint).exists()  # every offer was answered
    for operation in OPERATIONS:
        assert len(figures["latencies"][operation]) == len(figures["cpu"][operation]) == 5
    assert min(figures["queries"]["refit"]) > 0
    assert max(figures["queries"]["cached"]) < min(figures["queries"]["refit"])
    matrix = conflict_matrix(sprint, judge_ids=[judge.pk for judge in judges])
    answered = Comparison.objects.filter(sprint=sprint).order_by("-id")[:5]
    assert not any((pk, c.judge_id) in matrix for c in answered for pk in (c.left_id, c.right_id))


def test_the_refit_row_carries_the_issues_target():
    figures = {
        "latencies": {operation: [0.010, 0.020] for operation in OPERATIONS},
        "queries": {operation: [4, 6] for operation in OPERATIONS},
        "cpu": {operation: [0.008, 0.012] for operation in OPERATIONS},
        "database_cpu": dict.fromkeys(OPERATIONS, 0.01),
        "comparisons": 4600,
        "cold_fit_ms": 80.0,
        "rank_correlation": 0.9,
        "cache": "LocMemCache",
    }

    rows = results(figures)

    assert [row.name for row in rows] == list(OPERATIONS.values())
    refit = rows[2]
    assert refit.target_p99_ms == REFIT_TARGET_MS and refit.met
    assert "median 5" in refit.notes and "4,600 comparisons" in refit.notes
    assert refit.cpu_ms_per_request() == pytest.approx(15)  # (8 + 12 + 10 ms) over 2 reads
    assert all(row.met is None for row in rows if row is not refit)
