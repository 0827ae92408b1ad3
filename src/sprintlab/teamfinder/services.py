"""Writes of the team finder: a person's card, the organisers' grouping, and answers to a proposal.

Lock order, as everywhere: the sprint, then the proposed group (the team-to-be), then people's rows.

When a proposed group becomes a team (the rule, also in docs/teamfinder.md): once nobody's answer
is pending, the group forms a team of those who accepted if they are at least two (or the sprint's
smallest team size, if larger); otherwise it dissolves and they are back among the solos for the
next run. An organiser may close an open group early (people who never answer): those who accepted
form the team by the same count, and the unanswered places lapse.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.accounts.models import validate_timezone
from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.registrations.seats import lock_sprint
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teamfinder import grouping, selectors
from sprintlab.teamfinder.models import (
    FinderProfile,
    GroupingRun,
    GroupStatus,
    ProposalResponse,
    ProposedGroup,
    ProposedMember,
)
from sprintlab.teamfinder.permissions import respond_refusal, run_grouping_refusal, use_finder_refusal
from sprintlab.teamfinder.vocabulary import MAX_FREE_TAG_LENGTH, MAX_FREE_TAGS, Interest, Skill
from sprintlab.teams import services as team_services
from sprintlab.teams.models import JoinedVia, JoinRequest, Team, TeamMember, TeamOrigin
from sprintlab.teams.notify import notify_team_activity

NOTE_LENGTH = 280


def _cleaned_profile(
    *,
    sprint: Sprint,
    interests: list[str],
    skills: list[str],
    free_tags: list[str],
    zone: str,
    waking_start: int,
    waking_end: int,
    preferred_track: Track | None,
    note: str,
) -> dict:
    errors: dict[str, list[str]] = {}
    if set(interests) - set(Interest.values):
        errors["interests"] = [_("Choose interests from the list.")]
    if set(skills) - set(Skill.values):
        errors["skills"] = [_("Choose skills from the list.")]
    tags = list(dict.fromkeys(tag.strip().lower() for tag in free_tags if tag.strip()))
    if len(tags) > MAX_FREE_TAGS or any(len(tag) > MAX_FREE_TAG_LENGTH for tag in tags):
        errors["free_tags"] = [
            _("At most %(count)d other interests of up to %(length)d characters each.")
            % {"count": MAX_FREE_TAGS, "length": MAX_FREE_TAG_LENGTH}
        ]
    try:
        validate_timezone(zone)
    except ValidationError as exc:
        errors["timezone"] = exc.messages
    if not zone:
        errors["timezone"] = [_("Choose your time zone.")]
    if not (0 <= waking_start <= 23):
        errors["waking_start"] = [_("Choose an hour from 0 to 23.")]
    if not (0 <= waking_end <= 24):
        errors["waking_end"] = [_("Choose an hour from 0 to 24.")]
    if preferred_track is not None and preferred_track.sprint_id != sprint.pk:
        errors["preferred_track"] = [_("This track belongs to another sprint.")]
    if len(note) > NOTE_LENGTH:
        errors["note"] = [_("At most %(count)d characters.") % {"count": NOTE_LENGTH}]
    if errors:
        raise ServiceError(errors)
    return {
        "interests": [value for value in Interest.values if value in interests],
        "skills": [value for value in Skill.values if value in skills],
        "free_tags": tags,
        "timezone": zone,
        "waking_start": waking_start,
        "waking_end": waking_end,
        "preferred_track": preferred_track,
        "note": note.strip(),
    }


@transaction.atomic
def finder_profile_save(
    *,
    actor,
    sprint: Sprint,
    is_looking: bool,
    interests: list[str],
    skills: list[str],
    free_tags: list[str],
    timezone_name: str,
    waking_start: int,
    waking_end: int,
    preferred_track: Track | None,
    note: str,
) -> FinderProfile:
    """Create or change the actor's card in ``sprint``. Audit ``teamfinder.profile_save``.

    Raises PermissionDeniedError (not a confirmed participant), Conflict (teams closed) or
    ServiceError per field.
    """
    refusal = use_finder_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    values = _cleaned_profile(
        sprint=sprint,
        interests=interests,
        skills=skills,
        free_tags=free_tags,
        zone=timezone_name,
        waking_start=waking_start,
        waking_end=waking_end,
        preferred_track=preferred_track,
        note=note,
    )
    profile, created = FinderProfile.objects.update_or_create(
        sprint=sprint, user=actor, defaults={"is_looking": is_looking, **values}
    )
    record_audit(actor=actor, action="teamfinder.profile_save", target=profile, created=created, looking=is_looking)
    return profile


@retry_on_conflict
@transaction.atomic
def grouping_run_create(*, actor, sprint: Sprint) -> GroupingRun:
    """Group every confirmed person without a team or an open proposal into proposed groups.

    Writes one run, its groups and their members (bulk). Each proposed person is told (inbox item
    and email as their team-activity preferences say) with a link to accept or decline.
    Audit ``teamfinder.grouping_run``.
    Raises PermissionDeniedError (not the sprint's organiser) or Conflict (teams closed).
    """
    sprint = lock_sprint(sprint)
    refusal = run_grouping_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    people = selectors.solos(sprint)
    result = grouping.group_solos(people, smallest=sprint.team_size_min, largest=sprint.team_size_max)
    run = GroupingRun.objects.create(
        sprint=sprint,
        created_by=actor,
        parameters={"team_size_min": sprint.team_size_min, "team_size_max": sprint.team_size_max},
        people_count=len(people),
        group_count=len(result.groups),
        left_alone_count=len(result.left_alone),
    )
    groups = ProposedGroup.objects.bulk_create(
        ProposedGroup(run=run, sprint=sprint, number=number, site_id=group.site_id, track_id=group.track_id)
        for number, group in enumerate(result.groups, start=1)
    )
    ProposedMember.objects.bulk_create(
        ProposedMember(group=row, sprint=sprint, user_id=member.user_id)
        for row, group in zip(groups, result.groups, strict=True)
        for member in group.members
    )
    record_audit(actor=actor, action="teamfinder.grouping_run", target=run, people=len(people), groups=len(groups))
    _tell_the_proposed(run, [member.user_id for group in result.groups for member in group.members])
    return run


def _tell_the_proposed(run: GroupingRun, user_ids: list[int]) -> None:
    """One message for everyone proposed by ``run``: their group's page has the names and the buttons."""
    sprint = run.sprint
    notify_team_activity(
        key=f"teamfinder-run-{run.pk}-proposed",
        users=get_user_model().objects.filter(pk__in=user_ids).only("pk", "email").order_by("pk"),
        title=_("You are proposed for a team in %(sprint)s") % {"sprint": sprint.title},
        body=_(
            "The organisers of %(sprint)s grouped people who are still looking for a team, and proposed "
            "you for one. See who is in it, then accept or decline: the group becomes a team once "
            "everyone has answered and at least two have accepted."
        )
        % {"sprint": sprint.title},
        url=reverse("teamfinder:my_group", kwargs={"slug": sprint.slug}),
        # The run was created in this transaction, so no message can have its key yet.
        fresh_key=True,
    )


def _lock_group(group: ProposedGroup) -> tuple[ProposedGroup, list[ProposedMember]]:
    group = ProposedGroup.objects.select_for_update().select_related("run", "sprint").get(pk=group.pk)
    members = list(group.members.select_for_update().order_by("id"))
    return group, members


def _unique_team_name(sprint: Sprint, group: ProposedGroup) -> str:
    base = _("Group %(run)d-%(number)d") % {"run": group.run_id, "number": group.number}
    name, suffix = base, 2
    while Team.objects.filter(sprint=sprint, name__iexact=name, disbanded_at__isnull=True).exists():
        name, suffix = f"{base} ({suffix})", suffix + 1
    return name


def _settle(group: ProposedGroup, members: list[ProposedMember], *, actor, closing: bool) -> None:
    """Form the team or dissolve the group once nobody is pending (or when an organiser closes it)."""
    if not closing and any(member.response == ProposalResponse.PENDING for member in members):
        return
    sprint = group.sprint
    accepted = [member for member in members if member.response == ProposalResponse.ACCEPTED]
    in_a_team = set(
        TeamMember.objects.filter(sprint=sprint, user_id__in=[member.user_id for member in accepted]).values_list(
            "user_id", flat=True
        )
    )
    joining = [member for member in accepted if member.user_id not in in_a_team]
    now = timezone.now()
    if len(joining) >= max(2, sprint.team_size_min):
        joining.sort(key=lambda member: (member.responded_at, member.pk))
        team = Team.objects.create(
            sprint=sprint,
            name=_unique_team_name(sprint, group),
            track_id=group.track_id,
            lead_id=joining[0].user_id,
            origin=TeamOrigin.GROUPING,
        )
        TeamMember.objects.bulk_create(
            TeamMember(team=team, sprint=sprint, user_id=member.user_id, joined_via=JoinedVia.GROUPING)
            for member in joining[: sprint.team_size_max]
        )
        # ``updated_at`` too: it stamps the cached cards (candidates.sprint_stamps).
        FinderProfile.objects.filter(sprint=sprint, user_id__in=[member.user_id for member in joining]).update(
            is_looking=False, updated_at=now
        )
        group.status, group.team = GroupStatus.FORMED, team
        record_audit(actor=actor, action="teamfinder.group_formed", target=team, group=group.pk)
    else:
        group.status = GroupStatus.DISSOLVED
    group.decided_at = now
    group.save(update_fields=["status", "team", "decided_at"])


@retry_on_conflict
@transaction.atomic
def proposal_respond(*, actor, member: ProposedMember, accept: bool) -> ProposedMember:
    """Accept or decline the actor's place in a proposed group; the last answer forms or dissolves it.

    Audit ``teamfinder.proposal_accept``/``proposal_decline`` (and ``group_formed``). Raises
    PermissionDeniedError (someone else's place) or Conflict (answered, closed, already in a team).
    """
    lock_sprint(member.sprint)
    group, members = _lock_group(member.group)
    member = next((row for row in members if row.pk == member.pk), None)
    if member is None:
        raise Conflict(_("This proposal no longer exists."))
    member.group = group
    refusal = respond_refusal(actor, member, accept=accept, now=timezone.now())
    if refusal is not None:
        raise refusal
    member.response = ProposalResponse.ACCEPTED if accept else ProposalResponse.DECLINED
    member.responded_at = timezone.now()
    member.save(update_fields=["response", "responded_at"])
    record_audit(actor=actor, action=f"teamfinder.proposal_{'accept' if accept else 'decline'}", target=member)
    _settle(group, members, actor=actor, closing=False)
    return member


@retry_on_conflict
@transaction.atomic
def proposed_group_close(*, actor, group: ProposedGroup) -> ProposedGroup:
    """An organiser closes an open group: those who accepted form the team if they are enough.

    Audit ``teamfinder.group_close``. Raises PermissionDeniedError or Conflict (closed already, teams closed).
    """
    sprint = lock_sprint(group.sprint)
    refusal = run_grouping_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    group, members = _lock_group(group)
    if group.status != GroupStatus.OPEN:
        raise Conflict(_("This group is closed already."))
    _settle(group, members, actor=actor, closing=True)
    record_audit(actor=actor, action="teamfinder.group_close", target=group, status=group.status)
    return group


@transaction.atomic
def finder_team_start_and_invite(*, actor, sprint: Sprint, name: str, invitee) -> JoinRequest:
    """Found a team named ``name`` with the actor as lead and invite ``invitee`` from the finder.

    Both or neither: a refused invitation (the person joined a team meanwhile) leaves no team behind.
    The team's origin turns to "finder" when the invitation is accepted (``teams.services``).
    Raises what ``teams.services.team_create`` and ``invitation_create`` raise; audit entries are theirs.
    """
    refusal = use_finder_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    if invitee.pk == actor.pk:
        raise ServiceError(_("Choose someone else to invite."))
    team = team_services.team_create(actor=actor, sprint=sprint, name=name)
    return team_services.invitation_create(actor=actor, team=team, user=invitee, from_finder=True)
