"""Cancelling a registration takes the person out of their team, in the cancel's own transaction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.registrations.services import registration_cancel
from sprintlab.teams.departures import team_member_drop_cancelled
from sprintlab.teams.models import JoinRequest, JoinStatus, Team, TeamMember
from tests.factories import UserFactory
from tests.helpers import bearer_for
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

pytestmark = pytest.mark.django_db


def _registration(team, user) -> Registration:
    return Registration.objects.get(sprint=team.sprint, user=user)


def _backdate_joins(team):
    """Members joined one after the other, in the order they were added."""
    for minutes, member in enumerate(TeamMember.objects.filter(team=team).order_by("pk")):
        TeamMember.objects.filter(pk=member.pk).update(joined_at=timezone.now() - timedelta(hours=5, minutes=-minutes))


def test_a_member_who_cancels_is_no_longer_in_the_team_and_the_others_are_told():
    team = TeamFactory()
    member, other = add_member(team), add_member(team)
    pending = JoinRequestFactory(team=TeamFactory(sprint=team.sprint), user=member)
    registration_cancel(registration=_registration(team, member), actor=member)
    assert set(team.members.values_list("user_id", flat=True)) == {team.lead_id, other.pk}
    team.refresh_from_db()
    assert team.lead_id != member.pk and team.is_live
    pending.refresh_from_db()
    assert pending.status == JoinStatus.WITHDRAWN
    told = set(InboxItem.objects.filter(kind=NotificationKind.TEAM).values_list("user_id", flat=True))
    assert told == {team.lead_id, other.pk}
    assert AuditEntry.objects.filter(action="team.member_cancelled", actor=member).exists()


def test_the_lead_who_cancels_hands_over_to_the_next_member_who_joined():
    team = TeamFactory()
    lead = team.lead
    first, second = add_member(team), add_member(team)
    _backdate_joins(team)
    registration_cancel(registration=_registration(team, lead), actor=lead)
    team.refresh_from_db()
    assert team.lead == first and team.is_live
    assert set(team.members.values_list("user_id", flat=True)) == {first.pk, second.pk}
    assert InboxItem.objects.filter(user=first, title__startswith="You now lead").exists()
    assert InboxItem.objects.filter(user=second, title__contains="left").exists()


def test_the_last_member_who_cancels_disbands_the_team():
    team = TeamFactory()
    waiting = JoinRequestFactory(team=team)
    registration_cancel(registration=_registration(team, team.lead), actor=team.lead)
    team.refresh_from_db()
    assert not team.is_live and not team.members.exists()
    waiting.refresh_from_db()
    assert waiting.status == JoinStatus.WITHDRAWN


def test_an_organiser_who_cancels_someone_takes_them_out_too():
    from sprintlab.sprints.models import SprintRole
    from tests.factories import SprintMembershipFactory

    team = TeamFactory()
    member = add_member(team)
    organiser = SprintMembershipFactory(sprint=team.sprint, role=SprintRole.ORGANISER).user
    registration_cancel(registration=_registration(team, member), actor=organiser)
    assert not TeamMember.objects.filter(user=member).exists()


def test_the_api_cancel_takes_the_person_out_of_their_team(client):
    team = TeamFactory()
    member = add_member(team)
    registration = _registration(team, member)
    response = client.post(f"/api/v1/registrations/{registration.pk}/cancel", headers=bearer_for(member))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert not TeamMember.objects.filter(user=member).exists()
    assert Team.objects.get(pk=team.pk).is_live


def test_a_refused_cancel_leaves_the_team_as_it_was():
    team = TeamFactory()
    member = add_member(team)
    with pytest.raises(PermissionDeniedError):
        registration_cancel(registration=_registration(team, member), actor=UserFactory())
    assert TeamMember.objects.filter(user=member, team=team).exists()


def test_the_departure_itself_checks_who_acts_and_that_the_registration_is_cancelled():
    team = TeamFactory()
    member = add_member(team)
    registration = _registration(team, member)
    with pytest.raises(Conflict):
        team_member_drop_cancelled(actor=member, registration=registration)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
    registration.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        team_member_drop_cancelled(actor=UserFactory(), registration=registration)
    assert TeamMember.objects.filter(user=member).exists()
    assert team_member_drop_cancelled(actor=member, registration=registration) == team
    assert team_member_drop_cancelled(actor=member, registration=registration) is None
    assert JoinRequest.objects.count() == 0
