"""What this app does when lower apps change something that concerns registrations."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict
from sprintlab.localsites.signals import site_withdrawing
from sprintlab.registrations import seats, selectors
from sprintlab.sprints.signals import capacity_changed


@receiver(capacity_changed, dispatch_uid="registrations.give_new_seats")
def give_new_seats(sender, *, sprint, site, **kwargs):
    """A raised capacity promotes (or offers seats to) waiting people in order, as a cancellation does."""
    seats.fill_after_capacity_change(sprint=sprint, site=site)


@receiver(site_withdrawing, dispatch_uid="registrations.keep_sites_with_people")
def refuse_withdrawing_a_site_with_people(sender, *, site, **kwargs):
    """A site people are registered at (in any active status) stays until the organisers move them."""
    if selectors.site_ids_with_people([site.pk]):
        raise Conflict(_("People are registered at this site; ask the sprint organisers to move them first."))
