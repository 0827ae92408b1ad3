"""The sprint's people and teams as the ranking sees them, rebuilt only when the sprint's rows change.

A suggestions request must not read and decode 3,000 cards, registrations and team members: that is
most of its cost. Instead it reads one row of version stamps (``sprint_stamps``: the count and latest
change of the sprint's cards, registrations, teams, team members and sites) and looks the sprint's
candidates up by them. They are rebuilt only when a stamp moved, so a request after any write sees
it, in every process, and otherwise costs one small query.

Two tiers, because they change at different rates and cost different amounts to build:

- ``Cards`` (every card of the sprint, decoded, and the looking ones as vectors): the expensive part
  (JSON lists, masks), keyed by the cards' stamp and the kickoff day; kept in the shared cache. When
  a few cards are saved, only those are read and decoded again (``_cards_changed_since``).
- ``SprintCandidates`` (the pool with everyone's place, the open teams with their members' vectors):
  three cheap queries on top of the cards, keyed by every stamp; kept per process.

Each process also keeps the last few of each in memory: unpickling thousands of cards from the
shared cache costs more than ranking them. Nothing is kept in memory or in the cache longer than a
minute (built upon for at most a minute more), so a name changed on an account (not on a card)
shows within a few minutes; every other change at once.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import CharField, Count, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.teamfinder.matching import Candidate, TeamCandidate, interest_mask, skill_mask, waking_mask
from sprintlab.teamfinder.models import DEFAULT_WAKING_END, DEFAULT_WAKING_START, FinderProfile
from sprintlab.teams.models import Team, TeamMember

CARDS_CACHE_SECONDS = 60
RECENT_KEPT = 4
RECENT_SECONDS = 60
CHANGED_CARDS_OVERLAP = timedelta(seconds=10)  # card saves commit within milliseconds
PROFILE_FIELDS = ("interests", "skills", "free_tags", "timezone", "waking_start", "waking_end", "preferred_track_id")


def _name(display_name: str, email: str) -> str:
    return display_name or email.split("@")[0]


def candidate(sprint: Sprint, row: dict, profile: dict | None, site_names: dict[int, str]) -> Candidate:
    """``row`` has user_id, display_name, email, user_timezone and site_id; ``profile`` the PROFILE_FIELDS
    and note, or None."""
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


# --- Version stamps -----------------------------------------------------------------------------


def _stamp(model, latest: str) -> Subquery:
    """ "count:latest" of the sprint's rows of ``model``: moves with every row added, removed or saved
    (services stamp ``updated_at``, bulk updates too; team members are only added and removed)."""
    rows = model.objects.filter(sprint_id=OuterRef("pk")).order_by().values("sprint_id")
    stamp = Concat(Cast(Count("pk"), CharField()), Value(":"), Cast(Max(latest), CharField()), output_field=CharField())
    return Subquery(rows.annotate(stamp=stamp).values("stamp"), output_field=CharField())


SPRINT_STAMPS = PrecompiledQuery(
    lambda pk: (
        Sprint.objects.filter(pk=pk)
        .order_by()
        .values_list(
            _stamp(FinderProfile, "updated_at"),
            _stamp(Registration, "updated_at"),
            _stamp(Team, "updated_at"),
            _stamp(TeamMember, "id"),
            _stamp(LocalSite, "updated_at"),
        )
    ),
    pk=-7_000_301,
)


@dataclass(frozen=True)
class Stamps:
    cards: str
    people: str
    card_count: int


def sprint_stamps(sprint: Sprint) -> Stamps:
    """One query: where the sprint's cards, and where its registrations, teams, members and sites, stand."""
    rows = SPRINT_STAMPS.rows(pk=sprint.pk)
    cards, *people = rows[0] if rows else (None, None, None, None, None)
    cards = cards or "0:"  # no card yet
    kickoff = sprint.kickoff_at.timestamp()
    return Stamps(
        cards=f"{sprint.pk}:{kickoff}:{cards}",
        people=f"{sprint.pk}:{kickoff}:{cards}:{sprint.team_size_max}:{':'.join(str(part) for part in people)}",
        card_count=int(cards.split(":", 1)[0]),
    )


class _Recent:
    """The few values this process built or read last, oldest dropped first, none older than
    ``RECENT_SECONDS``: a bound on staleness should a write ever leave the stamps unmoved (an app
    server whose clock lags the others' stamps a change earlier than the latest one)."""

    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[float, object]] = {}

    def get(self, key: Hashable):
        kept = self._values.get(key)
        if kept is None or time.monotonic() - kept[0] > RECENT_SECONDS:
            return None
        return kept[1]

    def keep(self, key: Hashable, value):
        self._values.pop(key, None)
        while len(self._values) >= RECENT_KEPT:
            self._values.pop(next(iter(self._values)))
        self._values[key] = (time.monotonic(), value)
        return value


_RECENT_CARDS = _Recent()
_LATEST_CARDS = _Recent()  # by sprint: where a change of a few cards starts from
_RECENT_CANDIDATES = _Recent()
_LATEST_CANDIDATES = _Recent()  # by sprint: what the next build reuses


# --- Cards --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cards:
    """Every card of the sprint decoded (user id → its fields, with the person's name, email and zone),
    and the cards marked as looking as the ranking's vectors, without their place.

    ``latest`` is the latest change among them; ``read_at`` when they were last all read (a time
    stamp, as they are shared between processes through the cache)."""

    profiles: dict[int, dict]
    looking: dict[int, Candidate]
    kickoff_at: datetime
    latest: datetime | None
    read_at: float


def sprint_cards(sprint: Sprint, stamps: Stamps) -> Cards:
    key = f"sprintlab:teamfinder:cards:v2:{hashlib.blake2b(stamps.cards.encode(), digest_size=16).hexdigest()}"
    cards = _RECENT_CARDS.get(key)
    if cards is not None:
        return cards
    # Cheapest first: this process's cards and the few saved since; then another process's full
    # read from the shared cache (only full reads go there: pickling 3,000 cards costs 20 ms).
    cards = _cards_changed_since(sprint, _LATEST_CARDS.get(sprint.pk), stamps.card_count) or cache.get(key)
    if cards is None:
        cards = _all_cards(sprint)
        cache.set(key, cards, CARDS_CACHE_SECONDS)
    _LATEST_CARDS.keep(sprint.pk, cards)
    return _RECENT_CARDS.keep(key, cards)


def _card_rows(sprint: Sprint):
    return (
        FinderProfile.objects.filter(sprint=sprint)
        .order_by()
        .values(
            "user_id",
            "is_looking",
            "note",
            "updated_at",
            *PROFILE_FIELDS,
            display_name=F("user__display_name"),
            email=F("user__email"),
            user_timezone=F("user__timezone"),
        )
    )


def _all_cards(sprint: Sprint) -> Cards:
    read_at = time.time()
    profiles = {row["user_id"]: row for row in _card_rows(sprint)}
    looking = {
        user_id: candidate(sprint, {**row, "site_id": None}, row, {})
        for user_id, row in profiles.items()
        if row["is_looking"]
    }
    latest = max((row["updated_at"] for row in profiles.values()), default=None)
    return Cards(profiles=profiles, looking=looking, kickoff_at=sprint.kickoff_at, latest=latest, read_at=read_at)


def _cards_changed_since(sprint: Sprint, previous: Cards | None, count: int) -> Cards | None:
    """``previous`` with the cards saved since (decoding one card, not 3,000, when one is saved), or
    None when all must be read: nothing recent to start from, the kickoff moved (every waking mask
    with it), or a card is gone (the counts differ)."""
    if (
        previous is None
        or previous.latest is None
        or previous.kickoff_at != sprint.kickoff_at
        or time.time() - previous.read_at > RECENT_SECONDS
    ):
        return None
    # Some overlap: a card stamped just before ``latest`` may have been committed just after it was
    # read. Rows read again unchanged keep their decoded card.
    changed = [
        row
        for row in _card_rows(sprint).filter(updated_at__gte=previous.latest - CHANGED_CARDS_OVERLAP)
        if previous.profiles.get(row["user_id"]) != row
    ]
    profiles = {**previous.profiles, **{row["user_id"]: row for row in changed}}
    if len(profiles) != count:
        return None
    looking = dict(previous.looking)
    for row in changed:
        if row["is_looking"]:
            looking[row["user_id"]] = candidate(sprint, {**row, "site_id": None}, row, {})
        else:
            looking.pop(row["user_id"], None)
    latest = max([previous.latest, *(row["updated_at"] for row in changed)])
    return Cards(
        profiles=profiles, looking=looking, kickoff_at=previous.kickoff_at, latest=latest, read_at=previous.read_at
    )


# --- People and teams ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintCandidates:
    """What a suggestions request ranks: ``pool`` is everyone confirmed, looking and in no team, with
    their place; ``teams`` the live teams with room. ``places`` maps every confirmed person to their
    site (None for remote); ``cards`` holds every card, looking or not."""

    pool: tuple[Candidate, ...]
    teams: tuple[TeamCandidate, ...]
    places: dict[int, int | None]
    site_names: dict[int, str]
    cards: Cards
    # user id → (their card, the card with their site): the next build reuses what did not change.
    placed: dict[int, tuple[Candidate, Candidate]]

    def viewer(self, sprint: Sprint, user) -> Candidate:
        """The viewer as the ranking sees them: their card (or their account's zone) and their place."""
        row = {
            "user_id": user.pk,
            "display_name": user.display_name,
            "email": user.email,
            "user_timezone": user.timezone,
            "site_id": self.places.get(user.pk),
        }
        return candidate(sprint, row, self.cards.profiles.get(user.pk), self.site_names)

    def has_card(self, user) -> bool:
        return user.pk in self.cards.profiles


def sprint_candidates(sprint: Sprint) -> SprintCandidates:
    """The sprint's candidates as of now: one query when nothing changed since this process last built them."""
    stamps = sprint_stamps(sprint)
    found = _RECENT_CANDIDATES.get(stamps.people)
    if found is None:
        found = _build(sprint, sprint_cards(sprint, stamps), _LATEST_CANDIDATES.get(sprint.pk))
        _RECENT_CANDIDATES.keep(stamps.people, found)
        _LATEST_CANDIDATES.keep(sprint.pk, found)
    return found


def _build(sprint: Sprint, cards: Cards, previous: SprintCandidates | None) -> SprintCandidates:
    places = dict(
        Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values_list("user_id", "site_id")
    )
    site_names = dict(LocalSite.objects.filter(sprint=sprint).order_by().values_list("id", "name"))
    members = list(
        TeamMember.objects.filter(sprint=sprint).order_by().values_list("team_id", "user_id", "user__timezone")
    )
    in_teams = {user_id for _team_id, user_id, _zone in members}
    # The same objects as the previous build for everyone whose card and site did not change: a
    # rebuild then leaves few new objects behind, and so few for the garbage collector to walk
    # (its full passes over a process holding thousands of cards cost 100 ms and more).
    reusable = previous.placed if previous is not None else {}
    pool, placed = [], {}
    for user_id, card in cards.looking.items():
        if user_id not in places or user_id in in_teams:
            continue
        site_id = places[user_id]
        if site_id is None:
            pool.append(card)
            continue
        entry = reusable.get(user_id)
        site_name = site_names.get(site_id, "")
        if entry is None or entry[0] is not card or entry[1].site_id != site_id or entry[1].site_name != site_name:
            entry = (card, replace(card, site_id=site_id, site_name=site_name))
        placed[user_id] = entry
        pool.append(entry[1])
    return SprintCandidates(
        pool=tuple(pool),
        teams=tuple(_open_teams(sprint, cards, places, members)),
        places=places,
        site_names=site_names,
        cards=cards,
        placed=placed,
    )


def _open_teams(sprint: Sprint, cards: Cards, places: dict, members: list[tuple]) -> list[TeamCandidate]:
    """Live teams with room, each with its members' skills and interests together and the hours all share."""
    sizes = Counter(team_id for team_id, _user_id, _zone in members)
    teams = [
        team
        for team in Team.objects.filter(sprint=sprint, disbanded_at__isnull=True)
        .order_by()
        .values_list("id", "name", "track_id", "looking_for")
        if sizes[team[0]] < sprint.team_size_max
    ]
    open_ids = {team[0] for team in teams}
    by_team: dict[int, list[Candidate]] = {}
    for team_id, user_id, zone in members:
        if team_id in open_ids:
            row = {"user_id": user_id, "display_name": "", "email": "", "user_timezone": zone}
            row["site_id"] = places.get(user_id)
            by_team.setdefault(team_id, []).append(candidate(sprint, row, cards.profiles.get(user_id), {}))
    candidates = []
    for team_id, name, track_id, looking_for in teams:
        team_people = by_team.get(team_id, [])
        skills = interests = 0
        waking = -1
        for person in team_people:
            skills |= person.skills
            interests |= person.interests
            waking &= person.waking
        candidates.append(
            TeamCandidate(
                team_id=team_id,
                name=name,
                size=sizes[team_id],
                capacity=sprint.team_size_max,
                track_id=track_id,
                skills=skills,
                interests=interests,
                waking=max(waking, 0) if team_people else 0,
                site_ids=frozenset(person.site_id for person in team_people),
                looking_for=looking_for,
            )
        )
    return candidates
