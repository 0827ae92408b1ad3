"""Who may do what with a registration. Ask ``user.has_perm("registrations.<action>", registration)``.

Admissions are decided per sprint: ``user.has_perm("registrations.manage_admissions", sprint)``.
"""

import rules

from sprintlab.core.permissions import is_staff
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.sprints.permissions import can_manage_sprint, is_sprint_cohost, is_sprint_organiser


@rules.predicate
def is_participant(user, registration) -> bool:
    return bool(user and user.is_authenticated and registration is not None and registration.user_id == user.pk)


@rules.predicate
def organises_the_sprint(user, registration) -> bool:
    return registration is not None and is_sprint_organiser(user, registration.sprint)


@rules.predicate
def cohosts_the_sprint(user, registration) -> bool:
    return registration is not None and is_sprint_cohost(user, registration.sprint)


@rules.predicate
def organises_the_site(user, registration) -> bool:
    if not (user and user.is_authenticated and registration is not None and registration.site_id):
        return False
    return SiteOrganiser.objects.filter(site_id=registration.site_id, user=user).exists()


rules.add_perm(
    "registrations.view_registration",
    is_participant | is_staff | organises_the_sprint | cohosts_the_sprint | organises_the_site,
)
rules.add_perm(
    "registrations.cancel_registration", is_participant | is_staff | organises_the_sprint | organises_the_site
)
rules.add_perm("registrations.switch_registration", is_participant | is_staff | organises_the_sprint)
# Confirming a seat is the participant's own commitment: nobody does it for them.
rules.add_perm("registrations.confirm_offer", is_participant)
rules.add_perm("registrations.manage_admissions", can_manage_sprint)
