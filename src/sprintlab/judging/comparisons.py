"""Writes of pairwise mode (docs/judging.md, "Pairwise mode"): offering a judge the next pair, and
recording which of the two they found better.

A judge is offered one pair at a time (``PairOffer``): the same pair until they answer, so that a
reload, a second tab and the API agree, and so that an answer can be checked against the question.
The choice of the pair is ``rankings.next_pair_for``; the ranking is ``rankings.pairwise_ranking``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.judging import rankings
from sprintlab.judging.models import Comparison, PairOffer
from sprintlab.judging.permissions import comparison_refusal, pair_refusal
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission


def _refuse_unless_comparing(actor, sprint: Sprint) -> None:
    refusal = comparison_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal


def _offer_of(actor, sprint: Sprint, *, lock: bool = False) -> PairOffer | None:
    offers = PairOffer.objects.filter(sprint=sprint, judge=actor).select_related("left__track", "right__track")
    return (offers.select_for_update(of=("self",)) if lock else offers).first()


@transaction.atomic
def pair_offer(*, actor, sprint: Sprint) -> PairOffer | None:
    """The pair ``actor`` is asked to compare: their open offer while they may still compare it,
    otherwise a new one (``rankings.next_pair_for``); None when no pair is left for them.

    Side effects: a PairOffer row made or replaced; an audit entry for a new offer.
    Raises: PermissionDeniedError (not a judge of the sprint), Conflict (pairwise mode off, judging
    not open).
    """
    _refuse_unless_comparing(actor, sprint)
    offer = _offer_of(actor, sprint, lock=True)
    if offer is not None:
        # A conflict declared since the offer was made withdraws it.
        if pair_refusal(actor, offer.left, offer.right, now=timezone.now()) is None:
            return offer
        offer.delete()
    pair = rankings.next_pair_for(actor, sprint)
    if pair is None:
        return None
    left, right = pair
    try:
        with transaction.atomic():
            offer = PairOffer.objects.create(sprint=sprint, judge=actor, left=left, right=right)
    except IntegrityError:
        # Another tab of the same judge made an offer first: that one stands.
        return _offer_of(actor, sprint)
    record_audit(actor=actor, action="judging.pair_offer", target=sprint, left=left.pk, right=right.pk)
    return offer


def _check_pair(sprint: Sprint, left: Submission, right: Submission, winner: Submission) -> None:
    errors: dict[str, list[str]] = {}
    for name, submission in (("left", left), ("right", right)):
        if submission.sprint_id != sprint.pk:
            errors[name] = [_("Choose one of this sprint's submissions.")]
    if not errors and left.pk == right.pk:
        errors["right"] = [_("Choose two different submissions.")]
    if winner.pk not in (left.pk, right.pk):
        errors["winner"] = [_("The better one must be one of the two submissions compared.")]
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def comparison_record(*, actor, sprint: Sprint, left: Submission, right: Submission, winner: Submission) -> Comparison:
    """``actor`` says ``winner`` is the better of the pair they were offered (``left`` and ``right``,
    in either order; the comparison keeps the order they were shown in).

    Side effects: a Comparison row; the offer removed (the next read offers a new pair); the next
    read of the pairwise ranking refits; an audit entry.
    Raises: PermissionDeniedError (not a judge of the sprint), Conflict (pairwise mode off, judging
    not open, a conflict with either submission, not the pair offered, compared before),
    ServiceError per field (a submission of another sprint, the same one twice, a winner that is
    neither).
    """
    _refuse_unless_comparing(actor, sprint)
    _check_pair(sprint, left, right, winner)
    refusal = pair_refusal(actor, left, right, now=timezone.now())
    if refusal is not None:
        raise refusal
    offer = _offer_of(actor, sprint, lock=True)
    if offer is None or {offer.left_id, offer.right_id} != {left.pk, right.pk}:
        raise Conflict(_("This is not the pair you were offered; open the next pair and compare that one."))
    try:
        with transaction.atomic():
            comparison = Comparison.objects.create(
                sprint=sprint, judge=actor, left=offer.left, right=offer.right, winner=winner
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already compared these two submissions.")) from exc
    offer.delete()
    record_audit(
        actor=actor,
        action="judging.comparison_record",
        target=comparison,
        left=comparison.left_id,
        right=comparison.right_id,
        winner=winner.pk,
    )
    return comparison
