"""Grouping the solos into proposed teams, from the same ``Candidate`` masks as the ranking; no database.

People are grouped where they take part: each site's on-site people among themselves, remote people
across all sites together. Within a place, groups are as even as the sprint's team sizes allow, and
built greedily: the first person not yet placed (in an order that puts the same track, the same main
interest and nearby time zones side by side) seeds a group, which then takes, one at a time, whoever
among the next ``WINDOW`` unplaced people fits it best (the same track, shared interests, skills the
group lacks, waking hours everyone shares). The window keeps 3,000 people well under a second.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sprintlab.teamfinder.matching import (
    HOURS_THAT_COUNT,
    SKILLS_THAT_COUNT,
    SLOTS_PER_HOUR,
    WEIGHT_HOURS,
    WEIGHT_INTERESTS,
    WEIGHT_SKILLS,
    WEIGHT_TRACK,
    Candidate,
    jaccard,
)

WINDOW = 80
# A team of one is no team: groups have at least two people, or the sprint's minimum if larger.
SMALLEST_GROUP = 2


@dataclass(slots=True)
class Group:
    site_id: int | None
    track_id: int | None
    members: list[Candidate]


@dataclass(slots=True)
class Grouping:
    groups: list[Group]
    # People who could not be placed: too few at their site to make a group.
    left_alone: list[Candidate]


def group_sizes(count: int, *, smallest: int, largest: int) -> list[int]:
    """Sizes for ``count`` people: as even as possible, each between ``smallest`` and ``largest``.
    Their sum is below ``count`` only when no split fits (the rest stay alone)."""
    smallest = max(smallest, SMALLEST_GROUP)
    largest = max(largest, smallest)
    if count < smallest:
        return []
    groups = math.ceil(count / largest)
    if count // groups < smallest:
        groups = count // smallest
    placed = min(count, groups * largest)
    base, extra = divmod(placed, groups)
    return [base + 1 if index < extra else base for index in range(groups)]


def _affinity(candidate: Candidate, track_id: int | None, interests: int, skills: int, waking: int) -> float:
    hours = min((candidate.waking & waking).bit_count(), HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    score = (
        WEIGHT_INTERESTS * jaccard(candidate.interests, interests)
        + WEIGHT_SKILLS * min((candidate.skills & ~skills).bit_count(), SKILLS_THAT_COUNT) / SKILLS_THAT_COUNT
        + WEIGHT_HOURS * hours / (HOURS_THAT_COUNT * SLOTS_PER_HOUR)
    )
    if track_id is not None and candidate.track_id == track_id:
        score += WEIGHT_TRACK
    elif candidate.track_id is None:
        score += WEIGHT_TRACK / 2
    return score


def _order_key(candidate: Candidate) -> tuple:
    main_interest = (candidate.interests & -candidate.interests).bit_length()
    first_waking_slot = (candidate.waking & -candidate.waking).bit_length()
    return (candidate.track_id is None, candidate.track_id or 0, main_interest, first_waking_slot, candidate.user_id)


def _group_place(people: list[Candidate], sizes: list[int], site_id: int | None) -> list[Group]:
    remaining = sorted(people, key=_order_key)
    groups = []
    for size in sizes:
        seed = remaining.pop(0)
        members = [seed]
        interests, skills, waking = seed.interests, seed.skills, seed.waking
        while len(members) < size:
            window = remaining[:WINDOW]
            best = max(
                range(len(window)),
                key=lambda index: _affinity(window[index], seed.track_id, interests, skills, waking),
            )
            chosen = remaining.pop(best)
            members.append(chosen)
            interests |= chosen.interests
            skills |= chosen.skills
            # The hours everyone shares, unless the newcomer shares none: then keep the group's.
            waking = (waking & chosen.waking) or waking
        tracks = Counter(member.track_id for member in members if member.track_id is not None)
        track_id = tracks.most_common(1)[0][0] if tracks else None
        groups.append(Group(site_id=site_id, track_id=track_id, members=members))
    return groups


def group_solos(people: Sequence[Candidate], *, smallest: int, largest: int) -> Grouping:
    """Proposed groups of ``people``, per site for on-site people and across sites for remote ones."""
    by_place: dict[int | None, list[Candidate]] = defaultdict(list)
    for person in people:
        by_place[person.site_id].append(person)
    groups: list[Group] = []
    left_alone: list[Candidate] = []
    for site_id in sorted(by_place, key=lambda site: (site is None, site or 0)):
        place = by_place[site_id]
        sizes = group_sizes(len(place), smallest=smallest, largest=largest)
        placed = _group_place(place, sizes, site_id)
        groups.extend(placed)
        placed_ids = {member.user_id for group in placed for member in group.members}
        left_alone.extend(person for person in place if person.user_id not in placed_ids)
    return Grouping(groups=groups, left_alone=left_alone)
