"""What the library reads from judging, in one place.

The judging app (judges, criteria, scores with feedback, an info-hazard flag per review, rankings)
is being built alongside this app. Until the lead wires these functions to judging's selectors on
merge, they answer "nothing known": no judge flags (so only the team's self-assessment gates a
project), no ranking and no feedback. Every caller in this app goes through these functions, so
wiring them is the only change the library needs. Each is defensive: a missing row is "nothing".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScoreLine:
    criterion: str
    score: float
    out_of: float


@dataclass(frozen=True)
class AnonymousReview:
    """One judge's review as the team sees it: the judge is "Judge 1", "Judge 2"… in a stable order."""

    reviewer_label: str
    scores: list[ScoreLine] = field(default_factory=list)
    feedback: str = ""


@dataclass(frozen=True)
class RankedProject:
    submission_id: int
    rank: int
    score: float


def judge_hazard_flags(submission_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """For each submission a judge flagged as a possible info hazard: ``[(judge name, note), ...]``.

    Submissions no judge flagged are absent. Wire to judging's selectors on merge; until then, none.
    """
    return {}


def ranking_for(sprint) -> list[RankedProject] | None:
    """The sprint's ranking from judging (best first, per the ranking app's method), or None if none yet."""
    return None


def team_reviews(submission) -> list[AnonymousReview]:
    """The reviews of ``submission`` with judges anonymised, in a stable order; empty until wired."""
    return []
