"""Who may do what with a local site, and when.

Roles: ``user.has_perm("localsites.<action>", obj)``. Applying is checked against a sprint;
everything else against a site. Reviewing applications is ``sprints.review_site_applications``
(sprint organisers and staff), checked against the sprint. Whether an action is possible *now*:
the ``may_*(user, obj, now=...)`` predicates, shared by services, views, the API and templates.
"""

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.sprints.permissions import is_published, is_sprint_organiser


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


can_run_site = is_staff | organises_the_sites_sprint | is_site_organiser

# Checked against a sprint: any signed-in person may offer a venue for a published sprint.
rules.add_perm("localsites.apply", is_signed_in & is_published)
# Checked against a site.
rules.add_perm("localsites.view_site", site_is_public | can_run_site)
# The application behind a site (applicant's and co-organisers' emails, decision notes).
rules.add_perm("localsites.view_application", can_run_site | is_site_applicant)
rules.add_perm("localsites.edit_application", is_site_applicant & application_is_editable)
# Withdrawing also depends on the time: ask ``may_withdraw_site``.
may_withdraw_as = is_site_applicant | is_staff
rules.add_perm("localsites.withdraw_application", may_withdraw_as)
rules.add_perm("localsites.manage_site", can_run_site)
rules.add_perm("localsites.check_in", can_run_site)
rules.add_perm("localsites.view_attendees", can_run_site)
rules.add_perm("localsites.export_attendees", can_run_site)
rules.add_perm("localsites.message_attendees", can_run_site)


# --- What a person may do at a given moment --------------------------------------------------------
#
# Each rule is written once, as a "refusal": the error a service raises, or None when allowed.
# Views, the API and templates ask the ``may_*`` predicate with the same ``now``.


def takes_site_applications(sprint, *, now: datetime) -> bool:
    """A published sprint takes offers of venues until it is over; pages show "Host a site" to
    everyone then (signing in comes first for visitors)."""
    return sprint.is_published and now < sprint.submission_deadline_at


def apply_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    if not user.has_perm("localsites.apply", sprint):
        return PermissionDeniedError(_("Sign in to apply, and only for a published sprint."))
    if not takes_site_applications(sprint, now=now):
        return Conflict(_("This sprint is over; it no longer takes site applications."))
    return None


def may_apply_to_host(user, sprint, *, now: datetime) -> bool:
    """Any signed-in person may offer a venue for a published sprint until the sprint is over."""
    return apply_refusal(user, sprint, now=now) is None


def withdraw_refusal(user, site, *, now: datetime) -> ServiceError | None:
    if not may_withdraw_as(user, site):
        return PermissionDeniedError(_("Only the applicant can withdraw this application."))
    # A site whose doors have opened (or whose sprint has run) stays on the record.
    if not site.is_withdrawable or now >= site.starts_at:
        return Conflict(_("This application can no longer be withdrawn."))
    return None


def may_withdraw_site(user, site, *, now: datetime) -> bool:
    """The applicant (or staff) withdraws an undecided application or an approved site before its doors open.

    The registrations app refuses it too while people are registered there (``site_withdrawing``);
    pages that list sites combine this with that count.
    """
    return withdraw_refusal(user, site, now=now) is None


def check_in_is_open(site, *, now: datetime) -> bool:
    """Check-in at ``site`` opens ``CHECK_IN_OPENS_HOURS_BEFORE`` its doors do."""
    return now >= site.check_in_opens_at
