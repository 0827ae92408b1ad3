"""What the sprint pages show about registering: the register button and the organisers' short labels."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from sprintlab.core.dates import format_local
from sprintlab.registrations.models import ExperienceLevel, Registration
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
    if registration is not None and not registration.may_register_again:
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
    """The button for someone without a live registration: register, join the waitlist, or why not."""
    if not sprint.is_published:
        return RegisterAction(label, reason=_("This sprint is a draft; registration opens once it is published."))
    if now < sprint.registration_opens_at:
        opens = format_local(sprint.registration_opens_at)
        return RegisterAction(label, reason=_("Registration opens on %(when)s.") % {"when": opens})
    if now >= sprint.registration_deadline:
        # No button, not even a disabled one: nothing can be registered for any more.
        return RegisterAction("", reason=_("Registration for this sprint has closed."))
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
