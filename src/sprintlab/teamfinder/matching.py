"""Ranking people and teams for one person, from precomputed masks; no database here.

Each person is a ``Candidate``: their skills and interests as bit masks over the controlled
vocabulary (``vocabulary.SKILL_BITS``/``INTEREST_BITS``) and their waking hours as a mask of the
48 half hours of a UTC day. Comparing two people is then a handful of integer operations, so
ranking 3,000 people takes a few milliseconds of plain Python (docs/performance.md).

A score adds up, each part between 0 and its weight: shared interests (Jaccard of the interest
masks), complementary skills (skills the other has and the viewer lacks, up to three), the same
preferred track, shared waking hours (up to eight), and site compatibility (the same site, or both
remote). Every part that counts also gives a reason in words.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sprintlab.teamfinder.vocabulary import INTEREST_BITS, SKILL_BITS, SKILL_PHRASES, Interest, Skill

SLOTS_PER_DAY = 48  # half hours, so that India's and Newfoundland's offsets count exactly
SLOTS_PER_HOUR = 2
FULL_DAY = (1 << SLOTS_PER_DAY) - 1

WEIGHT_INTERESTS = 4.0
WEIGHT_SKILLS = 3.0
WEIGHT_HOURS = 3.0
WEIGHT_TRACK = 2.0
WEIGHT_SITE = 2.0
SKILLS_THAT_COUNT = 3
HOURS_THAT_COUNT = 8


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person as the ranking sees them. ``site_id`` None means remote."""

    user_id: int
    name: str
    skills: int
    interests: int
    waking: int
    track_id: int | None = None
    site_id: int | None = None
    site_name: str = ""
    timezone: str = "UTC"
    free_tags: frozenset[str] = frozenset()
    note: str = ""


@dataclass(slots=True)
class TeamCandidate:
    """A live team with room: its members' skills and interests together, and the hours all share."""

    team_id: int
    name: str
    size: int
    capacity: int
    track_id: int | None
    skills: int
    interests: int
    waking: int
    site_ids: frozenset[int | None]
    looking_for: str = ""


@dataclass(slots=True)
class Suggestion:
    score: float
    shared_hours: float
    reasons: list[str] = field(default_factory=list)
    person: Candidate | None = None
    team: TeamCandidate | None = None


# --- Vectors ------------------------------------------------------------------------------------


def skill_mask(values: Iterable[str]) -> int:
    return _mask(values, SKILL_BITS)


def interest_mask(values: Iterable[str]) -> int:
    return _mask(values, INTEREST_BITS)


def _mask(values: Iterable[str], bits: dict[str, int]) -> int:
    mask = 0
    for value in values:
        mask |= bits.get(value, 0)
    return mask


def labels(mask: int, choices: type[Interest] | type[Skill]) -> list[str]:
    return [str(label) for index, label in enumerate(_lazy_labels(choices)) if mask >> index & 1]


@lru_cache(maxsize=2)
def _lazy_labels(choices: type[Interest] | type[Skill]) -> tuple:
    """``choices.labels`` builds its list on every call; the labels are lazy, so translated when shown."""
    return tuple(choices.labels)


@lru_cache(maxsize=1024)
def _utc_offset_slots(zone_name: str, day: datetime) -> int:
    try:
        offset = ZoneInfo(zone_name).utcoffset(day.replace(tzinfo=None))
    except (KeyError, ValueError):
        return 0
    return round(offset.total_seconds() / 1800) if offset is not None else 0


@lru_cache(maxsize=4096)
def waking_mask(zone_name: str, start: int, end: int, day: datetime) -> int:
    """The UTC half hours of ``day`` in which someone in ``zone_name`` is awake from ``start`` to ``end``
    o'clock local time (a start after the end wraps past midnight; equal means all day)."""
    if start == end % 24:
        return FULL_DAY
    offset = _utc_offset_slots(zone_name, day)
    length = ((end - start) % 24) * SLOTS_PER_HOUR
    local_start = start * SLOTS_PER_HOUR
    mask = 0
    for slot in range(local_start, local_start + length):
        mask |= 1 << ((slot - offset) % SLOTS_PER_DAY)
    return mask


def shared_hours(mask: int) -> float:
    return mask.bit_count() / SLOTS_PER_HOUR


def jaccard(a: int, b: int) -> float:
    union = a | b
    return (a & b).bit_count() / union.bit_count() if union else 0.0


# --- Ranking ------------------------------------------------------------------------------------


def person_score(viewer: Candidate, other: Candidate) -> float:
    new_skills = min((other.skills & ~viewer.skills).bit_count(), SKILLS_THAT_COUNT)
    hours = min((viewer.waking & other.waking).bit_count(), HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    score = (
        WEIGHT_INTERESTS * jaccard(viewer.interests, other.interests)
        + WEIGHT_SKILLS * new_skills / SKILLS_THAT_COUNT
        + WEIGHT_HOURS * hours / (HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    )
    if viewer.track_id is not None and viewer.track_id == other.track_id:
        score += WEIGHT_TRACK
    if viewer.site_id == other.site_id:
        score += WEIGHT_SITE
    return score


def team_score(viewer: Candidate, team: TeamCandidate) -> float:
    brings = min((viewer.skills & ~team.skills).bit_count(), SKILLS_THAT_COUNT)
    hours = min((viewer.waking & team.waking).bit_count(), HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    score = (
        WEIGHT_INTERESTS * jaccard(viewer.interests, team.interests)
        + WEIGHT_SKILLS * brings / SKILLS_THAT_COUNT
        + WEIGHT_HOURS * hours / (HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    )
    if viewer.track_id is not None and viewer.track_id == team.track_id:
        score += WEIGHT_TRACK
    # Teams may mix sites and remote people: a team with someone in the viewer's place is a bonus.
    if viewer.site_id in team.site_ids:
        score += WEIGHT_SITE
    return score


def _people_scored(viewer: Candidate, pool: Iterable[Candidate]) -> Iterator[tuple[float, int, Candidate]]:
    """``(person_score(viewer, other), -other.user_id, other)`` for everyone in ``pool`` but the viewer.

    ``person_score`` written out with the viewer's parts read once: the same operations in the same
    order, so the very same floats (tests/teamfinder/test_matching.py compares them), at half the cost
    per person, which counts over thousands of them on every suggestions request.
    """
    interests, lacking, waking = viewer.interests, ~viewer.skills, viewer.waking
    track_id, site_id, viewer_id = viewer.track_id, viewer.site_id, viewer.user_id
    most_slots = HOURS_THAT_COUNT * SLOTS_PER_HOUR
    for other in pool:
        if other.user_id == viewer_id:
            continue
        union = interests | other.interests
        shared = (interests & other.interests).bit_count() / union.bit_count() if union else 0.0
        new_skills = (other.skills & lacking).bit_count()
        if new_skills > SKILLS_THAT_COUNT:
            new_skills = SKILLS_THAT_COUNT
        hours = (waking & other.waking).bit_count()
        if hours > most_slots:
            hours = most_slots
        score = (
            WEIGHT_INTERESTS * shared
            + WEIGHT_SKILLS * new_skills / SKILLS_THAT_COUNT
            + WEIGHT_HOURS * hours / most_slots
        )
        if track_id is not None and track_id == other.track_id:
            score += WEIGHT_TRACK
        if site_id == other.site_id:
            score += WEIGHT_SITE
        yield score, -other.user_id, other


def rank_people(viewer: Candidate, pool: Sequence[Candidate], *, limit: int = 10) -> list[Suggestion]:
    """The ``limit`` best people in ``pool`` for ``viewer`` (never the viewer), best first, with reasons."""
    best = heapq.nlargest(limit, _people_scored(viewer, pool), key=itemgetter(0, 1))
    return [
        Suggestion(
            score=round(score, 2),
            shared_hours=shared_hours(viewer.waking & other.waking),
            reasons=person_reasons(viewer, other),
            person=other,
        )
        for score, _negative_id, other in best
    ]


def rank_teams(viewer: Candidate, teams: Sequence[TeamCandidate], *, limit: int = 5) -> list[Suggestion]:
    """The ``limit`` best teams with room for ``viewer``, best first, with reasons."""
    scored = ((team_score(viewer, team), -team.team_id, team) for team in teams if team.size < team.capacity)
    best = heapq.nlargest(limit, scored, key=lambda item: (item[0], item[1]))
    return [
        Suggestion(
            score=round(score, 2),
            shared_hours=shared_hours(viewer.waking & team.waking),
            reasons=team_reasons(viewer, team),
            team=team,
        )
        for score, _negative_id, team in best
    ]


# --- Reasons ------------------------------------------------------------------------------------


def _and_list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _hours_reason(hours: float) -> str:
    if hours <= 0:
        return _("no shared daytime")
    shown = f"{hours:g}"
    return ngettext("%(hours)s h of shared daytime", "%(hours)s h of shared daytime", int(hours)) % {"hours": shown}


def _skill_phrase(mask: int, *, person: int) -> str:
    """How to say the first skill in ``mask``: ``person`` 0 for "you", 1 for someone else."""
    first = next((value for value in Skill.values if mask & SKILL_BITS[value]), None)
    return str(SKILL_PHRASES[first][person]) if first else ""


def person_reasons(viewer: Candidate, other: Candidate) -> list[str]:
    reasons = []
    common = labels(viewer.interests & other.interests, Interest)[:2]
    if common:
        reasons.append(_("both on %(topics)s") % {"topics": _and_list(common)})
    shared_tags = sorted(viewer.free_tags & other.free_tags)[:2]
    if shared_tags:
        reasons.append(_("both tagged %(tags)s") % {"tags": _and_list([f"“{tag}”" for tag in shared_tags])})
    theirs = _skill_phrase(other.skills & ~viewer.skills, person=1)
    yours = _skill_phrase(viewer.skills & ~other.skills, person=0)
    if theirs and yours:
        reasons.append(_("you %(yours)s, %(name)s %(theirs)s") % {"yours": yours, "name": other.name, "theirs": theirs})
    elif theirs:
        reasons.append(_("%(name)s %(theirs)s") % {"name": other.name, "theirs": theirs})
    if viewer.track_id is not None and viewer.track_id == other.track_id:
        reasons.append(_("same track"))
    if viewer.site_id == other.site_id:
        reasons.append(
            _("both remote") if viewer.site_id is None else _("both at %(site)s") % {"site": other.site_name}
        )
    reasons.append(_hours_reason(shared_hours(viewer.waking & other.waking)))
    return reasons


def team_reasons(viewer: Candidate, team: TeamCandidate) -> list[str]:
    reasons = []
    common = labels(viewer.interests & team.interests, Interest)[:2]
    if common:
        reasons.append(_("the team is on %(topics)s") % {"topics": _and_list(common)})
    brings = _skill_phrase(viewer.skills & ~team.skills, person=0)
    if brings:
        reasons.append(_("you %(skill)s, which the team lacks") % {"skill": brings})
    if viewer.track_id is not None and viewer.track_id == team.track_id:
        reasons.append(_("your track"))
    if viewer.site_id in team.site_ids:
        reasons.append(_("remote members") if viewer.site_id is None else _("members at your site"))
    reasons.append(
        ngettext("%(free)d place left", "%(free)d places left", team.capacity - team.size)
        % {"free": team.capacity - team.size}
    )
    reasons.append(_hours_reason(shared_hours(viewer.waking & team.waking)))
    return reasons
