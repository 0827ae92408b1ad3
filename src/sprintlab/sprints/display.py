"""What the sprint pages show about a sprint's state: the timeline and the phase badges.

The register button and seat counts come from the registrations app (``registrations.display``).
"""

from dataclasses import dataclass
from datetime import datetime

from sprintlab.sprints.models import Phase, Sprint

PHASE_BADGES = {
    Phase.DRAFT: "badge-warn",
    Phase.ANNOUNCED: "badge-info",
    Phase.REGISTRATION: "badge-ok",
    Phase.RUNNING: "badge-ok",
    Phase.JUDGING: "badge-info",
    Phase.AWAITING_RESULTS: "badge-info",
    Phase.FINISHED: "",
}


@dataclass(frozen=True)
class TimelineRow:
    label: str
    at: datetime
    state: str  # "past", "next" or "later"


def timeline_rows(sprint: Sprint, now: datetime) -> list[TimelineRow]:
    """The sprint's steps in order, the first one still ahead marked "next"."""
    rows, next_seen = [], False
    for step in sprint.timeline():
        if step.at <= now:
            state = "past"
        elif not next_seen:
            state, next_seen = "next", True
        else:
            state = "later"
        rows.append(TimelineRow(str(step.label), step.at, state))
    return rows
