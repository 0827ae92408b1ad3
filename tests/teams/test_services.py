from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference, OutboxMessage
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.teams import services
from sprintlab.teams.models import JoinDirection, JoinedVia, JoinRequest, JoinStatus, Team, TeamMember, TeamOrigin
from tests.factories import RegistrationFactory, SprintFactory, UserFactory
from tests.teams.factories import JoinRequestFactory, TeamFactory, TrackFactory, add_member

pytestmark = pytest.mark.django_db


def confirmed(sprint, **kwargs):
    user = UserFactory(**kwargs)
    RegistrationFactory(sprint=sprint, user=user)
    return user


def test_create_makes_the_actor_lead_and_founding_member():
    sprint = SprintFactory()
    track = TrackFactory(sprint=sprint)
    person = confirmed(sprint)
    team = services.team_create(
        actor=person, sprint=sprint, name="  Sparse   Probes ", description="SAEs", track=track, looking_for="policy"
    )
    assert (team.name, team.lead, team.origin, team.track) == ("Sparse Probes", person, TeamOrigin.SELF, track)
    assert TeamMember.objects.get(team=team).joined_via == JoinedVia.FOUNDED


@pytest.mark.parametrize("status", [RegistrationStatus.WAITLISTED, RegistrationStatus.APPLIED, None])
def test_create_refuses_without_a_confirmed_registration(status):
    sprint = SprintFactory()
    person = UserFactory()
    if status:
        RegistrationFactory(sprint=sprint, user=person, status=status)
    with pytest.raises(PermissionDeniedError, match="confirmed registration"):
        services.team_create(actor=person, sprint=sprint, name="A")
    assert not Team.objects.exists()


def test_create_refuses_a_second_team_and_a_taken_name():
    team = TeamFactory(name="Circuit Breakers")
    with pytest.raises(Conflict, match="already in the team"):
        services.team_create(actor=team.lead, sprint=team.sprint, name="Other")
    with pytest.raises(ServiceError, match="already has this name"):
        services.team_create(actor=confirmed(team.sprint), sprint=team.sprint, name="circuit breakers")
    assert Team.objects.count() == 1


def test_create_refuses_after_the_formation_deadline():
    sprint = SprintFactory(team_formation_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(Conflict, match="Teams closed"):
        services.team_create(actor=confirmed(sprint), sprint=sprint, name="Late")


def test_create_refuses_bad_text_and_a_foreign_track():
    sprint = SprintFactory()
    person = confirmed(sprint)
    with pytest.raises(ServiceError) as caught:
        services.team_create(actor=person, sprint=sprint, name="a\x00b", description="x" * 600)
    assert "name" in caught.value.message_dict
    with pytest.raises(ServiceError) as caught:
        services.team_create(actor=person, sprint=sprint, name="Ok", track=TrackFactory())
    assert "track" in caught.value.message_dict


def test_join_by_code_in_any_case_with_spaces():
    team = TeamFactory()
    person = confirmed(team.sprint)
    code = team.invite_code.lower()
    member = services.team_join_by_code(actor=person, code=f" {code[:4]}-{code[4:]} ")
    assert (member.team, member.joined_via) == (team, JoinedVia.CODE)


def test_join_by_wrong_or_disbanded_code_says_so():
    team = TeamFactory()
    person = confirmed(team.sprint)
    with pytest.raises(ServiceError, match="No team has this code"):
        services.team_join_by_code(actor=person, code="NOPE")
    services.team_disband(actor=team.lead, team=team)
    with pytest.raises(Conflict, match="disbanded"):
        services.team_join_by_code(actor=person, code=team.invite_code)
    assert not TeamMember.objects.filter(user=person).exists()


def test_joining_a_full_team_is_refused():
    team = TeamFactory(sprint=SprintFactory(team_size_max=2))
    add_member(team)
    with pytest.raises(Conflict, match="full"):
        services.team_join_by_code(actor=confirmed(team.sprint), code=team.invite_code)


def test_request_accept_adds_member_and_withdraws_other_requests():
    team = TeamFactory()
    other = TeamFactory(sprint=team.sprint)
    person = confirmed(team.sprint)
    mine = services.join_request_create(actor=person, team=team, message="I write evals")
    elsewhere = services.join_request_create(actor=person, team=other)
    with pytest.raises(PermissionDeniedError):
        services.join_request_accept(actor=person, join_request=mine)
    services.join_request_accept(actor=team.lead, join_request=mine)
    assert TeamMember.objects.get(user=person).team == team
    elsewhere.refresh_from_db()
    assert elsewhere.status == JoinStatus.WITHDRAWN
    with pytest.raises(Conflict, match="already answered"):
        services.join_request_accept(actor=other.lead, join_request=elsewhere)


def test_duplicate_request_is_refused():
    team = TeamFactory()
    person = confirmed(team.sprint)
    services.join_request_create(actor=person, team=team)
    with pytest.raises(Conflict, match="already asked"):
        services.join_request_create(actor=person, team=team)


def test_finder_invitation_accepted_records_the_team_as_formed_through_the_finder():
    team = TeamFactory()
    person = confirmed(team.sprint)
    invitation = services.invitation_create(actor=team.lead, team=team, user=person, from_finder=True)
    assert invitation.direction == JoinDirection.INVITATION
    with pytest.raises(PermissionDeniedError):
        services.join_request_accept(actor=team.lead, join_request=invitation)
    services.join_request_accept(actor=person, join_request=invitation)
    team.refresh_from_db()
    assert team.origin == TeamOrigin.FINDER


def test_finder_request_into_a_team_that_already_had_two_keeps_its_origin():
    team = TeamFactory()
    add_member(team)
    person = confirmed(team.sprint)
    join_request = services.join_request_create(actor=person, team=team, from_finder=True)
    services.join_request_accept(actor=team.lead, join_request=join_request)
    team.refresh_from_db()
    assert team.origin == TeamOrigin.SELF


def test_invitation_of_someone_unconfirmed_or_in_a_team_is_refused():
    team = TeamFactory()
    waitlisted = UserFactory()
    RegistrationFactory(sprint=team.sprint, user=waitlisted, status=RegistrationStatus.WAITLISTED)
    with pytest.raises(Conflict, match="confirmed registration"):
        services.invitation_create(actor=team.lead, team=team, user=waitlisted)
    busy = TeamFactory(sprint=team.sprint).lead
    with pytest.raises(Conflict, match="already in the team"):
        services.invitation_create(actor=team.lead, team=team, user=busy)
    outsider = confirmed(team.sprint)
    with pytest.raises(PermissionDeniedError):
        services.invitation_create(actor=outsider, team=team, user=confirmed(team.sprint))
    assert not JoinRequest.objects.exists()


def test_decline_and_withdraw_belong_to_the_right_side():
    team = TeamFactory()
    person = confirmed(team.sprint)
    join_request = JoinRequestFactory(team=team, user=person)
    with pytest.raises(PermissionDeniedError):
        services.join_request_withdraw(actor=team.lead, join_request=join_request)
    with pytest.raises(PermissionDeniedError):
        services.join_request_decline(actor=person, join_request=join_request)
    assert services.join_request_decline(actor=team.lead, join_request=join_request).status == JoinStatus.DECLINED


def test_lead_leaves_only_after_handing_over_and_the_last_one_out_disbands():
    team = TeamFactory()
    member = add_member(team)
    with pytest.raises(Conflict, match="Hand the lead over"):
        services.team_leave(actor=team.lead, team=team)
    services.team_hand_over(actor=team.lead, team=team, new_lead=member)
    services.team_leave(actor=team.lead, team=team)
    team.refresh_from_db()
    assert team.lead == member and team.is_live
    services.team_leave(actor=member, team=team)
    team.refresh_from_db()
    assert not team.is_live


def test_hand_over_to_a_non_member_is_refused():
    team = TeamFactory()
    add_member(team)
    with pytest.raises(ServiceError, match="not in this team"):
        services.team_hand_over(actor=team.lead, team=team, new_lead=confirmed(team.sprint))


def test_disband_by_an_organiser_after_the_deadline_and_not_by_a_member():
    from tests.factories import SprintMembershipFactory

    team = TeamFactory()
    member = add_member(team)
    JoinRequestFactory(team=team)
    with pytest.raises(PermissionDeniedError):
        services.team_disband(actor=member, team=team)
    organiser = SprintMembershipFactory(sprint=team.sprint).user
    team.sprint.team_formation_closes_at = timezone.now() - timedelta(hours=1)
    team.sprint.save()
    services.team_disband(actor=organiser, team=team)
    team.refresh_from_db()
    assert team.disbanded_at is not None
    assert not TeamMember.objects.filter(team=team).exists()
    assert not JoinRequest.objects.filter(status=JoinStatus.PENDING).exists()


def test_update_and_new_code():
    team = TeamFactory()
    old_code = team.invite_code
    services.team_update(actor=team.lead, team=team, name="Renamed", description="d", looking_for="x")
    services.team_regenerate_code(actor=team.lead, team=team)
    team.refresh_from_db()
    assert team.name == "Renamed" and team.invite_code != old_code
    with pytest.raises(ServiceError, match="No team has this code"):
        services.team_join_by_code(actor=confirmed(team.sprint), code=old_code)


def test_team_activity_follows_the_persons_channels():
    team = TeamFactory()
    NotificationPreference.objects.create(user=team.lead, kind=NotificationKind.TEAM, email=False, in_app=True)
    person = confirmed(team.sprint)
    join_request = services.join_request_create(actor=person, team=team, message="Hello")
    assert InboxItem.objects.filter(user=team.lead, kind=NotificationKind.TEAM).count() == 1
    assert not OutboxMessage.objects.filter(user=team.lead).exists()
    services.join_request_accept(actor=team.lead, join_request=join_request)
    email = OutboxMessage.objects.get(user=person)
    assert email.kind == NotificationKind.TEAM and team.name in email.subject
    assert InboxItem.objects.filter(user=person).count() == 1
