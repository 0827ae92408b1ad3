"""Who may do what with a local site. Ask ``user.has_perm("localsites.<action>", site)``."""

import rules

from sprintlab.sprints.permissions import is_sprint_organiser, is_staff


@rules.predicate
def is_site_organiser(user, site) -> bool:
    if not (user and user.is_authenticated and site is not None):
        return False
    return site.organiser_links.filter(user=user).exists()


@rules.predicate
def organises_the_sites_sprint(user, site) -> bool:
    return site is not None and is_sprint_organiser(user, site.sprint)


can_run_site = is_staff | organises_the_sites_sprint | is_site_organiser

rules.add_perm("localsites.manage_site", can_run_site)
rules.add_perm("localsites.check_in", can_run_site)
rules.add_perm("localsites.view_attendees", can_run_site)
rules.add_perm("localsites.message_attendees", can_run_site)
