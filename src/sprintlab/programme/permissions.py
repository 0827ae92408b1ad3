"""Who may do what with a sprint's programme, and when.

Roles: ``user.has_perm("programme.<action>", obj)``. The schedule and the resources of a sprint are
as public as the sprint (``sprints.view_sprint``). Its organisers (and staff) run the programme;
a site's organisers add and change sessions at their own site. Participants with a live
registration star sessions for their agenda. What may happen now: the ``*_refusal`` /
``may_*`` pairs below, which services raise and pages, the API and templates ask.
"""

from datetime import datetime

import rules
from django.http import Http404
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in
from sprintlab.localsites.models import SiteOrganiser, SiteStatus
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.permissions import can_manage_sprint
from sprintlab.sprints.selectors import sprint_for_viewer


def _organises_site(user, site) -> bool:
    """``user`` runs ``site`` and it is approved (an application's organisers have no sessions yet)."""
    if not (is_signed_in(user) and site is not None and site.is_approved):
        return False
    return SiteOrganiser.objects.filter(site=site, user=user).exists()


@rules.predicate
def organises_a_site_of(user, sprint) -> bool:
    """``user`` runs an approved site of ``sprint``."""
    if not (is_signed_in(user) and sprint is not None):
        return False
    return SiteOrganiser.objects.filter(site__sprint=sprint, site__status=SiteStatus.APPROVED, user=user).exists()


@rules.predicate
def runs_the_sessions_sprint(user, session) -> bool:
    return session is not None and can_manage_sprint(user, session.sprint)


@rules.predicate
def organises_the_sessions_site(user, session) -> bool:
    return session is not None and _organises_site(user, session.site)


# Checked against a sprint.
rules.add_perm("programme.manage_programme", can_manage_sprint)
# The session pages: the sprint's organisers, and site organisers for their own sites' sessions.
rules.add_perm("programme.manage_sessions", can_manage_sprint | organises_a_site_of)
rules.add_perm("programme.manage_resources", can_manage_sprint)
# Checked against a session.
rules.add_perm("programme.change_session", runs_the_sessions_sprint | organises_the_sessions_site)
# Speakers are shared by the sprint's sessions, so only the sprint's organisers keep them.
rules.add_perm("programme.manage_speakers", can_manage_sprint)


def session_place_refusal(user, sprint, site) -> ServiceError | None:
    """Whether ``user`` may put a session of ``sprint`` at ``site`` (None: online only)."""
    if can_manage_sprint(user, sprint):
        return None
    if site is not None and site.sprint_id == sprint.pk and _organises_site(user, site):
        return None
    if site is None and organises_a_site_of(user, sprint):
        return PermissionDeniedError({"site": [_("Site organisers add sessions at their own site.")]})
    return PermissionDeniedError(_("Only the sprint's organisers and its sites' organisers change its schedule."))


def session_create_refusal(user, sprint, site, *, now: datetime) -> ServiceError | None:
    """The sprint's organisers add sessions anywhere, a site's organisers at their site, until results are out."""
    refusal = session_place_refusal(user, sprint, site)
    if refusal is not None:
        return refusal
    if now >= sprint.results_published_at:
        return Conflict(_("This sprint is over; its schedule is kept as it was."))
    return None


def may_create_session(user, sprint, site=None, *, now: datetime) -> bool:
    return session_create_refusal(user, sprint, site, now=now) is None


def session_change_refusal(user, session, *, now: datetime) -> ServiceError | None:
    """Change or cancel a session: its sprint's organisers, or its site's; never once cancelled or after the sprint."""
    if not user.has_perm("programme.change_session", session):
        return PermissionDeniedError(_("Only the sprint's organisers and this site's organisers change this session."))
    if session.is_cancelled:
        return Conflict(_("This session is cancelled; add a new one instead."))
    if now >= session.sprint.results_published_at:
        return Conflict(_("This sprint is over; its schedule is kept as it was."))
    return None


def may_change_session(user, session, *, now: datetime) -> bool:
    return session_change_refusal(user, session, now=now) is None


def takes_part_in(user, sprint) -> bool:
    """``user`` holds a live registration (applied, waitlisted, offered or confirmed) for ``sprint``."""
    if not is_signed_in(user):
        return False
    return Registration.objects.filter(sprint=sprint, user=user, status__in=ACTIVE_STATUSES).exists()


def agenda_add_refusal(user, session, *, now: datetime, registered: bool | None = None) -> ServiceError | None:
    """Star a session: people registered for its sprint, while it has not ended and is not cancelled.

    A page that asks for many sessions of one sprint passes ``registered`` (``takes_part_in``), read once.
    """
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to keep an agenda."))
    if not (takes_part_in(user, session.sprint) if registered is None else registered):
        return PermissionDeniedError(_("Register for this sprint to keep an agenda of its sessions."))
    if session.is_cancelled:
        return Conflict(_("This session is cancelled."))
    if now >= session.ends_at:
        return Conflict(_("This session is over."))
    return None


def may_add_to_agenda(user, session, *, now: datetime, registered: bool | None = None) -> bool:
    return agenda_add_refusal(user, session, now=now, registered=registered) is None


def speaker_refusal(user, sprint) -> ServiceError | None:
    if not can_manage_sprint(user, sprint):
        return PermissionDeniedError(_("Only the sprint's organisers keep its list of speakers."))
    return None


def may_manage_speakers(user, sprint) -> bool:
    return speaker_refusal(user, sprint) is None


def resources_refusal(user, sprint) -> ServiceError | None:
    if not can_manage_sprint(user, sprint):
        return PermissionDeniedError(_("Only the sprint's organisers curate its resources."))
    return None


def may_manage_resources(user, sprint) -> bool:
    return resources_refusal(user, sprint) is None


def copy_resources_refusal(user, sprint, source_sprint) -> ServiceError | None:
    """Copying another sprint's resources: organisers of the target who may also see the source."""
    refusal = resources_refusal(user, sprint)
    if refusal is not None:
        return refusal
    if source_sprint.pk == sprint.pk:
        return ServiceError({"source_sprint": [_("Choose another sprint to copy from.")]})
    try:
        sprint_for_viewer(source_sprint.slug, user)  # a draft the actor may not see does not leak
    except Http404:
        return ServiceError({"source_sprint": [_("There is no sprint with this slug.")]})
    return None
