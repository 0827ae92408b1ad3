"""Reads of the team finder, shared by its pages and its API.

``looking_pool`` and ``open_teams`` turn the sprint's rows into the ranking's ``Candidate`` and
``TeamCandidate`` values in a fixed handful of queries, whatever the sprint's size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Prefetch, Value, When

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
CARDS_CACHE_SECONDS = 600
RECENT_CARDS_KEPT = 4
_RECENT_CARDS: dict[str, dict[int, Candidate]] = {}
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


@dataclass(frozen=True)
class SprintPeople:
    """Who takes part and where (user id → site id, None for remote), and who is in a team.

    Read once per request with two index scans, then joined in Python: cheaper than correlated
    subqueries per profile row when thousands are looking.
    """

    places: dict[int, int | None]
    in_teams: frozenset[int]
    site_names: dict[int, str]


def sprint_people(sprint: Sprint) -> SprintPeople:
    return SprintPeople(
        places=dict(_confirmed(sprint).values_list("user_id", "site_id")),
        in_teams=frozenset(TeamMember.objects.filter(sprint=sprint).values_list("user_id", flat=True)),
        site_names=_site_names(sprint),
    )


def _cards_key(sprint: Sprint) -> str:
    """Changes whenever a card is saved (services stamp ``updated_at``, bulk updates too) or added."""
    stamp = FinderProfile.objects.filter(sprint=sprint, is_looking=True).aggregate(
        changed=Max("updated_at"), count=Count("id")
    )
    changed = stamp["changed"].timestamp() if stamp["changed"] else 0
    return f"sprintlab:teamfinder:cards:v1:{sprint.pk}:{stamp['count']}:{changed}:{sprint.kickoff_at.timestamp()}"


def looking_cards(sprint: Sprint) -> dict[int, Candidate]:
    """Every card marked as looking, as the ranking's vectors (without the place), by user id.

    Built once per change of the sprint's cards and kept in the cache: decoding thousands of cards
    costs more than ranking them. Names changed on the account may show up to
    ``CARDS_CACHE_SECONDS`` late; who is in a team and where people take part are read live.
    """
    key = _cards_key(sprint)
    cards = _RECENT_CARDS.get(key) or cache.get(key)
    if cards is None:
        rows = FinderProfile.objects.filter(sprint=sprint, is_looking=True).values(
            "user_id",
            "note",
            *PROFILE_FIELDS,
            display_name=F("user__display_name"),
            email=F("user__email"),
            user_timezone=F("user__timezone"),
        )
        cards = {row["user_id"]: _candidate(sprint, {**row, "site_id": None}, row, {}) for row in rows}
        cache.set(key, cards, CARDS_CACHE_SECONDS)
    if key not in _RECENT_CARDS:
        # Unpickling thousands of cards from the shared cache costs more than the ranking itself:
        # each process also keeps the few it used last (the key changes with every saved card).
        while len(_RECENT_CARDS) >= RECENT_CARDS_KEPT:
            _RECENT_CARDS.pop(next(iter(_RECENT_CARDS)))
        _RECENT_CARDS[key] = cards
    return cards


def looking_pool(sprint: Sprint, people: SprintPeople | None = None) -> list[Candidate]:
    """Everyone confirmed, marked as looking and not in a team."""
    people = people or sprint_people(sprint)
    pool = []
    for user_id, card in looking_cards(sprint).items():
        if user_id not in people.places or user_id in people.in_teams:
            continue
        site_id = people.places[user_id]
        pool.append(
            card if site_id is None else replace(card, site_id=site_id, site_name=people.site_names.get(site_id, ""))
        )
    return pool


def viewer_candidate(sprint: Sprint, user, people: SprintPeople | None = None) -> Candidate:
    """The viewer as the ranking sees them, from their card (or their account's zone when they have none)."""
    people = people or sprint_people(sprint)
    profile = FinderProfile.objects.filter(sprint=sprint, user=user).values("note", *PROFILE_FIELDS).first()
    row = {
        "user_id": user.pk,
        "display_name": user.display_name,
        "email": user.email,
        "user_timezone": user.timezone,
        "site_id": people.places.get(user.pk),
    }
    return _candidate(sprint, row, profile, people.site_names)


def open_teams(sprint: Sprint, people: SprintPeople | None = None) -> list[TeamCandidate]:
    """Live teams with room, each with its members' skills, interests, sites and shared hours: three queries."""
    teams = list(
        Team.objects.filter(sprint=sprint, disbanded_at__isnull=True)
        .annotate(size=Count("members"))
        .filter(size__lt=sprint.team_size_max)
        .values("id", "name", "track_id", "looking_for", "size")
    )
    if not teams:
        return []
    places = people.places if people else sprint_people(sprint).places
    members = list(
        TeamMember.objects.filter(team_id__in=[team["id"] for team in teams]).values(
            "team_id", "user_id", user_timezone=F("user__timezone")
        )
    )
    profiles = {
        row["user_id"]: row
        for row in FinderProfile.objects.filter(
            sprint=sprint, user_id__in=[member["user_id"] for member in members]
        ).values("user_id", *PROFILE_FIELDS)
    }
    by_team: dict[int, list[Candidate]] = {}
    for member in members:
        row = {**member, "display_name": "", "email": "", "site_id": places.get(member["user_id"])}
        by_team.setdefault(member["team_id"], []).append(_candidate(sprint, row, profiles.get(member["user_id"]), {}))
    candidates = []
    for team in teams:
        team_people = by_team.get(team["id"], [])
        skills = interests = 0
        waking = -1
        for person in team_people:
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
                waking=max(waking, 0) if team_people else 0,
                site_ids=frozenset(person.site_id for person in team_people),
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
    everyone = sprint_people(sprint)
    viewer = viewer_candidate(sprint, user, everyone)
    team = team_of(sprint, user)
    people = rank_people(viewer, looking_pool(sprint, everyone), limit=PEOPLE_SUGGESTED)
    teams = [] if team else rank_teams(viewer, open_teams(sprint, everyone), limit=TEAMS_SUGGESTED)
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
