"""Reads of the team finder, shared by its pages and its API.

``looking_pool`` and ``open_teams`` turn the sprint's rows into the ranking's ``Candidate`` and
``TeamCandidate`` values in a fixed handful of queries, whatever the sprint's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Subquery, Value, When

from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.teamfinder.matching import (
    Candidate,
    Suggestion,
    TeamCandidate,
    interest_mask,
    rank_people,
    rank_teams,
    skill_mask,
    waking_mask,
)
from sprintlab.teamfinder.models import (
    DEFAULT_WAKING_END,
    DEFAULT_WAKING_START,
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
PROFILE_FIELDS = ("interests", "skills", "free_tags", "timezone", "waking_start", "waking_end", "preferred_track_id")


def profile_of(sprint: Sprint, user) -> FinderProfile | None:
    return FinderProfile.objects.filter(sprint=sprint, user=user).select_related("preferred_track").first()


def team_of(sprint: Sprint, user) -> Team | None:
    member = TeamMember.objects.filter(sprint=sprint, user=user).select_related("team").first()
    return member.team if member else None


def _confirmed(sprint: Sprint):
    return Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)


def _in_a_team(sprint: Sprint, user_ref: str = "user_id"):
    return Exists(TeamMember.objects.filter(sprint=sprint, user_id=OuterRef(user_ref)))


def _site_names(sprint: Sprint) -> dict[int, str]:
    return dict(LocalSite.objects.filter(sprint=sprint).values_list("id", "name"))


def _name(display_name: str, email: str) -> str:
    return display_name or email.split("@")[0]


def _candidate(sprint: Sprint, row: dict, profile: dict | None, site_names: dict[int, str]) -> Candidate:
    """``row`` has user_id, name, email, user_timezone and site_id; ``profile`` the PROFILE_FIELDS or None."""
    profile = profile or {}
    zone = profile.get("timezone") or row["user_timezone"] or "UTC"
    start = profile.get("waking_start", DEFAULT_WAKING_START)
    end = profile.get("waking_end", DEFAULT_WAKING_END)
    return Candidate(
        user_id=row["user_id"],
        name=_name(row["display_name"], row["email"]),
        skills=skill_mask(profile.get("skills") or ()),
        interests=interest_mask(profile.get("interests") or ()),
        waking=waking_mask(zone, start, end, sprint.kickoff_at),
        track_id=profile.get("preferred_track_id"),
        site_id=row["site_id"],
        site_name=site_names.get(row["site_id"], ""),
        timezone=zone,
        free_tags=frozenset(tag.lower() for tag in profile.get("free_tags") or ()),
        note=profile.get("note", ""),
    )


def looking_pool(sprint: Sprint) -> list[Candidate]:
    """Everyone confirmed, marked as looking and not in a team: two queries."""
    site_of = _confirmed(sprint).filter(user_id=OuterRef("user_id")).values("site_id")[:1]
    rows = (
        FinderProfile.objects.filter(sprint=sprint, is_looking=True)
        .filter(Exists(_confirmed(sprint).filter(user_id=OuterRef("user_id"))))
        .exclude(_in_a_team(sprint))
        .annotate(site_id=Subquery(site_of))
        .values(
            "user_id",
            "note",
            "site_id",
            *PROFILE_FIELDS,
            display_name=F("user__display_name"),
            email=F("user__email"),
            user_timezone=F("user__timezone"),
        )
    )
    site_names = _site_names(sprint)
    return [_candidate(sprint, row, row, site_names) for row in rows]


def viewer_candidate(sprint: Sprint, user) -> Candidate:
    """The viewer as the ranking sees them, from their card (or their account's zone when they have none)."""
    registration = _confirmed(sprint).filter(user=user).values("site_id").first() or {"site_id": None}
    profile = FinderProfile.objects.filter(sprint=sprint, user=user).values("note", *PROFILE_FIELDS).first()
    row = {
        "user_id": user.pk,
        "display_name": user.display_name,
        "email": user.email,
        "user_timezone": user.timezone,
        "site_id": registration["site_id"],
    }
    return _candidate(sprint, row, profile, _site_names(sprint))


def open_teams(sprint: Sprint) -> list[TeamCandidate]:
    """Live teams with room, each with its members' skills, interests, sites and shared hours: three queries."""
    teams = list(
        Team.objects.filter(sprint=sprint, disbanded_at__isnull=True)
        .annotate(size=Count("members"))
        .filter(size__lt=sprint.team_size_max)
        .values("id", "name", "track_id", "looking_for", "size")
    )
    if not teams:
        return []
    site_of = _confirmed(sprint).filter(user_id=OuterRef("user_id")).values("site_id")[:1]
    members = (
        TeamMember.objects.filter(team_id__in=[team["id"] for team in teams])
        .annotate(site_id=Subquery(site_of))
        .values("team_id", "user_id", "site_id", "user__timezone")
    )
    profiles = {
        row["user_id"]: row
        for row in FinderProfile.objects.filter(sprint=sprint, user__team_memberships__sprint=sprint).values(
            "user_id", *PROFILE_FIELDS
        )
    }
    by_team: dict[int, list[Candidate]] = {}
    for member in members:
        row = {**member, "display_name": "", "email": "", "user_timezone": member["user__timezone"]}
        by_team.setdefault(member["team_id"], []).append(_candidate(sprint, row, profiles.get(member["user_id"]), {}))
    candidates = []
    for team in teams:
        people = by_team.get(team["id"], [])
        skills = interests = 0
        waking = -1
        for person in people:
            skills |= person.skills
            interests |= person.interests
            waking &= person.waking
        candidates.append(
            TeamCandidate(
                team_id=team["id"],
                name=team["name"],
                size=team["size"],
                capacity=sprint.team_size_max,
                track_id=team["track_id"],
                skills=skills,
                interests=interests,
                waking=max(waking, 0) if people else 0,
                site_ids=frozenset(person.site_id for person in people),
                looking_for=team["looking_for"],
            )
        )
    return candidates


@dataclass
class Suggestions:
    viewer: Candidate
    team: Team | None
    people: list[Suggestion]
    teams: list[Suggestion]


def suggestions_for(sprint: Sprint, user) -> Suggestions:
    """People (and, for someone not yet in a team, teams with room) ranked for ``user``, with reasons."""
    viewer = viewer_candidate(sprint, user)
    team = team_of(sprint, user)
    people = rank_people(viewer, looking_pool(sprint), limit=PEOPLE_SUGGESTED)
    teams = [] if team else rank_teams(viewer, open_teams(sprint), limit=TEAMS_SUGGESTED)
    return Suggestions(viewer=viewer, team=team, people=people, teams=teams)


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
    site_names = _site_names(sprint)
    return [_candidate(sprint, row, profiles.get(row["user_id"]), site_names) for row in rows]


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
