"""Pairwise mode: offering a judge a pair, recording the answer and every refusal, the choice of the
next pair and the Bradley–Terry ranking with its cache."""

import itertools
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.judging import comparisons, rankings
from sprintlab.judging.models import Comparison, PairOffer
from sprintlab.judging.permissions import comparison_refusal
from tests.factories import UserFactory
from tests.judging.factories import JudgingSprintFactory, SubmissionFactory, judging_settings, make_judge

pytestmark = pytest.mark.django_db


def pairwise_sprint(submissions=4):
    sprint = JudgingSprintFactory()
    judging_settings(sprint, pairwise_mode=True)
    made = [SubmissionFactory(sprint=sprint, title=f"Project {n}") for n in range(submissions)]
    return sprint, made


def answer(judge, sprint, *, better="left"):
    offer = comparisons.pair_offer(actor=judge, sprint=sprint)
    winner = offer.left if better == "left" else offer.right
    return comparisons.comparison_record(actor=judge, sprint=sprint, left=offer.left, right=offer.right, winner=winner)


# --- Offers ----------------------------------------------------------------------------------------


def test_a_judge_is_offered_the_same_pair_until_they_answer():
    sprint, _subs = pairwise_sprint()
    judge = make_judge(sprint, affiliation="")
    first = comparisons.pair_offer(actor=judge, sprint=sprint)
    again = comparisons.pair_offer(actor=judge, sprint=sprint)
    assert (again.pk, again.left_id, again.right_id) == (first.pk, first.left_id, first.right_id)
    assert first.left_id != first.right_id
    assert AuditEntry.objects.filter(action="judging.pair_offer").count() == 1


def test_each_answer_brings_a_new_pair_and_never_a_pair_compared_before():
    sprint, _subs = pairwise_sprint(4)
    judge = make_judge(sprint, affiliation="")
    seen = set()
    for _ in range(6):  # 4 submissions make 6 pairs
        comparison = answer(judge, sprint)
        pair = frozenset((comparison.left_id, comparison.right_id))
        assert pair not in seen
        seen.add(pair)
    assert comparisons.pair_offer(actor=judge, sprint=sprint) is None
    assert len(seen) == 6 and not PairOffer.objects.exists()


def test_a_judge_is_never_offered_a_submission_they_are_conflicted_with():
    sprint, subs = pairwise_sprint(4)
    author = subs[0].team.lead
    author.affiliation = "Author University"
    author.save()
    judge = make_judge(sprint, affiliation="Author University")
    while (offer := comparisons.pair_offer(actor=judge, sprint=sprint)) is not None:
        assert subs[0].pk not in (offer.left_id, offer.right_id)
        comparisons.comparison_record(actor=judge, sprint=sprint, left=offer.left, right=offer.right, winner=offer.left)
    assert Comparison.objects.filter(judge=judge).count() == 3  # the pairs of the three others


def test_a_conflict_declared_after_the_offer_withdraws_it():
    sprint, _subs = pairwise_sprint(2)
    judge = make_judge(sprint, affiliation="")
    offer = comparisons.pair_offer(actor=judge, sprint=sprint)
    author = offer.left.team.lead
    author.affiliation = "Shared Lab"
    author.save()
    judge.affiliation = "Shared Lab"
    judge.save()
    assert comparisons.pair_offer(actor=judge, sprint=sprint) is None
    assert not PairOffer.objects.exists()


def test_judges_are_spread_over_pairs_nobody_else_is_comparing():
    sprint, _subs = pairwise_sprint(4)
    first, second = make_judge(sprint, affiliation=""), make_judge(sprint, affiliation="")
    one = comparisons.pair_offer(actor=first, sprint=sprint)
    two = comparisons.pair_offer(actor=second, sprint=sprint)
    assert {one.left_id, one.right_id} != {two.left_id, two.right_id}


# --- Recording and its refusals --------------------------------------------------------------------


def test_an_answer_is_recorded_as_shown_with_an_audit_entry():
    sprint, _subs = pairwise_sprint()
    judge = make_judge(sprint, affiliation="")
    offer = comparisons.pair_offer(actor=judge, sprint=sprint)
    # The pair may come back in either order; the comparison keeps the order it was shown in.
    comparison = comparisons.comparison_record(
        actor=judge, sprint=sprint, left=offer.right, right=offer.left, winner=offer.right
    )
    assert (comparison.left_id, comparison.right_id, comparison.winner_id) == (
        offer.left_id,
        offer.right_id,
        offer.right_id,
    )
    assert comparison.loser_id == offer.left_id
    entry = AuditEntry.objects.get(action="judging.comparison_record")
    assert entry.actor == judge and entry.data["winner"] == offer.right_id
    assert not PairOffer.objects.filter(judge=judge).exists()


def refused(call):
    with pytest.raises(ServiceError) as exc:
        call()
    return exc.value


def test_refusals_change_nothing():
    sprint, subs = pairwise_sprint(3)
    judge = make_judge(sprint, affiliation="")
    offer = comparisons.pair_offer(actor=judge, sprint=sprint)
    other = next(s for s in subs if s.pk not in (offer.left_id, offer.right_id))
    elsewhere = SubmissionFactory()

    def record(left=offer.left, right=offer.right, winner=offer.left, actor=judge):
        return lambda: comparisons.comparison_record(actor=actor, sprint=sprint, left=left, right=right, winner=winner)

    assert "left" in refused(record(left=elsewhere)).message_dict
    assert "right" in refused(record(right=offer.left)).message_dict
    assert "winner" in refused(record(winner=other)).message_dict
    not_offered = refused(record(right=other, winner=other))
    assert isinstance(not_offered, Conflict) and "not the pair you were offered" in not_offered.text
    assert isinstance(refused(record(actor=UserFactory())), PermissionDeniedError)
    assert not Comparison.objects.exists()
    assert not AuditEntry.objects.filter(action="judging.comparison_record").exists()


def test_a_conflicted_judge_cannot_record_even_the_pair_they_were_offered():
    sprint, _subs = pairwise_sprint(2)
    judge = make_judge(sprint, affiliation="")
    offer = comparisons.pair_offer(actor=judge, sprint=sprint)
    offer.right.team.lead.affiliation = judge.affiliation = "Shared Lab"
    offer.right.team.lead.save()
    judge.save()
    error = refused(
        lambda: comparisons.comparison_record(
            actor=judge, sprint=sprint, left=offer.left, right=offer.right, winner=offer.left
        )
    )
    assert isinstance(error, Conflict) and "conflict" in error.text
    assert not Comparison.objects.exists()


def test_nothing_is_compared_when_pairwise_mode_is_off_or_judging_is_not_open():
    sprint, _subs = pairwise_sprint(2)
    judge = make_judge(sprint, affiliation="")
    judging_settings(sprint, pairwise_mode=False)
    error = refused(lambda: comparisons.pair_offer(actor=judge, sprint=sprint))
    assert isinstance(error, Conflict) and "pairwise mode" in error.text
    judging_settings(sprint, pairwise_mode=True)
    closed = comparison_refusal(judge, sprint, now=sprint.results_published_at)
    assert isinstance(closed, Conflict) and "closed" in closed.text
    sprint.submission_deadline_at = timezone.now() + timedelta(hours=1)
    sprint.save()
    assert "after the submission deadline" in refused(lambda: comparisons.pair_offer(actor=judge, sprint=sprint)).text
    assert not PairOffer.objects.exists()


def test_the_database_keeps_one_comparison_per_judge_and_unordered_pair():
    sprint, (a, b, *_rest) = pairwise_sprint(2)
    judge = make_judge(sprint, affiliation="")
    Comparison.objects.create(sprint=sprint, judge=judge, left=a, right=b, winner=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(sprint=sprint, judge=judge, left=b, right=a, winner=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(sprint=sprint, judge=make_judge(sprint), left=a, right=b, winner=SubmissionFactory())


# --- The ranking -----------------------------------------------------------------------------------


def test_the_ranking_orders_by_strength_and_refits_after_each_comparison():
    sprint, (a, b, c) = pairwise_sprint(3)
    judges = [make_judge(sprint, affiliation="") for _ in range(3)]
    empty = rankings.pairwise_ranking(sprint)
    assert empty.comparisons == 0 and {row.strength for row in empty.rows} == {0.0}
    for judge in judges:  # a beats b, b beats c, a beats c, three times each
        for winner, loser in ((a, b), (b, c), (a, c)):
            Comparison.objects.create(sprint=sprint, judge=judge, left=loser, right=winner, winner=winner)
    standing = rankings.pairwise_ranking(sprint)
    assert [row.submission for row in standing.rows] == [a.pk, b.pk, c.pk]
    assert [row.place for row in standing.rows] == [1, 2, 3]
    assert [(row.comparisons, row.wins) for row in standing.rows] == [(6, 6), (6, 3), (6, 0)]
    assert standing.comparisons == 9
    assert rankings.pairwise_ranking(sprint).rows == standing.rows  # read again: from the cache
    # A new comparison makes the next read refit: c now beats a, many times.
    for _ in range(8):
        Comparison.objects.create(sprint=sprint, judge=make_judge(sprint, affiliation=""), left=a, right=c, winner=c)
    refit = rankings.pairwise_ranking(sprint)
    assert refit.comparisons == 17 and refit.rows[0].submission == c.pk


def test_next_pair_for_prefers_close_uncertain_pairs_once_warm():
    sprint, subs = pairwise_sprint(6)
    judges = [make_judge(sprint, affiliation="") for _ in range(2)]
    # A clear order 0 > 1 > … > 5 from adjacent comparisons by two judges.
    for judge in judges:
        for better, worse in itertools.pairwise(subs):
            Comparison.objects.create(sprint=sprint, judge=judge, left=better, right=worse, winner=better)
    newcomer = make_judge(sprint, affiliation="")
    pair = rankings.next_pair_for(newcomer, sprint)
    order = [s.pk for s in subs]
    positions = sorted(order.index(s.pk) for s in pair)
    # Not a pair anyone compared, and not the most predictable one (first against last).
    assert positions[1] - positions[0] > 1 and positions != [0, 5]
