"""/api/v1/ for the judges' ranking (docs/judging.md, "Ranking"): the same report as the organisers'
ranking page, with the same permission, and asking for one more review (docs/judging.md, "One more review")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId
from sprintlab.judging import extra_reviews, rankings, selectors
from sprintlab.judging.api import SPRINT, _sprint
from sprintlab.judging.schemas import JudgeAssignmentOut

router = Router(tags=["judging"])


class JudgeRankingRowOut(Schema):
    submission: int
    title: str
    place: int
    score: float
    low: float
    high: float
    top_probability: float
    reviews: int


class JudgeRankingJudgeTotalOut(Schema):
    judge: int
    name: str
    total: float


class JudgeRankingDisagreementOut(Schema):
    submission: int
    title: str
    spread: float
    totals: list[JudgeRankingJudgeTotalOut]  # lowest first


class JudgeRankingSuggestionOut(Schema):
    submission: int
    title: str
    gain: float
    top_probability: float
    reviews: int
    reason: str


class JudgeRankingOut(Schema):
    method: str
    rows: list[JudgeRankingRowOut]
    warnings: list[str]
    disagreements: list[JudgeRankingDisagreementOut]
    next_reviews: list[JudgeRankingSuggestionOut]


class JudgeExtraReviewIn(Schema):
    submission_id: ObjectId | None = Field(
        None, description="The submission to review once more; omit it for where one more review helps most."
    )


@router.get(
    SPRINT + "/judging/ranking",
    auth=write_auth,
    response={200: JudgeRankingOut, **errors(400, 401, 403, 404, 422)},
    summary="The judges' ranking with intervals, warnings, disagreements and next reviews (organisers)",
)
def ranking(request, slug: str, method: str = rankings.DEFAULT_METHOD):
    """Best first; an unknown ``method`` falls back to calibrated. Empty lists before any review is done."""
    sprint = _sprint(request, slug, "judging.view_scores")
    method = rankings.parse_method(method)
    report = rankings.ranking_report(sprint, method=method)
    if report is None:
        return {"method": method, "rows": [], "warnings": [], "disagreements": [], "next_reviews": []}
    titles = report.titles
    return {
        "method": method,
        "rows": [
            {
                "submission": int(row.submission),
                "title": titles.get(row.submission, ""),
                "place": row.place,
                "score": row.score,
                "low": row.low,
                "high": row.high,
                "top_probability": row.top_probability,
                "reviews": row.reviews,
            }
            for row in report.ranking.rows
        ],
        "warnings": report.ranking.warnings,
        "disagreements": [
            {
                "submission": int(d.submission),
                "title": titles.get(d.submission, ""),
                "spread": d.spread,
                "totals": [
                    {"judge": int(judge), "name": report.judges.get(judge, ""), "total": total}
                    for judge, total, _z in d.totals
                ],
            }
            for d in report.disagreements
        ],
        "next_reviews": [
            {
                "submission": int(s.submission),
                "title": titles.get(s.submission, ""),
                "gain": s.gain,
                "top_probability": s.top_probability,
                "reviews": s.reviews,
                "reason": s.reason,
            }
            for s in report.next_reviews
        ],
    }


@router.post(
    SPRINT + "/judging/extra-reviews",
    auth=write_auth,
    response={201: JudgeAssignmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Ask for one more review where it helps most, or of one submission (organisers)",
    description=(
        "The body is a JSON object. Without submission_id (send {}) the submission is the one where one more review most "
        "reduces the uncertainty of the top places (the ranking's next_reviews), skipping those already "
        "waiting for an extra review. The judge is the best match of expertise among the sprint's judges "
        "who are not conflicted with it, not forbidden from it, not reviewing it already and did not bid "
        "'not willing', preferring judges under the load cap. The judge is told by inbox and email. "
        "400: a submission_id not of this sprint; 409 with the reason: judging not open, nothing to "
        "suggest, or nobody can take the review (nothing changes)."
    ),
)
def request_extra_review(request, slug: str, payload: JudgeExtraReviewIn):
    sprint = _sprint(request, slug, "judging.request_extra_review")
    submission = None
    if payload.submission_id is not None:
        submission = selectors.submissions_of(sprint).filter(pk=payload.submission_id).first()
        if submission is None:
            raise ServiceError({"submission_id": [_("Choose one of this sprint's submissions.")]})
    assignment = extra_reviews.request_extra_review(actor=request.auth, sprint=sprint, submission=submission)
    return Status(201, selectors.assignments_of(sprint).get(pk=assignment.pk))
