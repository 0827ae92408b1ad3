"""Leaving a team because one's registration was cancelled (the registrations app's signal).

Runs inside the cancel's transaction (``teams.receivers``). That transaction has locked the
sprint's row, the sites concerned and the registration (``registrations.seats.lock_registration``)
before this locks the team, which is later in the global order (sprint → sites → teams → people)
than the registration. It cannot deadlock: every team write takes the sprint's row first
(``teams.locks``), so while the cancel holds it no other transaction holds, or waits for, a team lock
of this sprint together with a registration lock; team writes of the sprint queue behind the cancel.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.teams import locks, notify
from sprintlab.teams.models import JoinRequest, JoinStatus, Team, TeamMember


@transaction.atomic
def team_member_drop_cancelled(*, actor, registration: Registration) -> Team | None:
    """Take the person of a cancelled ``registration`` out of their team in its sprint, if any.

    The lead's place goes to the member who joined first after them; the last one out disbands the
    team (its pending requests withdrawn). The person's own pending requests and invitations in the
    sprint are withdrawn. Side effects: the TeamMember deleted; the others told (and the new lead);
    an audit entry. Returns the team, or None when the person was in none.
    Raises: PermissionDeniedError (``actor`` may not cancel it), Conflict (it is not cancelled).
    """
    if not actor.has_perm("registrations.cancel_registration", registration):
        raise PermissionDeniedError(_("You may not cancel this registration."))
    if registration.status != RegistrationStatus.CANCELLED:
        raise Conflict(_("Only a cancelled registration takes its person out of their team."))
    user, now = registration.user, timezone.now()
    JoinRequest.objects.filter(team__sprint_id=registration.sprint_id, user=user, status=JoinStatus.PENDING).update(
        status=JoinStatus.WITHDRAWN, decided_at=now, decided_by=actor, updated_at=now
    )
    membership = TeamMember.objects.filter(sprint_id=registration.sprint_id, user=user).select_related("team").first()
    if membership is None:
        return None
    team = locks.lock_team(membership.team)
    if not TeamMember.objects.filter(team=team, user=user).delete()[0]:
        return None  # left the team meanwhile
    others = list(TeamMember.objects.filter(team=team).select_related("user").order_by("joined_at", "pk"))
    new_lead = None
    if not others:
        JoinRequest.objects.filter(team=team, status=JoinStatus.PENDING).update(
            status=JoinStatus.WITHDRAWN, decided_at=now, decided_by=actor, updated_at=now
        )
        team.disbanded_at = now
        team.save(update_fields=["disbanded_at", "updated_at"])
    elif team.lead_id == user.pk:
        new_lead = others[0].user
        team.lead = new_lead
        team.save(update_fields=["lead", "updated_at"])
    record_audit(
        actor=actor,
        action="team.member_cancelled",
        target=team,
        person=user.email,
        new_lead=new_lead.pk if new_lead else None,
        disbanded=not others,
    )
    stamp = f"{now.timestamp():.0f}"
    notify.notify_team_activity(
        key=f"team-{team.pk}-cancelled:{user.pk}:{stamp}",
        users=[member.user for member in others if member.user != new_lead],
        title=_("%(name)s left %(team)s") % {"name": user.name, "team": team.name},
        body=_("%(name)s cancelled their registration for the sprint, so they are no longer in the team.")
        % {"name": user.name},
        url=team.get_absolute_url(),
    )
    if new_lead is not None:
        notify.notify_team_activity(
            key=f"team-{team.pk}-lead:{new_lead.pk}:{stamp}",
            users=[new_lead],
            title=_("You now lead %(team)s") % {"team": team.name},
            body=_("%(name)s cancelled their registration for the sprint; you joined the team first after them.")
            % {"name": user.name},
            url=team.get_absolute_url(),
        )
    return team
