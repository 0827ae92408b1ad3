"""What this app does when lower apps change something that concerns teams."""

from django.dispatch import receiver

from sprintlab.registrations.signals import registration_cancelled
from sprintlab.teams.departures import team_member_drop_cancelled


@receiver(registration_cancelled, dispatch_uid="teams.leave_team_on_cancel")
def leave_the_team_on_cancel(sender, *, registration, actor, **kwargs):
    """A cancelled person is in no team: same transaction, same actor (``teams.departures``)."""
    team_member_drop_cancelled(actor=actor, registration=registration)
