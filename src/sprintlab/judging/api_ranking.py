"""/api/v1/ for the judges' ranking (docs/judging.md, "Ranking"): the same report as the organisers'
ranking page, with the same permission."""

from __future__ import annotations

from ninja import Router, Schema

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.judging import rankings
from sprintlab.judging.api import SPRINT, _sprint

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
