"""The team finder's writes: cards, grouping runs, answers, and teams formed from groups."""

import pytest
from django.utils import timezone

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.teamfinder import selectors, services
from sprintlab.teamfinder.models import FinderProfile, GroupStatus, ProposalResponse, ProposedMember
from sprintlab.teams.models import JoinDirection, JoinedVia, JoinRequest, TeamMember, TeamOrigin
from tests.factories import UserFactory
from tests.teamfinder.helpers import finder_world
from tests.teams.factories import TeamFactory, add_member

pytestmark = pytest.mark.django_db

CARD = {
    "is_looking": True,
    "interests": ["evaluations", "governance"],
    "skills": ["software"],
    "free_tags": [" Sparse Autoencoders ", "sparse autoencoders"],
    "timezone_name": "Asia/Kolkata",
    "waking_start": 9,
    "waking_end": 22,
    "preferred_track": None,
    "note": "Happy to write the eval harness.",
}


def test_a_confirmed_participant_saves_a_card():
    world = finder_world()
    user = world.confirmed()
    profile = services.finder_profile_save(actor=user, sprint=world.sprint, **CARD)
    assert profile.free_tags == ["sparse autoencoders"]
    assert profile.interests == ["evaluations", "governance"]
    again = services.finder_profile_save(actor=user, sprint=world.sprint, **{**CARD, "is_looking": False})
    assert again.pk == profile.pk and not again.is_looking
    assert AuditEntry.objects.filter(action="teamfinder.profile_save").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"interests": ["astrology"]}, "interests"),
        ({"skills": ["juggling"]}, "skills"),
        ({"timezone_name": "Mars/Olympus"}, "timezone"),
        ({"timezone_name": ""}, "timezone"),
        ({"waking_end": 25}, "waking_end"),
        ({"free_tags": ["x" * 31]}, "free_tags"),
        ({"note": "x" * 281}, "note"),
    ],
)
def test_bad_cards_are_refused_per_field(change, field):
    world = finder_world()
    user = world.confirmed()
    with pytest.raises(ServiceError) as caught:
        services.finder_profile_save(actor=user, sprint=world.sprint, **{**CARD, **change})
    assert field in caught.value.message_dict
    assert not FinderProfile.objects.exists()


def test_a_track_of_another_sprint_is_refused():
    world, other = finder_world(), finder_world()
    with pytest.raises(ServiceError):
        services.finder_profile_save(
            actor=world.confirmed(), sprint=world.sprint, **{**CARD, "preferred_track": other.tracks[0]}
        )


def test_only_confirmed_participants_and_only_before_teams_close():
    world = finder_world()
    with pytest.raises(PermissionDeniedError):
        services.finder_profile_save(actor=UserFactory(), sprint=world.sprint, **CARD)
    closed = finder_world(team_formation_closes_at=timezone.now())
    with pytest.raises(Conflict):
        services.finder_profile_save(actor=closed.confirmed(), sprint=closed.sprint, **CARD)


def test_suggestions_leave_out_people_in_teams_full_teams_and_the_viewer():
    world = finder_world()
    viewer = world.looking(skills=["software"])
    policy = world.looking(skills=["policy"], interests=["governance"])
    same = world.looking(skills=["software"])
    world.looking(is_looking=False)
    in_team = world.looking()
    team = TeamFactory(sprint=world.sprint)
    add_member(team, in_team, register=False)
    full = TeamFactory(sprint=world.sprint)
    for _ in range(3):
        add_member(full)
    found = selectors.suggestions_for(world.sprint, viewer)
    assert [s.person.user_id for s in found.people] == [same.pk, policy.pk]
    assert [s.team.team_id for s in found.teams] == [team.pk]
    assert found.people[1].reasons[0] == f"you write code, {policy.name} has a policy background"


def test_start_a_team_and_invite_is_both_or_neither():
    world = finder_world()
    viewer, other = world.looking(), world.looking()
    invitation = services.finder_team_start_and_invite(
        actor=viewer, sprint=world.sprint, name="Evals crew", invitee=other
    )
    assert invitation.direction == JoinDirection.INVITATION and invitation.from_finder
    assert invitation.team.lead == viewer
    third = world.looking()
    taken = TeamFactory(sprint=world.sprint)
    add_member(taken, third, register=False)
    newcomer = world.looking()
    with pytest.raises(Conflict):
        services.finder_team_start_and_invite(actor=newcomer, sprint=world.sprint, name="Lonely", invitee=third)
    assert not TeamMember.objects.filter(user=newcomer).exists()
    assert JoinRequest.objects.count() == 1


def _grouped(world, count, **profile):
    people = [world.looking(**profile) for _ in range(count)]
    run = services.grouping_run_create(actor=world.organiser, sprint=world.sprint)
    return people, run


def test_grouping_proposes_groups_and_a_rerun_takes_only_the_remainder():
    world = finder_world()
    _people, run = _grouped(world, 6)
    on_site = [world.looking(site=world.site) for _ in range(2)]
    assert run.people_count == 6 and run.group_count == 2
    assert ProposedMember.objects.filter(group__run=run).count() == 6
    second = services.grouping_run_create(actor=world.organiser, sprint=world.sprint)
    assert second.people_count == 2 and second.group_count == 1
    assert {m.user_id for m in ProposedMember.objects.filter(group__run=second)} == {u.pk for u in on_site}
    assert set(second.groups.get().members.values_list("group__site", flat=True)) == {world.site.pk}


def test_everyone_proposed_is_told_where_to_answer_as_they_chose(django_capture_on_commit_callbacks):
    from django.core import mail
    from django.urls import reverse

    from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference, OutboxMessage

    world = finder_world()
    people = [world.looking() for _ in range(4)]
    NotificationPreference.objects.create(user=people[0], kind=NotificationKind.TEAM, email=False, in_app=True)
    NotificationPreference.objects.create(user=people[1], kind=NotificationKind.TEAM, email=True, in_app=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.grouping_run_create(actor=world.organiser, sprint=world.sprint)
    proposed = set(ProposedMember.objects.filter(group__run=run).values_list("user_id", flat=True))
    assert proposed == {person.pk for person in people}
    url = reverse("teamfinder:my_group", kwargs={"slug": world.sprint.slug})
    items = InboxItem.objects.filter(kind=NotificationKind.TEAM)
    assert set(items.values_list("user_id", flat=True)) == proposed - {people[1].pk}
    assert {item.url for item in items} == {url}
    assert all(world.sprint.title in item.title for item in items)
    emails = OutboxMessage.objects.filter(kind=NotificationKind.TEAM)
    assert set(emails.values_list("user_id", flat=True)) == proposed - {people[0].pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people if p != people[0])
    assert all(url in m.body for m in mail.outbox)
    # A second run proposes nobody new, so it tells nobody.
    services.grouping_run_create(actor=world.organiser, sprint=world.sprint)
    assert InboxItem.objects.filter(kind=NotificationKind.TEAM).count() == len(proposed) - 1


def test_grouping_is_for_organisers():
    world = finder_world()
    with pytest.raises(PermissionDeniedError):
        services.grouping_run_create(actor=world.looking(), sprint=world.sprint)


def _answer_all(group, answers):
    for member, accept in zip(group.members.order_by("id"), answers, strict=True):
        services.proposal_respond(actor=member.user, member=member, accept=accept)
    group.refresh_from_db()
    return group


def test_a_group_forms_a_team_when_everyone_answered_and_two_accepted():
    world = finder_world()
    _people, run = _grouped(world, 3)
    group = run.groups.get()
    first = group.members.order_by("id").first()
    services.proposal_respond(actor=first.user, member=first, accept=True)
    group.refresh_from_db()
    assert group.status == GroupStatus.OPEN
    rest = list(group.members.order_by("id"))[1:]
    services.proposal_respond(actor=rest[0].user, member=rest[0], accept=False)
    services.proposal_respond(actor=rest[1].user, member=rest[1], accept=True)
    group.refresh_from_db()
    assert group.status == GroupStatus.FORMED
    team = group.team
    assert team.origin == TeamOrigin.GROUPING and team.lead == first.user
    assert set(team.members.values_list("user_id", flat=True)) == {first.user_id, rest[1].user_id}
    assert set(team.members.values_list("joined_via", flat=True)) == {JoinedVia.GROUPING}
    assert not FinderProfile.objects.get(user=first.user, sprint=world.sprint).is_looking


def test_a_group_with_fewer_than_two_acceptances_dissolves():
    world = finder_world()
    _people, run = _grouped(world, 2)
    group = _answer_all(run.groups.get(), [True, False])
    assert group.status == GroupStatus.DISSOLVED and group.team is None
    # Both are back among the solos.
    assert len(selectors.solos(world.sprint)) == 2


def test_answers_are_once_and_only_ones_own():
    world = finder_world()
    _people, run = _grouped(world, 2)
    first, second = run.groups.get().members.order_by("id")
    with pytest.raises(PermissionDeniedError):
        services.proposal_respond(actor=second.user, member=first, accept=True)
    services.proposal_respond(actor=first.user, member=first, accept=True)
    with pytest.raises(Conflict):
        services.proposal_respond(actor=first.user, member=first, accept=False)
    assert ProposedMember.objects.get(pk=first.pk).response == ProposalResponse.ACCEPTED


def test_someone_who_joined_a_team_cannot_accept():
    world = finder_world()
    _people, run = _grouped(world, 2)
    first = run.groups.get().members.order_by("id").first()
    add_member(TeamFactory(sprint=world.sprint), first.user, register=False)
    with pytest.raises(Conflict):
        services.proposal_respond(actor=first.user, member=first, accept=True)


def test_an_organiser_closes_a_group_with_unanswered_places():
    world = finder_world()
    _people, run = _grouped(world, 3)
    group = run.groups.get()
    for member in list(group.members.order_by("id"))[:2]:
        services.proposal_respond(actor=member.user, member=member, accept=True)
    with pytest.raises(PermissionDeniedError):
        services.proposed_group_close(actor=UserFactory(), group=group)
    group = services.proposed_group_close(actor=world.organiser, group=group)
    assert group.status == GroupStatus.FORMED and group.team.members.count() == 2
    with pytest.raises(Conflict):
        services.proposed_group_close(actor=world.organiser, group=group)


def test_outcomes_count_teams_per_origin_and_no_submissions_yet():
    world = finder_world()
    TeamFactory(sprint=world.sprint)
    TeamFactory(sprint=world.sprint, origin=TeamOrigin.FINDER)
    outcomes = {row.origin: row for row in selectors.formation_outcomes(world.sprint)}
    assert {origin: row.teams for origin, row in outcomes.items()} == {"self": 1, "finder": 1, "grouping": 0}
    assert all(row.teams_with_submission == 0 for row in outcomes.values())
    assert selectors.SUBMISSIONS_OPEN is False
