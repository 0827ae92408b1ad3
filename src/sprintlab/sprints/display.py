"""What the sprint pages show about a sprint's state: the register button, the timeline, badges."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sprintlab.core.dates import format_local
from sprintlab.registrations.models import ExperienceLevel, Registration
from sprintlab.sprints.models import Phase, Sprint
from sprintlab.sprints.selectors import SprintStats

PHASE_BADGES = {
    Phase.DRAFT: "badge-warn",
    Phase.ANNOUNCED: "badge-info",
    Phase.REGISTRATION: "badge-ok",
    Phase.RUNNING: "badge-ok",
    Phase.JUDGING: "badge-info",
    Phase.AWAITING_RESULTS: "badge-info",
    Phase.FINISHED: "",
}


# Short labels for the organisers' table, where the full descriptions would make every row tall.
EXPERIENCE_SHORT = {
    ExperienceLevel.NEW: _lazy("New"),
    ExperienceLevel.SOME: _lazy("Some"),
    ExperienceLevel.EXPERIENCED: _lazy("Experienced"),
    ExperienceLevel.EXPERT: _lazy("Expert"),
}


@dataclass(frozen=True)
class RegisterAction:
    """The register button: a link when ``url`` is set, otherwise disabled with ``reason``."""

    label: str
    url: str = ""
    reason: str = ""
    registration: Registration | None = None


def register_action(
    sprint: Sprint, stats: SprintStats, registration: Registration | None, now: datetime
) -> RegisterAction:
    if registration is not None and not registration.may_register_again:
        return RegisterAction(
            label=_("You are registered — %(status)s") % {"status": registration.get_status_display()},
            url=reverse("registrations:mine"),
            registration=registration,
        )
    if registration is None:
        return _open_register_action(sprint, stats, now, label=_("Register"))
    # Cancelled or expired: say so, and offer registering again while registration is open.
    action = _open_register_action(sprint, stats, now, label=_("Register again"))
    earlier = _("Your earlier registration is %(status)s.") % {"status": registration.get_status_display().lower()}
    return RegisterAction(
        label=action.label,
        url=action.url,
        reason=f"{earlier} {action.reason}".strip(),
        registration=registration,
    )


def _open_register_action(sprint: Sprint, stats: SprintStats, now: datetime, *, label: str) -> RegisterAction:
    """The button for someone without a live registration: register, join the waitlist, or why not."""

    if not sprint.is_published:
        return RegisterAction(label, reason=_("This sprint is a draft; registration opens once it is published."))
    if now < sprint.registration_opens_at:
        opens = format_local(sprint.registration_opens_at)
        return RegisterAction(label, reason=_("Registration opens on %(when)s.") % {"when": opens})
    if now >= sprint.registration_deadline:
        return RegisterAction(_("Registration closed"), reason=_("Registration for this sprint has closed."))
    url = reverse("registrations:register", kwargs={"slug": sprint.slug})
    if sprint.capacity is not None and stats.seats_taken >= sprint.capacity:
        return RegisterAction(
            _("Join the waitlist"),
            url=url,
            reason=_("All %(capacity)s seats are taken: you will be placed on the waitlist.")
            % {"capacity": sprint.capacity},
        )
    return RegisterAction(label, url=url)


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
