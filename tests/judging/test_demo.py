"""The demo's judging: the sprint being judged has judges, criteria, bids, assignments and scores."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from sprintlab.accounts.models import User
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    Comparison,
    Criterion,
    Nomination,
    Review,
    Score,
)
from sprintlab.judging.permissions import may_compare, may_score
from sprintlab.judging.selectors import judges_of, queue_for

pytestmark = pytest.mark.django_db


def test_the_demo_sprint_is_being_judged():
    call_command("seed_demo", "--scale", "small", stdout=None)
    judge = User.objects.get(email="judge@example.org")
    assignment = Assignment.objects.filter(judge=judge).select_related("sprint").first()
    assert assignment is not None
    sprint = assignment.sprint
    assert judges_of(sprint).count() >= 5
    assert Criterion.objects.filter(sprint=sprint).count() == 5
    assert Bid.objects.filter(sprint=sprint).exists() and Nomination.objects.filter(sprint=sprint).exists()
    assert Review.objects.filter(sprint=sprint, completed_at__isnull=False).exists()
    assert Score.objects.filter(review__sprint=sprint).exists()
    # Never a conflicted pair, and the demo judge has something left to score now.
    matrix = conflict_matrix(sprint, judge_ids=list(judges_of(sprint).values_list("pk", flat=True)))
    assert not any(
        (a.submission_id, a.judge_id) in matrix for a in Assignment.objects.filter(sprint=sprint, round="global")
    )
    waiting = [item for item in queue_for(judge, sprint) if not item.done and not item.is_calibration]
    assert waiting and may_score(judge, waiting[0].submission, now=timezone.now())
    # One more review was asked for where the ranking says it helps most, to a judge who may take it.
    extra = Assignment.objects.get(sprint=sprint, source=AssignmentSource.EXTRA)
    assert extra.reason.startswith("One more review, asked for by") and "resamples" in extra.reason
    assert (extra.submission_id, extra.judge_id) not in matrix
    # Pairwise mode: other judges have compared pairs (never conflicted ones); the demo judge may compare.
    compared = Comparison.objects.filter(sprint=sprint)
    assert compared.exists() and not compared.filter(judge=judge).exists()
    assert not any((c.left_id, c.judge_id) in matrix or (c.right_id, c.judge_id) in matrix for c in compared)
    assert may_compare(judge, sprint, now=timezone.now())
