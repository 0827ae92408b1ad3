"""Reads of a sprint's teams that pages and the API share; each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.timezones import canonical_zone_name, resolve_timezone
from sprintlab.core.validators import MAX_ID
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.teams.models import INVITE_CODE_ALPHABET, JoinDirection, JoinRequest, JoinStatus, Team, TeamMember
from sprintlab.teams.permissions import oversees_team

SEARCH_MAX_LENGTH = 100


def parse_id(value) -> int | None:
    """A positive database id from text a person sent, or None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def live_teams(sprint: Sprint) -> QuerySet[Team]:
    return Team.objects.filter(sprint=sprint, disbanded_at__isnull=True)


def live_team_count(sprint: Sprint) -> int:
    return live_teams(sprint).count()


def _with_sprint(teams, sprint: Sprint) -> list[Team]:
    teams = list(teams)
    for team in teams:
        team.sprint = sprint
        team.open_places = max(sprint.team_size_max - team.member_count, 0)
    return teams


def team_list(*, sprint: Sprint, track_id: int | None = None, open_only: bool = False, query: str = "") -> list[Team]:
    """The sprint's live teams with ``member_count``, ``open_places``, track and lead; one query.

    ``track_id`` keeps one track's teams, ``open_only`` those with a free place, ``query`` those
    whose name, description or "looking for" contains every word.
    """
    teams = live_teams(sprint).select_related("track", "lead").annotate(member_count=Count("members"))
    if track_id is not None:
        teams = teams.filter(track_id=track_id)
    if open_only:
        teams = teams.filter(member_count__lt=sprint.team_size_max)
    for word in " ".join((query or "").split())[:SEARCH_MAX_LENGTH].split()[:8]:
        teams = teams.filter(Q(name__icontains=word) | Q(description__icontains=word) | Q(looking_for__icontains=word))
    return _with_sprint(teams.order_by("name", "id"), sprint)


def get_team(*, sprint: Sprint, team_id: int) -> Team:
    """The live team ``team_id`` of ``sprint`` with ``member_count`` and ``member_ids``; 404 otherwise."""
    team = live_teams(sprint).select_related("track", "lead").filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    team.sprint = sprint
    team.member_ids = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    team.member_count = len(team.member_ids)
    team.open_places = max(sprint.team_size_max - team.member_count, 0)
    return team


def team_of(*, user, sprint: Sprint) -> Team | None:
    """The team ``user`` is in for ``sprint``, or None."""
    if not (user and user.is_authenticated):
        return None
    membership = TeamMember.objects.filter(sprint=sprint, user=user).select_related("team", "team__track").first()
    if membership is None:
        return None
    membership.team.sprint = sprint
    return membership.team


def teams_of_user(user, sprint_ids) -> dict[int, Team]:
    """``{sprint_id: team}`` for the sprints among ``sprint_ids`` where ``user`` is in a team; one query."""
    if not (user and user.is_authenticated):
        return {}
    memberships = TeamMember.objects.filter(user=user, sprint_id__in=list(sprint_ids)).select_related(
        "team", "team__sprint"
    )
    return {membership.sprint_id: membership.team for membership in memberships}


@dataclass(frozen=True)
class MemberRow:
    user: object
    is_lead: bool
    joined_via: str
    joined_at: datetime
    site: LocalSite | None
    zone_name: str
    local_time: str

    @property
    def remote(self) -> bool:
        return self.site is None


def team_members(team: Team, *, now: datetime) -> list[MemberRow]:
    """The team's members, the lead first, each with their site (None: remote) and local time at ``now``.

    Two queries: the members with their people, and their registrations with sites.
    """
    members = list(TeamMember.objects.filter(team=team).select_related("user").order_by("joined_at", "id"))
    registrations = Registration.objects.filter(
        sprint_id=team.sprint_id, user_id__in=[member.user_id for member in members]
    ).select_related("site")
    sites = {registration.user_id: registration.site for registration in registrations}
    rows = []
    for member in members:
        zone = resolve_timezone(member.user.timezone)
        rows.append(
            MemberRow(
                user=member.user,
                is_lead=member.user_id == team.lead_id,
                joined_via=member.get_joined_via_display(),
                joined_at=member.joined_at,
                site=sites.get(member.user_id),
                zone_name=canonical_zone_name(member.user.timezone) if zone else "",
                local_time=format_local(now, "time", zone) if zone else "",
            )
        )
    rows.sort(key=lambda row: not row.is_lead)
    return rows


def pending_for_team(team: Team) -> list[JoinRequest]:
    """Requests to join and invitations of ``team`` still waiting for an answer, oldest first.

    Each person carries ``team_facts`` (confirmed for the sprint, the team they are in), so that
    asking whether each may be accepted costs no query per row.
    """
    requests = list(
        JoinRequest.objects.filter(team=team, status=JoinStatus.PENDING)
        .select_related("user", "created_by")
        .order_by("created_at", "id")
    )
    _add_team_facts(team.sprint, [join_request.user for join_request in requests])
    for join_request in requests:
        join_request.team = team
    return requests


def _add_team_facts(sprint: Sprint, people) -> None:
    """Set ``team_facts`` on ``people`` for ``sprint`` (see ``permissions._joiner_facts``); two queries."""
    ids = {person.pk for person in people}
    if not ids:
        return
    confirmed = set(
        Registration.objects.filter(sprint=sprint, user_id__in=ids, status=RegistrationStatus.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    teams = {
        member.user_id: member.team
        for member in TeamMember.objects.filter(sprint=sprint, user_id__in=ids).select_related("team")
    }
    for person in people:
        person.team_facts = {sprint.pk: (person.pk in confirmed, teams.get(person.pk))}


def pending_of_user(*, user, sprint: Sprint) -> list[JoinRequest]:
    """``user``'s requests and invitations in ``sprint`` still waiting, with their teams; newest first."""
    if not (user and user.is_authenticated):
        return []
    requests = list(
        JoinRequest.objects.filter(user=user, team__sprint=sprint, status=JoinStatus.PENDING).select_related(
            "team", "team__track", "created_by"
        )
    )
    for join_request in requests:
        join_request.team.sprint = sprint
    return requests


def my_invitations(*, user, sprint: Sprint) -> list[JoinRequest]:
    return [r for r in pending_of_user(user=user, sprint=sprint) if r.direction == JoinDirection.INVITATION]


def join_request_for_user(*, sprint: Sprint, request_id: int, user) -> JoinRequest | None:
    """Join request ``request_id`` of ``sprint`` when ``user`` is its person, in its team, or oversees it."""
    join_request = JoinRequest.objects.filter(pk=request_id, team__sprint=sprint).select_related("team", "user").first()
    if join_request is None:
        return None
    join_request.team.sprint = sprint
    if join_request.user_id == user.pk or oversees_team(user, join_request.team):
        return join_request
    if TeamMember.objects.filter(team_id=join_request.team_id, user=user).exists():
        return join_request
    return None


def member_user(*, team: Team, user_id):
    """The member of ``team`` whose id is ``user_id`` (text from a form), or None."""
    pk = parse_id(user_id)
    if pk is None or not TeamMember.objects.filter(team=team, user_id=pk).exists():
        return None
    return get_user_model().objects.get(pk=pk)


def invitable_user(user_id):
    """The person whose id is ``user_id`` (text from a form), or None; the service decides if they may join."""
    pk = parse_id(user_id)
    return get_user_model().objects.filter(pk=pk).first() if pk is not None else None


INVITE_CANDIDATES_SHOWN = 10


def invite_candidates(*, sprint: Sprint, query: str = "") -> list:
    """Up to ten confirmed participants of ``sprint`` without a team, by name; with ``query``, those
    whose name starts a word with it (or whose address starts with it)."""
    query = " ".join((query or "").split())[:SEARCH_MAX_LENGTH]
    in_a_team = TeamMember.objects.filter(sprint=sprint).values("user_id")
    people = (
        get_user_model()
        .objects.filter(registrations__sprint=sprint, registrations__status=RegistrationStatus.CONFIRMED)
        .exclude(pk__in=in_a_team)
        .order_by("display_name", "email")
    )
    if query:
        people = people.filter(
            Q(display_name__istartswith=query) | Q(display_name__icontains=f" {query}") | Q(email__istartswith=query)
        )
    return list(people[:INVITE_CANDIDATES_SHOWN])


def normalise_code(code: str) -> str:
    """An invite code as typed: any case, spaces or dashes between the characters."""
    return "".join(ch for ch in (code or "").upper() if ch in INVITE_CODE_ALPHABET)[:16]


def team_for_code(code: str) -> Team:
    """The live team with invite code ``code``; a ServiceError that says what is wrong otherwise."""
    clean = normalise_code(code)
    team = Team.objects.select_related("sprint", "track").filter(invite_code=clean).first() if clean else None
    if team is None:
        raise ServiceError(
            {"code": [_("No team has this code. Check it with the team; a team lead may have renewed it.")]}
        )
    if not team.is_live:
        raise Conflict(_("This code belonged to “%(team)s”, which was disbanded.") % {"team": team.name})
    return team


def get_team_by_id(*, team_id: int, user) -> Team:
    """The live team ``team_id`` in a sprint ``user`` may see (as ``get_team``); 404 otherwise, drafts included."""
    slug = live_teams_anywhere().filter(pk=team_id).values_list("sprint__slug", flat=True).first()
    if slug is None:
        raise Http404("No such team.")
    return get_team(sprint=sprint_for_viewer(slug, user), team_id=team_id)


def live_teams_anywhere() -> QuerySet[Team]:
    return Team.objects.filter(disbanded_at__isnull=True)


def get_join_request_for_user(*, request_id: int, user) -> JoinRequest:
    """Join request ``request_id`` when ``user`` may see it (its person, the team's members, organisers); 404 otherwise."""
    join_request = JoinRequest.objects.filter(pk=request_id).select_related("team__sprint", "user").first()
    if join_request is not None:
        found = join_request_for_user(sprint=join_request.team.sprint, request_id=request_id, user=user)
        if found is not None:
            return found
    raise Http404("No such request.")
