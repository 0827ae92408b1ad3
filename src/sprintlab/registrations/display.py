"""What the sprint pages show about registering: the register button and the organisers' short labels."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from sprintlab.registrations.models import ExperienceLevel, Registration
from sprintlab.registrations.permissions import registration_closed_reason
from sprintlab.registrations.selectors import SprintSeats
from sprintlab.sprints.models import Sprint

# Short labels for the organisers' table, where the full descriptions would make every row tall.
EXPERIENCE_SHORT = {
    ExperienceLevel.NEW: _lazy("New"),
    ExperienceLevel.SOME: _lazy("Some"),
    ExperienceLevel.EXPERIENCED: _lazy("Experienced"),
    ExperienceLevel.EXPERT: _lazy("Expert"),
}


@dataclass(frozen=True)
class RegisterAction:
    """The register button: a link when ``url`` is set, otherwise disabled with ``reason`` (no button without a label)."""

    label: str
    url: str = ""
    reason: str = ""
    registration: Registration | None = None


def register_action(
    sprint: Sprint, seats: SprintSeats, registration: Registration | None, now: datetime
) -> RegisterAction:
    if registration is not None and not registration.is_reopenable:
        return RegisterAction(
            label=_("You are registered — %(status)s") % {"status": registration.get_status_display()},
            url=reverse("registrations:mine"),
            registration=registration,
        )
    if registration is None:
        return _open_register_action(sprint, seats, now, label=_("Register"))
    # Cancelled or expired: say so, and offer registering again while registration is open.
    action = _open_register_action(sprint, seats, now, label=_("Register again"))
    earlier = _("Your earlier registration is %(status)s.") % {"status": registration.get_status_display().lower()}
    return RegisterAction(
        label=action.label,
        url=action.url,
        reason=f"{earlier} {action.reason}".strip(),
        registration=registration,
    )


def _open_register_action(sprint: Sprint, seats: SprintSeats, now: datetime, *, label: str) -> RegisterAction:
    """The button for someone without a live registration: register, join the waitlist, or why not.

    Open or not is the registration service's own rule (``registration_closed_reason``).
    """
    closed_reason = registration_closed_reason(sprint, now=now)
    if closed_reason and sprint.is_published and now >= sprint.registration_deadline:
        # No button, not even a disabled one: nothing can be registered for any more.
        return RegisterAction("", reason=closed_reason)
    if closed_reason:
        return RegisterAction(label, reason=closed_reason)
    url = reverse("registrations:register", kwargs={"slug": sprint.slug})
    if seats.sprint_full:
        return RegisterAction(
            _("Join the waitlist"),
            url=url,
            reason=ngettext(
                "The only seat is taken: you will be placed on the waitlist.",
                "All %(capacity)s seats are taken: you will be placed on the waitlist.",
                sprint.capacity,
            )
            % {"capacity": sprint.capacity},
        )
    return RegisterAction(label, url=url)
