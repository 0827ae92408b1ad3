"""The ranking and its reasons, without a database."""

import random
from datetime import UTC, datetime

from sprintlab.teamfinder.matching import (
    FULL_DAY,
    Candidate,
    TeamCandidate,
    _people_scored,
    interest_mask,
    person_score,
    rank_people,
    rank_teams,
    shared_hours,
    skill_mask,
    waking_mask,
)
from sprintlab.teamfinder.vocabulary import Interest, Skill

DAY = datetime(2026, 6, 6, 12, tzinfo=UTC)


def person(
    user_id, *, interests=(), skills=(), zone="Europe/London", start=8, end=23, track=None, site=None, name=None
):
    return Candidate(
        user_id=user_id,
        name=name or f"P{user_id}",
        skills=skill_mask(skills),
        interests=interest_mask(interests),
        waking=waking_mask(zone, start, end, DAY),
        track_id=track,
        site_id=site,
        site_name=f"Site {site}" if site else "",
        timezone=zone,
    )


def test_waking_masks_count_half_hours_across_zones():
    london = waking_mask("Europe/London", 8, 23, DAY)  # summer: UTC+1, 07:00–22:00 UTC
    kolkata = waking_mask("Asia/Kolkata", 8, 23, DAY)  # UTC+5:30, 02:30–17:30 UTC
    assert shared_hours(london) == 15
    assert shared_hours(london & kolkata) == 10.5
    assert waking_mask("UTC", 5, 5, DAY) == FULL_DAY
    # A night owl's hours wrap past midnight.
    assert shared_hours(waking_mask("UTC", 18, 3, DAY)) == 9


def test_unknown_zone_counts_as_utc():
    assert waking_mask("Mars/Olympus", 8, 23, DAY) == waking_mask("UTC", 8, 23, DAY)


def test_complementary_skills_shared_interests_and_hours_rank_first():
    viewer = person(1, interests=["evaluations"], skills=["software"], name="Ada")
    good = person(2, interests=["evaluations"], skills=["policy"], name="Bea")
    same_skills = person(3, interests=["evaluations"], skills=["software"])
    far_away = person(4, interests=["evaluations"], skills=["policy"], zone="Pacific/Auckland")
    unrelated = person(5, interests=["forecasting"], skills=["software"])
    ranked = rank_people(viewer, [unrelated, far_away, same_skills, good, viewer], limit=10)
    assert [s.person.user_id for s in ranked] == [2, 4, 3, 5]
    assert ranked[0].reasons == [
        "both on evaluations",
        "you write code, Bea has a policy background",
        "both remote",
        "15 h of shared daytime",
    ]


def test_site_and_track_count():
    viewer = person(1, site=7, track=3)
    same_site = person(2, site=7)
    same_track = person(3, site=8, track=3)
    elsewhere = person(4, site=8)
    ranked = rank_people(viewer, [elsewhere, same_track, same_site])
    assert [s.person.user_id for s in ranked] == [2, 3, 4]
    assert "both at Site 7" in ranked[0].reasons
    assert "same track" in ranked[1].reasons


def test_full_teams_are_left_out_and_teams_say_what_you_bring():
    viewer = person(1, interests=["governance"], skills=["policy"])
    needs_policy = TeamCandidate(
        team_id=10, name="A", size=2, capacity=4, track_id=None, skills=skill_mask(["software"]),
        interests=interest_mask(["governance"]), waking=viewer.waking, site_ids=frozenset({None}),
    )  # fmt: skip
    full = TeamCandidate(
        team_id=11, name="B", size=4, capacity=4, track_id=None, skills=0, interests=viewer.interests,
        waking=viewer.waking, site_ids=frozenset({None}),
    )  # fmt: skip
    ranked = rank_teams(viewer, [full, needs_policy])
    assert [s.team.team_id for s in ranked] == [10]
    assert ranked[0].reasons[:2] == [
        "the team is on AI governance",
        "you have a policy background, which the team lacks",
    ]
    assert "2 places left" in ranked[0].reasons


def test_the_ranking_loop_scores_exactly_as_person_score():
    """``rank_people`` scores with ``person_score`` written out for speed: the same floats, to the last bit."""
    rng = random.Random(8)
    zones = ["Europe/London", "Asia/Kolkata", "America/New_York", "Pacific/Auckland", "UTC"]

    def anyone(user_id):
        return person(
            user_id,
            interests=rng.sample(Interest.values, rng.randint(0, 4)),
            skills=rng.sample(Skill.values, rng.randint(0, 5)),
            zone=rng.choice(zones),
            start=rng.randint(0, 23),
            end=rng.randint(0, 24),
            track=rng.choice([None, 1, 2]),
            site=rng.choice([None, 7, 8]),
        )

    pool = [anyone(user_id) for user_id in range(1, 400)]
    for viewer in pool[:40]:
        expected = [(person_score(viewer, other), -other.user_id) for other in pool if other is not viewer]
        assert [(score, negative_id) for score, negative_id, _ in _people_scored(viewer, pool)] == expected
