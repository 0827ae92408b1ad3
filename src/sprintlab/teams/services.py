"""Writes for a sprint's teams: form, join, ask, invite, answer, leave, hand over, disband.

Every function runs in one transaction that takes its locks in the order ``locks`` describes,
asks the ``permissions`` refusal again under them, and changes nothing when it refuses. Team
activity (a request received, an invitation, an answer) reaches people through ``notify``, in the
same transaction. Transient conflicts (deadlock, serialisation) run the whole write again.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams import locks, notify, selectors
from sprintlab.teams.models import (
    JoinDirection,
    JoinedVia,
    JoinRequest,
    JoinStatus,
    Team,
    TeamMember,
    TeamOrigin,
    new_invite_code,
)
from sprintlab.teams.permissions import (
    accept_refusal,
    create_team_refusal,
    decline_refusal,
    disband_refusal,
    hand_over_refusal,
    invite_refusal,
    is_team_member,
    join_refusal,
    joiner_refusal,
    leave_refusal,
    manage_team_refusal,
    remove_member_refusal,
    request_refusal,
    solo_team_refusal,
    withdraw_refusal,
)

TEAM_FIELDS = ("name", "description", "track", "looking_for")
MESSAGE_MAX_LENGTH = JoinRequest._meta.get_field("message").max_length


def _raise(refusal: ServiceError | None) -> None:
    if refusal is not None:
        raise refusal


def _clean_team_fields(*, sprint: Sprint, team: Team | None, name, description, track, looking_for) -> dict:
    """The team's fields, stripped and checked; ServiceError per field otherwise."""
    errors = unstorable_text_errors(
        [("name", name or ""), ("description", description or ""), ("looking_for", looking_for or "")]
    )
    if errors:
        raise ServiceError(errors)
    values = {
        "name": " ".join((name or "").split()),
        "description": (description or "").strip(),
        "looking_for": (looking_for or "").strip(),
        "track": track,
    }
    candidate = Team(sprint=sprint, **values)
    try:
        candidate.clean_fields(exclude=["sprint", "lead", "invite_code", "origin", "disbanded_at", "track"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not values["name"]:
        errors["name"] = [_("Give the team a name.")]
    if track is not None and track.sprint_id != sprint.pk:
        errors["track"] = [_("This track belongs to another sprint.")]
    if not errors.get("name"):
        taken = Team.objects.filter(sprint=sprint, disbanded_at__isnull=True).annotate(lower=Lower("name"))
        if team is not None:
            taken = taken.exclude(pk=team.pk)
        if taken.filter(lower=values["name"].lower()).exists():
            errors["name"] = [_("Another team in this sprint already has this name.")]
    if errors:
        raise ServiceError(errors)
    return values


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    errors = unstorable_text_errors([("message", message)])
    if not errors and len(message) > MESSAGE_MAX_LENGTH:
        errors = {"message": [_("Keep the message under %(limit)d characters.") % {"limit": MESSAGE_MAX_LENGTH}]}
    if errors:
        raise ServiceError(errors)
    return message


def _add_member(*, team: Team, user, joined_via: str, now: datetime, actor) -> TeamMember:
    """Put ``user`` in ``team`` (locks held) and withdraw the rest of their pending requests in the sprint."""
    member = TeamMember(team=team, sprint_id=team.sprint_id, user=user, joined_via=joined_via)
    try:
        with transaction.atomic():
            member.save(force_insert=True)
    except IntegrityError as exc:
        # The database keeps one team per person per sprint even if a path forgot to check.
        raise Conflict(_("%(name)s is already in a team in this sprint.") % {"name": user.name}) from exc
    JoinRequest.objects.filter(team__sprint_id=team.sprint_id, user=user, status=JoinStatus.PENDING).update(
        status=JoinStatus.WITHDRAWN, decided_at=now, decided_by=actor, updated_at=now
    )
    return member


def _close_team_requests(*, team: Team, now: datetime, actor) -> None:
    JoinRequest.objects.filter(team=team, status=JoinStatus.PENDING).update(
        status=JoinStatus.WITHDRAWN, decided_at=now, decided_by=actor, updated_at=now
    )


@retry_on_conflict
@transaction.atomic
def team_create(*, actor, sprint: Sprint, name: str, description: str = "", track: Track | None = None,
                looking_for: str = "") -> Team:  # fmt: skip
    """Form a team in ``sprint`` with ``actor`` as its lead and first member.

    Side effects: a Team (origin "self") and the lead's TeamMember (joined via "founded"); the
    actor's other pending requests and invitations in the sprint are withdrawn; an audit entry.
    Raises: PermissionDeniedError (not signed in, no confirmed registration), Conflict (teams
    closed, already in a team), ServiceError per field (empty or taken name, foreign track, length).
    """
    sprint = locks.lock_sprint(sprint)
    now = timezone.now()
    _raise(create_team_refusal(actor, sprint, now=now))
    values = _clean_team_fields(
        sprint=sprint, team=None, name=name, description=description, track=track, looking_for=looking_for
    )
    locks.lock_people(sprint=sprint, users=[actor])
    team = Team(sprint=sprint, lead=actor, origin=TeamOrigin.SELF, **values)
    try:
        with transaction.atomic():
            team.save(force_insert=True)
    except IntegrityError as exc:
        raise ServiceError({"name": [_("Another team in this sprint already has this name.")]}) from exc
    _add_member(team=team, user=actor, joined_via=JoinedVia.FOUNDED, now=now, actor=actor)
    record_audit(actor=actor, action="team.create", target=team, sprint=sprint.slug, name=team.name)
    return team


def _solo_team_name(sprint: Sprint, person) -> str:
    """The person's name, or their name with a number when another live team of the sprint has it."""
    base = " ".join((person.name or person.email.split("@")[0]).split())[:70] or _("Solo")
    taken = set(
        Team.objects.filter(sprint=sprint, disbanded_at__isnull=True, name__istartswith=base)
        .annotate(lower=Lower("name"))
        .values_list("lower", flat=True)
    )
    name, number = base, 2
    while name.lower() in taken:
        name, number = f"{base} ({number})", number + 1
    return name


@retry_on_conflict
@transaction.atomic
def team_form_solo(*, actor, sprint: Sprint) -> Team:
    """Make ``actor`` a team of one (named after them) so that they can submit on their own.

    Possible after teams close (``solo_team_refusal``): a person who worked alone still submits.
    The submissions app calls it, in its own transaction, when someone in no team submits.
    Side effects: a Team (origin "self") led by the actor and their TeamMember; the actor's
    pending requests and invitations in the sprint are withdrawn; an audit entry.
    Raises: PermissionDeniedError (not signed in, no confirmed registration), Conflict (already in
    a team, sprint over).
    """
    sprint = locks.lock_sprint(sprint)
    now = timezone.now()
    _raise(solo_team_refusal(actor, sprint, now=now))
    locks.lock_people(sprint=sprint, users=[actor])
    team = Team(sprint=sprint, lead=actor, origin=TeamOrigin.SELF, name=_solo_team_name(sprint, actor))
    try:
        with transaction.atomic():
            team.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(_("A team with your name was formed at the same moment; try again.")) from exc
    _add_member(team=team, user=actor, joined_via=JoinedVia.FOUNDED, now=now, actor=actor)
    record_audit(actor=actor, action="team.form_solo", target=team, sprint=sprint.slug, name=team.name)
    return team


@retry_on_conflict
@transaction.atomic
def team_join_by_code(*, actor, code: str) -> TeamMember:
    """Join the team whose invite code (or link) is ``code``; the actor becomes a member.

    Side effects: a TeamMember (joined via "code"); the actor's pending requests and invitations
    in the sprint are withdrawn; the lead is told; an audit entry.
    Raises: ServiceError (unknown code), Conflict (disbanded team, teams closed, full team,
    already in a team, no confirmed registration), PermissionDeniedError (not signed in).
    """
    team = selectors.team_for_code(code)
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(join_refusal(actor, team, now=now))
    locks.lock_people(sprint=team.sprint, users=[actor])
    member = _add_member(team=team, user=actor, joined_via=JoinedVia.CODE, now=now, actor=actor)
    record_audit(actor=actor, action="team.join_code", target=team)
    if team.lead_id and team.lead_id != actor.pk:
        notify.notify_team_activity(
            key=f"team-member:{member.pk}:joined",
            users=[team.lead],
            title=_("%(name)s joined %(team)s") % {"name": actor.name, "team": team.name},
            body=_("%(name)s joined your team with its invite code.") % {"name": actor.name},
            url=team.get_absolute_url(),
        )
    return member


@retry_on_conflict
@transaction.atomic
def join_request_create(*, actor, team: Team, message: str = "", from_finder: bool = False) -> JoinRequest:
    """Ask ``team``'s lead to take ``actor`` in.

    Side effects: a pending JoinRequest (direction "request"); the lead is told (inbox and/or
    email, as they chose); an audit entry.
    Raises: Conflict (teams closed, disbanded or full team, already in a team, no confirmed
    registration, a request or invitation already pending), PermissionDeniedError (not signed in),
    ServiceError (message too long or not text).
    """
    message = _clean_message(message)
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(request_refusal(actor, team, now=now))
    join_request = _new_join_request(
        team=team, user=actor, direction=JoinDirection.REQUEST, message=message, from_finder=from_finder, actor=actor
    )
    record_audit(actor=actor, action="team.join_request", target=join_request, team=team.pk, from_finder=from_finder)
    if team.lead_id:
        notify.notify_team_activity(
            key=f"team-join-request:{join_request.pk}:received",
            users=[team.lead],
            title=_("%(name)s asks to join %(team)s") % {"name": actor.name, "team": team.name},
            body=message or _("%(name)s would like to join your team.") % {"name": actor.name},
            url=team.get_absolute_url(),
        )
    return join_request


def _new_join_request(*, team: Team, user, direction: str, message: str, from_finder: bool, actor) -> JoinRequest:
    pending = JoinRequest.objects.filter(team=team, user=user, status=JoinStatus.PENDING).first()
    if pending is not None:
        if pending.direction == JoinDirection.INVITATION:
            if direction == JoinDirection.INVITATION:
                raise Conflict(_("%(name)s already has an invitation from this team.") % {"name": user.name})
            raise Conflict(_("This team already invited you: accept its invitation instead."))
        if direction == JoinDirection.REQUEST:
            raise Conflict(_("You already asked to join this team; the lead has not answered yet."))
        raise Conflict(_("%(name)s already asked to join: accept the request instead.") % {"name": user.name})
    join_request = JoinRequest(
        team=team,
        user=user,
        direction=direction,
        message=message,
        from_finder=bool(from_finder),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            join_request.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(_("A request or invitation between this person and team is already waiting.")) from exc
    return join_request


@retry_on_conflict
@transaction.atomic
def invitation_create(*, actor, team: Team, user, message: str = "", from_finder: bool = False) -> JoinRequest:
    """Invite ``user`` (a confirmed participant of the sprint) into ``team``; any member may invite.

    Side effects: a pending JoinRequest (direction "invitation"); the invited person is told; an
    audit entry.
    Raises: PermissionDeniedError (the actor is not in the team), Conflict (teams closed, full or
    disbanded team, the person unconfirmed or already in a team, an invitation already pending),
    ServiceError (message).
    """
    message = _clean_message(message)
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(invite_refusal(actor, team, now=now))
    _raise(joiner_refusal(user, team, now=now))
    join_request = _new_join_request(
        team=team, user=user, direction=JoinDirection.INVITATION, message=message, from_finder=from_finder, actor=actor
    )
    record_audit(actor=actor, action="team.invite", target=join_request, team=team.pk, from_finder=from_finder)
    notify.notify_team_activity(
        key=f"team-join-request:{join_request.pk}:invited",
        users=[user],
        title=_("%(name)s invites you to %(team)s") % {"name": actor.name, "team": team.name},
        body=message or _("%(name)s would like you in their team.") % {"name": actor.name},
        url=team.get_absolute_url(),
    )
    return join_request


@retry_on_conflict
@transaction.atomic
def join_request_accept(*, actor, join_request: JoinRequest) -> JoinRequest:
    """Accept a request (the team lead) or an invitation (the invited person): the person joins.

    Exactly one of many people accepting the last place gets it: all queue on the team's lock and
    each counts the members under it. When a request or invitation sent from the team finder
    brings a team its first member besides its founder, the team is recorded as formed through
    the finder.
    Side effects: a TeamMember; the request becomes accepted; the person's other pending requests
    and invitations in the sprint are withdrawn; the other side is told; an audit entry.
    Raises: PermissionDeniedError (not the answering side), Conflict (already answered, teams
    closed, team full or disbanded, the person already in a team or no longer confirmed).
    """
    team = locks.lock_team(join_request.team)
    locks.lock_people(sprint=team.sprint, users=[join_request.user])
    join_request = locks.lock_join_request(join_request)
    join_request.team = team
    now = timezone.now()
    _raise(accept_refusal(actor, join_request, now=now))
    person = join_request.user
    members_before = TeamMember.objects.filter(team=team).count()
    via = JoinedVia.REQUEST if join_request.direction == JoinDirection.REQUEST else JoinedVia.INVITATION
    _add_member(team=team, user=person, joined_via=via, now=now, actor=actor)
    join_request.status = JoinStatus.ACCEPTED
    join_request.decided_at = now
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    if join_request.from_finder and members_before == 1 and team.origin == TeamOrigin.SELF:
        team.origin = TeamOrigin.FINDER
        team.save(update_fields=["origin", "updated_at"])
    record_audit(actor=actor, action="team.join_accept", target=join_request, team=team.pk, person=person.email)
    if join_request.direction == JoinDirection.REQUEST:
        told, title = [person], _("You are in %(team)s") % {"team": team.name}
        body = _("%(name)s accepted your request to join.") % {"name": actor.name}
    else:
        told = [team.lead] if team.lead_id else []
        title = _("%(name)s joined %(team)s") % {"name": person.name, "team": team.name}
        body = _("%(name)s accepted the invitation.") % {"name": person.name}
    notify.notify_team_activity(
        key=f"team-join-request:{join_request.pk}:accepted", users=told, title=title, body=body,
        url=team.get_absolute_url(),
    )  # fmt: skip
    return join_request


def _answer(*, actor, join_request: JoinRequest, refusal, status: str, action: str) -> JoinRequest:
    join_request = locks.lock_join_request(join_request)
    _raise(refusal(actor, join_request))
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    record_audit(actor=actor, action=action, target=join_request, team=join_request.team_id)
    return join_request


@retry_on_conflict
@transaction.atomic
def join_request_decline(*, actor, join_request: JoinRequest) -> JoinRequest:
    """Decline a request (the team lead) or an invitation (the invited person).

    Side effects: the request becomes declined; an audit entry. Nobody is emailed about a "no".
    Raises: PermissionDeniedError (not the answering side), Conflict (already answered).
    """
    return _answer(
        actor=actor, join_request=join_request, refusal=decline_refusal, status=JoinStatus.DECLINED,
        action="team.join_decline",
    )  # fmt: skip


@retry_on_conflict
@transaction.atomic
def join_request_withdraw(*, actor, join_request: JoinRequest) -> JoinRequest:
    """Take back one's own request, or the team's invitation (any member).

    Side effects: the request becomes withdrawn; an audit entry.
    Raises: PermissionDeniedError (not the asking side), Conflict (already answered).
    """
    return _answer(
        actor=actor, join_request=join_request, refusal=withdraw_refusal, status=JoinStatus.WITHDRAWN,
        action="team.join_withdraw",
    )  # fmt: skip


def _disband(*, team: Team, now: datetime, actor) -> None:
    TeamMember.objects.filter(team=team).delete()
    _close_team_requests(team=team, now=now, actor=actor)
    team.disbanded_at = now
    team.save(update_fields=["disbanded_at", "updated_at"])


@retry_on_conflict
@transaction.atomic
def team_leave(*, actor, team: Team) -> Team:
    """``actor`` leaves ``team``; the last one out disbands it.

    Side effects: the actor's TeamMember is deleted; when nobody is left the team is disbanded and
    its pending requests withdrawn; an audit entry.
    Raises: PermissionDeniedError (not a member), Conflict (teams closed, the lead of a team with
    other members: hand over first).
    """
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(leave_refusal(actor, team, now=now))
    TeamMember.objects.filter(team=team, user=actor).delete()
    if not TeamMember.objects.filter(team=team).exists():
        _disband(team=team, now=now, actor=actor)
    record_audit(actor=actor, action="team.leave", target=team, disbanded=not team.is_live)
    return team


@retry_on_conflict
@transaction.atomic
def team_member_remove(*, actor, team: Team, user) -> Team:
    """Take ``user`` out of ``team``: its lead while teams form, the sprint's organisers or staff any time.

    Side effects: the TeamMember is deleted; the person is told; an audit entry.
    Raises: PermissionDeniedError, Conflict (the lead, teams closed), ServiceError (not a member).
    """
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(remove_member_refusal(actor, team, user, now=now))
    deleted, _rows = TeamMember.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise ServiceError({"user": [_("%(name)s is not in this team.") % {"name": user.name}]})
    record_audit(actor=actor, action="team.remove_member", target=team, person=user.email)
    notify.notify_team_activity(
        key=f"team-{team.pk}-removed:{user.pk}:{now.timestamp():.0f}",
        users=[user],
        title=_("You are no longer in %(team)s") % {"team": team.name},
        body=_("%(name)s took you out of the team.") % {"name": actor.name},
        url=team.get_absolute_url(),
    )
    return team


@retry_on_conflict
@transaction.atomic
def team_hand_over(*, actor, team: Team, new_lead) -> Team:
    """Make ``new_lead`` (a member) the lead of ``team``.

    Side effects: the team's lead; the new lead is told; an audit entry.
    Raises: PermissionDeniedError (not the lead or an organiser), Conflict (disbanded, sprint
    over, nobody else in the team), ServiceError (``new_lead`` not a member or already lead).
    """
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(hand_over_refusal(actor, team, now=now))
    if new_lead.pk == team.lead_id:
        raise ServiceError({"new_lead": [_("%(name)s already leads this team.") % {"name": new_lead.name}]})
    if not is_team_member(new_lead, team):
        raise ServiceError({"new_lead": [_("%(name)s is not in this team.") % {"name": new_lead.name}]})
    previous = team.lead_id
    team.lead = new_lead
    team.save(update_fields=["lead", "updated_at"])
    record_audit(actor=actor, action="team.hand_over", target=team, previous_lead=previous, new_lead=new_lead.pk)
    notify.notify_team_activity(
        key=f"team-{team.pk}-lead:{new_lead.pk}:{now.timestamp():.0f}",
        users=[new_lead],
        title=_("You now lead %(team)s") % {"team": team.name},
        body=_("%(name)s handed the lead of the team to you.") % {"name": actor.name},
        url=team.get_absolute_url(),
    )
    return team


@retry_on_conflict
@transaction.atomic
def team_disband(*, actor, team: Team) -> Team:
    """Disband ``team``: everyone leaves it, its pending requests are withdrawn, its code stops working.

    The row stays (with how the team formed) for the comparison after the sprint.
    Side effects: members deleted, ``disbanded_at`` set; the other members are told; an audit entry.
    Raises: PermissionDeniedError (not the lead, an organiser or staff), Conflict (already
    disbanded, teams closed for the lead).
    """
    team = locks.lock_team(team)
    now = timezone.now()
    _raise(disband_refusal(actor, team, now=now))
    others = [member.user for member in team.members.select_related("user").exclude(user=actor)]
    _disband(team=team, now=now, actor=actor)
    record_audit(actor=actor, action="team.disband", target=team, members=len(others) + 1)
    notify.notify_team_activity(
        key=f"team-{team.pk}-disbanded",
        users=others,
        title=_("%(team)s was disbanded") % {"team": team.name},
        body=_("%(name)s disbanded the team. You can join or form another one.") % {"name": actor.name},
        url=team.sprint.get_absolute_url(),
    )
    return team


@retry_on_conflict
@transaction.atomic
def team_update(*, actor, team: Team, name: str, description: str = "", track: Track | None = None,
                looking_for: str = "") -> Team:  # fmt: skip
    """Change the team's name, description, track and what it is looking for.

    Side effects: the Team row; an audit entry.
    Raises: PermissionDeniedError (not the lead, an organiser or staff), Conflict (disbanded,
    sprint over), ServiceError per field.
    """
    team = locks.lock_team(team)
    _raise(manage_team_refusal(actor, team, now=timezone.now()))
    values = _clean_team_fields(
        sprint=team.sprint, team=team, name=name, description=description, track=track, looking_for=looking_for
    )
    for field, value in values.items():
        setattr(team, field, value)
    try:
        with transaction.atomic():
            team.save(update_fields=[*TEAM_FIELDS, "updated_at"])
    except IntegrityError as exc:
        raise ServiceError({"name": [_("Another team in this sprint already has this name.")]}) from exc
    record_audit(actor=actor, action="team.update", target=team, name=team.name)
    return team


@retry_on_conflict
@transaction.atomic
def team_regenerate_code(*, actor, team: Team) -> Team:
    """Give ``team`` a new invite code; the old code and link stop working.

    Side effects: the team's ``invite_code``; an audit entry.
    Raises: PermissionDeniedError (not the lead, an organiser or staff), Conflict (disbanded, sprint over).
    """
    team = locks.lock_team(team)
    _raise(manage_team_refusal(actor, team, now=timezone.now()))
    team.invite_code = new_invite_code()
    while Team.objects.filter(invite_code=team.invite_code).exists():
        team.invite_code = new_invite_code()
    team.save(update_fields=["invite_code", "updated_at"])
    record_audit(actor=actor, action="team.regenerate_code", target=team)
    return team
