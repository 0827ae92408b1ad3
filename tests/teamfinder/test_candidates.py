"""The sprint's candidates kept between requests: every write moves the stamps, and what is kept
after a few cards change is what a fresh read gives."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.teamfinder import candidates, services
from sprintlab.teamfinder.candidates import sprint_candidates, sprint_stamps
from sprintlab.teamfinder.models import FinderProfile
from sprintlab.teams.models import TeamMember
from tests.factories import RegistrationFactory
from tests.teamfinder.helpers import finder_world
from tests.teams.factories import TeamFactory, add_member

pytestmark = pytest.mark.django_db

CARD = {
    "is_looking": True,
    "interests": ["governance"],
    "skills": ["policy"],
    "free_tags": [],
    "timezone_name": "Asia/Kolkata",
    "waking_start": 6,
    "waking_end": 20,
    "preferred_track": None,
    "note": "",
}


def _forget_in_this_process():
    cache.clear()
    for kept in (candidates._RECENT_CARDS, candidates._LATEST_CARDS, candidates._RECENT_CANDIDATES):
        kept._values.clear()


def _as_read_afresh(sprint):
    _forget_in_this_process()
    return sprint_candidates(sprint)


def _same(kept, fresh):
    """The same pool, teams and places, whatever the order they were built in."""
    assert sorted(kept.pool, key=lambda c: c.user_id) == sorted(fresh.pool, key=lambda c: c.user_id)
    assert sorted(kept.teams, key=lambda t: t.team_id) == sorted(fresh.teams, key=lambda t: t.team_id)
    assert kept.places == fresh.places and kept.site_names == fresh.site_names
    assert kept.cards.profiles == fresh.cards.profiles and kept.cards.looking == fresh.cards.looking


def test_every_kind_of_write_moves_the_stamps():
    world = finder_world()
    person = world.looking()
    seen = [sprint_stamps(world.sprint)]

    def moved():
        now = sprint_stamps(world.sprint)
        assert now != seen[-1]
        seen.append(now)

    assert sprint_stamps(world.sprint) == seen[-1]  # nothing written: nothing moves
    services.finder_profile_save(actor=person, sprint=world.sprint, **CARD)
    moved()
    newcomer = world.confirmed(site=world.site)
    moved()
    Registration.objects.get(user=newcomer).save()  # e.g. a switch of site: services stamp updated_at
    moved()
    team = TeamFactory(sprint=world.sprint)  # a team, its lead's registration and membership
    moved()
    add_member(team, person, register=False)
    moved()
    TeamMember.objects.filter(user=person).delete()
    moved()
    world.site.name = "Renamed hub"
    world.site.save()
    moved()
    FinderProfile.objects.filter(user=person).delete()
    moved()


def test_a_sprint_without_cards_still_sees_its_teams_change():
    world = finder_world()
    viewer = world.confirmed()
    assert sprint_candidates(world.sprint).teams == ()
    team = TeamFactory(sprint=world.sprint)
    assert [t.team_id for t in sprint_candidates(world.sprint).teams] == [team.pk]
    assert not sprint_candidates(world.sprint).has_card(viewer)


def test_cards_changed_since_the_last_request_give_what_a_fresh_read_gives():
    world = finder_world()
    people = [world.looking(site=world.site if n % 2 else None) for n in range(6)]
    TeamFactory(sprint=world.sprint)
    sprint_candidates(world.sprint)  # kept in this process from now on
    services.finder_profile_save(actor=people[0], sprint=world.sprint, **CARD)
    services.finder_profile_save(actor=people[1], sprint=world.sprint, **{**CARD, "is_looking": False})
    late = world.looking()
    kept = sprint_candidates(world.sprint)
    assert kept.cards.read_at == candidates._LATEST_CARDS.get(world.sprint.pk).read_at
    assert people[1].pk not in {c.user_id for c in kept.pool} and late.pk in {c.user_id for c in kept.pool}
    _same(kept, _as_read_afresh(world.sprint))


def test_a_card_gone_or_a_new_kickoff_means_reading_every_card():
    world = finder_world()
    people = [world.looking() for _ in range(3)]
    first = sprint_candidates(world.sprint)
    FinderProfile.objects.filter(user=people[0]).delete()
    after_delete = sprint_candidates(world.sprint)
    assert after_delete.cards.read_at > first.cards.read_at  # read afresh: the counts differed
    assert people[0].pk not in after_delete.cards.profiles
    world.sprint.kickoff_at += timedelta(hours=7)
    world.sprint.save()
    moved = sprint_candidates(world.sprint)
    _same(moved, _as_read_afresh(world.sprint))


def test_a_cancelled_registration_leaves_the_pool_at_once():
    world = finder_world()
    other = world.looking()
    assert other.pk in {c.user_id for c in sprint_candidates(world.sprint).pool}
    Registration.objects.filter(user=other).update(status=RegistrationStatus.CANCELLED, updated_at=timezone.now())
    assert other.pk not in {c.user_id for c in sprint_candidates(world.sprint).pool}
    RegistrationFactory(sprint=world.sprint, site=world.site)
    assert sprint_candidates(world.sprint).places == _as_read_afresh(world.sprint).places
