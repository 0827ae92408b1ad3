"""Reads of the team finder, shared by its pages and its API.

Suggestions rank the sprint's candidates (``candidates.sprint_candidates``: built from the sprint's
rows once per change, whatever the sprint's size); the grouping reads its solos afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Value, When

from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.teamfinder.candidates import PROFILE_FIELDS, candidate, sprint_candidates
from sprintlab.teamfinder.matching import Candidate, Suggestion, rank_people, rank_teams
from sprintlab.teamfinder.models import (
    FinderProfile,
    GroupingRun,
    GroupStatus,
    ProposalResponse,
    ProposedGroup,
    ProposedMember,
)
from sprintlab.teams.models import Team, TeamMember, TeamOrigin

PEOPLE_SUGGESTED = 10
TEAMS_SUGGESTED = 5


def profile_of(sprint: Sprint, user) -> FinderProfile | None:
    return FinderProfile.objects.filter(sprint=sprint, user=user).select_related("preferred_track").first()


def team_of(sprint: Sprint, user) -> Team | None:
    member = TeamMember.objects.filter(sprint=sprint, user=user).select_related("team").first()
    return member.team if member else None


def _confirmed(sprint: Sprint):
    return Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)


def _in_a_team(sprint: Sprint, user_ref: str = "user_id"):
    return Exists(TeamMember.objects.filter(sprint=sprint, user_id=OuterRef(user_ref)))


@dataclass
class Suggestions:
    viewer: Candidate
    team: Team | None
    people: list[Suggestion]
    teams: list[Suggestion]
    has_card: bool = False


def looking_pool(sprint: Sprint) -> tuple[Candidate, ...]:
    """Everyone confirmed, marked as looking and not in a team, with their place."""
    return sprint_candidates(sprint).pool


def suggestions_for(sprint: Sprint, user) -> Suggestions:
    """People (and, for someone not yet in a team, teams with room) ranked for ``user``, with reasons.

    Two queries whatever the sprint's size: the sprint's version stamps (its candidates come from
    memory unless something changed, see ``candidates``) and the viewer's team.
    """
    everyone = sprint_candidates(sprint)
    viewer = everyone.viewer(sprint, user)
    team = team_of(sprint, user)
    people = rank_people(viewer, everyone.pool, limit=PEOPLE_SUGGESTED)
    teams = [] if team else rank_teams(viewer, everyone.teams, limit=TEAMS_SUGGESTED)
    return Suggestions(viewer=viewer, team=team, people=people, teams=teams, has_card=everyone.has_card(user))


# --- Grouping -----------------------------------------------------------------------------------


def _in_open_group(sprint: Sprint):
    return Exists(
        ProposedMember.objects.filter(
            sprint=sprint, user_id=OuterRef("user_id"), group__status=GroupStatus.OPEN
        ).exclude(response=ProposalResponse.DECLINED)
    )


def solos(sprint: Sprint) -> list[Candidate]:
    """Confirmed people with no team and no open proposal, except those who said they are not looking."""
    rows = (
        _confirmed(sprint)
        .exclude(_in_a_team(sprint))
        .exclude(_in_open_group(sprint))
        .exclude(Exists(FinderProfile.objects.filter(sprint=sprint, user_id=OuterRef("user_id"), is_looking=False)))
        .values("user_id", "site_id", display_name=F("user__display_name"), email=F("user__email"))
        .annotate(user_timezone=F("user__timezone"))
    )
    profiles = {
        row["user_id"]: row
        for row in FinderProfile.objects.filter(sprint=sprint).values("user_id", "note", *PROFILE_FIELDS)
    }
    site_names = dict(LocalSite.objects.filter(sprint=sprint).values_list("id", "name"))
    return [candidate(sprint, row, profiles.get(row["user_id"]), site_names) for row in rows]


def still_alone(sprint: Sprint):
    """Confirmed people in no team, with their person and site, by name."""
    return (
        _confirmed(sprint)
        .exclude(_in_a_team(sprint))
        .select_related("user", "site")
        .order_by("user__display_name", "user__email")
    )


def grouping_runs(sprint: Sprint):
    """The sprint's runs, newest first, each with its groups, their sites, tracks, teams and members."""
    members = ProposedMember.objects.select_related("user").order_by("id")
    groups = ProposedGroup.objects.select_related("site", "track", "team").prefetch_related(
        Prefetch("members", queryset=members)
    )
    return (
        GroupingRun.objects.filter(sprint=sprint)
        .select_related("created_by")
        .prefetch_related(Prefetch("groups", queryset=groups))
    )


def proposal_of(sprint: Sprint, user) -> ProposedMember | None:
    """The person's latest place in a proposed group (open first), with the group and its members."""
    return (
        ProposedMember.objects.filter(sprint=sprint, user=user)
        .select_related("group__site", "group__track", "group__team", "sprint")
        .prefetch_related(Prefetch("group__members", queryset=ProposedMember.objects.select_related("user")))
        .annotate(closed=Case(When(group__status=GroupStatus.OPEN, then=Value(0)), default=Value(1)))
        .order_by("closed", "-group__run_id")
        .first()
    )


# --- After the sprint ---------------------------------------------------------------------------

# Submissions arrive in a later release; until then no team has one, and pages say so.
SUBMISSIONS_OPEN = False


@dataclass(frozen=True)
class OriginOutcome:
    origin: str
    label: str
    teams: int
    teams_with_submission: int


def formation_outcomes(sprint: Sprint) -> list[OriginOutcome]:
    """Per way of forming (self, finder, grouping): how many teams formed and how many submitted.

    Disbanded teams count too: a team that broke up is an outcome of how it formed. "Submitted" is
    0 everywhere until submissions exist (``SUBMISSIONS_OPEN``): the place to count them is here.
    """
    counts = dict(Team.objects.filter(sprint=sprint).values_list("origin").annotate(count=Count("id")))
    return [
        OriginOutcome(
            origin=origin.value, label=str(origin.label), teams=counts.get(origin.value, 0), teams_with_submission=0
        )
        for origin in TeamOrigin
    ]
