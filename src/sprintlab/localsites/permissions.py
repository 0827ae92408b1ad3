"""Who may do what with a local site. Ask ``user.has_perm("localsites.<action>", obj)``.

Applying is checked against a sprint; everything else against a site. Reviewing applications is
``sprints.review_site_applications`` (sprint organisers and staff), checked against the sprint.
"""

import rules
from django.utils import timezone

from sprintlab.core.permissions import is_staff
from sprintlab.sprints.permissions import is_published, is_sprint_organiser


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def is_site_organiser(user, site) -> bool:
    if not (user and user.is_authenticated and site is not None):
        return False
    return site.organiser_links.filter(user=user).exists()


@rules.predicate
def is_site_applicant(user, site) -> bool:
    return bool(user and user.is_authenticated and site is not None and site.applicant_id == user.pk)


@rules.predicate
def organises_the_sites_sprint(user, site) -> bool:
    return site is not None and is_sprint_organiser(user, site.sprint)


@rules.predicate
def site_is_public(user, site) -> bool:
    from sprintlab.localsites.models import SiteStatus

    return site is not None and site.status == SiteStatus.APPROVED and site.sprint.is_published


@rules.predicate
def application_is_editable(user, site) -> bool:
    return site is not None and site.is_editable_by_applicant


@rules.predicate
def application_is_withdrawable(user, site) -> bool:
    return site is not None and site.is_withdrawable


@rules.predicate
def site_has_not_started(user, site) -> bool:
    """A site whose doors have opened (or whose sprint has run) stays on the record: no withdrawing it."""
    return site is not None and timezone.now() < site.starts_at


can_run_site = is_staff | organises_the_sites_sprint | is_site_organiser

# Checked against a sprint: any signed-in person may offer a venue for a published sprint.
rules.add_perm("localsites.apply", is_authenticated & is_published)
# Checked against a site.
rules.add_perm("localsites.view_site", site_is_public | can_run_site)
# The application behind a site (applicant's and co-organisers' emails, decision notes).
rules.add_perm("localsites.view_application", can_run_site | is_site_applicant)
rules.add_perm("localsites.edit_application", is_site_applicant & application_is_editable)
rules.add_perm(
    "localsites.withdraw_application",
    (is_site_applicant | is_staff) & application_is_withdrawable & site_has_not_started,
)
rules.add_perm("localsites.manage_site", can_run_site)
rules.add_perm("localsites.check_in", can_run_site)
rules.add_perm("localsites.view_attendees", can_run_site)
rules.add_perm("localsites.export_attendees", can_run_site)
rules.add_perm("localsites.message_attendees", can_run_site)
