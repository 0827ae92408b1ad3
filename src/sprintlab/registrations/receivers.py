"""What this app does when lower apps change something that concerns registrations."""

from django.dispatch import receiver

from sprintlab.registrations import seats
from sprintlab.sprints.signals import capacity_changed


@receiver(capacity_changed, dispatch_uid="registrations.give_new_seats")
def give_new_seats(sender, *, sprint, site, **kwargs):
    """A raised capacity promotes (or offers seats to) waiting people in order, as a cancellation does."""
    seats.fill_after_capacity_change(sprint=sprint, site=site)
