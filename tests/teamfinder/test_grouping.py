"""Grouping the solos, without a database."""

import random
import time

import pytest

from sprintlab.teamfinder.grouping import group_sizes, group_solos
from tests.teamfinder.test_matching import person


@pytest.mark.parametrize(
    ("count", "smallest", "largest", "sizes"),
    [
        (0, 1, 5, []),
        (1, 1, 5, []),  # a team of one is no team
        (2, 1, 5, [2]),
        (7, 1, 5, [4, 3]),
        (10, 2, 5, [5, 5]),
        (6, 4, 5, [5]),  # no split fits two groups: one stays alone
        (3, 4, 5, []),
    ],
)
def test_group_sizes(count, smallest, largest, sizes):
    assert group_sizes(count, smallest=smallest, largest=largest) == sizes


def test_on_site_people_stay_at_their_site_and_remote_people_mix():
    people = (
        [person(i, site=1) for i in range(1, 5)] + [person(i, site=None) for i in range(5, 11)] + [person(11, site=2)]
    )
    result = group_solos(people, smallest=2, largest=4)
    assert sorted(len(group.members) for group in result.groups) == [3, 3, 4]
    for group in result.groups:
        assert {member.site_id for member in group.members} == {group.site_id}
    assert [p.user_id for p in result.left_alone] == [11]


def test_groups_share_tracks_and_hours():
    people = [person(i, track=1, zone="Asia/Tokyo") for i in range(1, 5)] + [
        person(i, track=2, zone="America/Chicago") for i in range(5, 9)
    ]
    result = group_solos(people, smallest=2, largest=4)
    assert sorted({m.track_id for m in g.members}.pop() for g in result.groups) == [1, 2]
    assert all(len({m.track_id for m in g.members}) == 1 for g in result.groups)


def test_three_thousand_solos_group_quickly():
    rng = random.Random(8)
    zones = ["Europe/London", "Asia/Kolkata", "America/New_York", "Africa/Nairobi", "Asia/Tokyo"]
    interests = ["evaluations", "governance", "interpretability", "red_teaming", "control"]
    skills = ["software", "policy", "statistics", "writing", "ml_engineering"]
    people = [
        person(i, zone=rng.choice(zones), interests=rng.sample(interests, 2), skills=rng.sample(skills, 2),
               site=rng.choice([None, None, 1, 2, 3]), track=rng.choice([None, 1, 2]))
        for i in range(1, 3001)
    ]  # fmt: skip
    started = time.perf_counter()
    result = group_solos(people, smallest=2, largest=5)
    assert time.perf_counter() - started < 10
    placed = sum(len(group.members) for group in result.groups)
    assert placed + len(result.left_alone) == 3000
    assert not result.left_alone
