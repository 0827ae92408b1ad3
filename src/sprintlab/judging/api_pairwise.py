"""/api/v1/ for pairwise mode (docs/judging.md, "Pairwise mode"): a judge's next pair and their
answer, and the organisers' Bradley–Terry ranking. The same permissions and refusals as the pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.judging import comparisons, rankings, selectors
from sprintlab.judging.api import SPRINT, _sprint
from sprintlab.judging.models import Comparison
from sprintlab.judging.schemas import (
    JudgeComparisonIn,
    JudgeComparisonOut,
    JudgePairOut,
    JudgePairwiseRankingOut,
)
from sprintlab.submissions import selectors as submission_selectors
from sprintlab.submissions.models import Submission

router = Router(tags=["judging"])


def _side(sprint, submission: Submission) -> dict:
    version = submission_selectors.latest_version(submission)
    return {
        "id": submission.pk,
        "title": submission.title,
        "abstract": submission.abstract,
        "track": submission.track.name if submission.track else "",
        "report_url": (
            reverse("submissions:report", kwargs={"slug": sprint.slug, "version_id": version.pk}) if version else None
        ),
        "code_url": submission.code_url,
    }


@router.get(
    SPRINT + "/judging/pairs/next",
    auth=write_auth,
    response={200: JudgePairOut, 204: None, **errors(401, 403, 404, 409)},
    summary="The pair you are asked to compare (judges, pairwise mode); 204 when none is left",
    description=(
        "The same pair until you answer it (POST …/judging/comparisons), then the next one, chosen "
        "where a comparison says most about the ranking. Never a submission you have a conflict with, "
        "never a pair you compared. 409 when pairwise mode is off or judging is not open."
    ),
)
def next_pair(request, slug: str):
    sprint = _sprint(request, slug)
    offer = comparisons.pair_offer(actor=request.auth, sprint=sprint)
    if offer is None:
        return Status(204, None)
    return {
        "left": _side(sprint, offer.left),
        "right": _side(sprint, offer.right),
        "compared": Comparison.objects.filter(sprint=sprint, judge=request.auth).count(),
    }


@router.post(
    SPRINT + "/judging/comparisons",
    auth=write_auth,
    response={201: JudgeComparisonOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Say which of the pair you were offered is better (judges, pairwise mode)",
    description=(
        "400 per field for a submission of another sprint, the same one twice or a winner that is "
        "neither; 409 when it is not the pair you were offered, you have a conflict with either, "
        "pairwise mode is off or judging is not open."
    ),
)
def create_comparison(request, slug: str, payload: JudgeComparisonIn):
    sprint = _sprint(request, slug)
    fields = {"left": payload.left_id, "right": payload.right_id, "winner": payload.winner_id}
    found = Submission.objects.in_bulk(list(fields.values()))
    missing = {
        f"{name}_id": [_("Choose one of this sprint's submissions.")] for name, pk in fields.items() if pk not in found
    }
    if missing:
        raise ServiceError(missing)
    try:
        comparison = comparisons.comparison_record(
            actor=request.auth, sprint=sprint, **{name: found[pk] for name, pk in fields.items()}
        )
    except ServiceError as exc:
        if hasattr(exc, "error_dict"):  # the service names fields as the page does: left, right, winner
            raise type(exc)({f"{name}_id": messages for name, messages in exc.message_dict.items()}) from exc
        raise
    return Status(201, comparison)


@router.get(
    SPRINT + "/judging/pairwise-ranking",
    auth=write_auth,
    response={200: JudgePairwiseRankingOut, **errors(401, 403, 404)},
    summary="The Bradley–Terry ranking from the judges' comparisons (organisers)",
)
def pairwise_ranking(request, slug: str):
    """Every submission best first with its strength (mean 0), comparisons and wins."""
    sprint = _sprint(request, slug, "judging.view_scores")
    standing = rankings.pairwise_ranking(sprint)
    return {
        "pairwise_mode": selectors.settings_for(sprint).pairwise_mode,
        "comparisons": standing.comparisons,
        "rows": standing.rows,
    }
