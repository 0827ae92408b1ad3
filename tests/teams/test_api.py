import pytest

from sprintlab.registrations.models import RegistrationStatus
from sprintlab.teams.models import JoinRequest, JoinStatus, Team, TeamMember, TeamOrigin
from tests.factories import RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.helpers import bearer_for
from tests.teams.factories import TeamFactory, TrackFactory, add_member

pytestmark = pytest.mark.django_db
URL = "/api/v1/teams"
SPRINTS = "/api/v1/sprints"


def call(client, method, path, user=None, body=None):
    headers = bearer_for(user) if user is not None else {}
    url = path if path.startswith(SPRINTS) else URL + path
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(url, body or {}, content_type="application/json", headers=headers)


def confirmed(sprint):
    user = UserFactory()
    RegistrationFactory(sprint=sprint, user=user)
    return user


def test_list_is_public_with_counts_and_filters(client):
    team = TeamFactory(track=None)
    track = TrackFactory(sprint=team.sprint)
    TeamFactory(sprint=team.sprint, track=track, name="Evals crew", looking_for="a statistician")
    response = call(client, "get", f"{SPRINTS}/{team.sprint.slug}/teams")
    assert response.status_code == 200
    assert [row["member_count"] for row in response.json()["items"]] == [1, 1]
    only = call(client, "get", f"{SPRINTS}/{team.sprint.slug}/teams?track={track.pk}&q=statistician").json()["items"]
    assert [row["name"] for row in only] == ["Evals crew"]
    unknown_track = call(client, "get", f"{SPRINTS}/{team.sprint.slug}/teams?track=100000000")
    assert unknown_track.status_code == 400


def test_detail_hides_members_and_code_from_visitors(client):
    team = TeamFactory()
    anonymous = call(client, "get", f"/{team.pk}").json()
    assert anonymous["members"] is None and anonymous["invite_code"] is None
    member_view = call(client, "get", f"/{team.pk}", user=team.lead).json()
    assert member_view["invite_code"] == team.invite_code
    assert [m["name"] for m in member_view["members"]] == [team.lead.name]
    participant_view = call(client, "get", f"/{team.pk}", user=confirmed(team.sprint)).json()
    assert participant_view["members"] and participant_view["invite_code"] is None


def test_create_join_and_refusals(client):
    sprint = SprintFactory(team_size_max=2)
    lead = confirmed(sprint)
    created = call(client, "post", f"{SPRINTS}/{sprint.slug}/teams", lead, {"name": "Probes", "description": "SAE"})
    assert created.status_code == 201, created.json()
    code = created.json()["invite_code"]
    waitlisted = UserFactory()
    RegistrationFactory(sprint=sprint, user=waitlisted, status=RegistrationStatus.WAITLISTED)
    refused = call(client, "post", "/join", waitlisted, {"code": code})
    assert refused.status_code == 409 and "confirmed registration" in refused.json()["detail"]
    assert call(client, "post", "/join", confirmed(sprint), {"code": code.lower()}).status_code == 201
    full = call(client, "post", "/join", confirmed(sprint), {"code": code})
    assert full.status_code == 409 and "full" in full.json()["detail"]
    wrong = call(client, "post", "/join", confirmed(sprint), {"code": "ZZZZ"})
    assert wrong.status_code == 400 and "code" in wrong.json()["errors"]
    assert call(client, "post", "/join", None, {"code": code}).status_code == 401


def test_request_from_the_finder_accepted_through_the_api(client):
    team = TeamFactory()
    person = confirmed(team.sprint)
    created = call(client, "post", f"/{team.pk}/join-requests", person, {"message": "Hi", "from_finder": True})
    assert created.status_code == 201
    request_id = created.json()["id"]
    assert (
        call(client, "get", f"{SPRINTS}/{team.sprint.slug}/teams/join-requests", person).json()[0]["id"] == request_id
    )
    assert call(client, "get", f"/{team.pk}/join-requests", team.lead).json()[0]["user"] == person.pk
    assert call(client, "get", f"/{team.pk}/join-requests", person).status_code == 403
    assert call(client, "post", f"/join-requests/{request_id}/accept", person).status_code == 403
    accepted = call(client, "post", f"/join-requests/{request_id}/accept", team.lead)
    assert accepted.status_code == 200 and accepted.json()["status"] == JoinStatus.ACCEPTED
    assert Team.objects.get(pk=team.pk).origin == TeamOrigin.FINDER
    stranger = UserFactory()
    assert call(client, "post", f"/join-requests/{request_id}/decline", stranger).status_code == 404


def test_invitation_decline_and_withdraw(client):
    team = TeamFactory()
    person = confirmed(team.sprint)
    first = call(client, "post", f"/{team.pk}/invitations", team.lead, {"user": person.pk})
    assert first.status_code == 201
    assert call(client, "post", f"/join-requests/{first.json()['id']}/decline", person).json()["status"] == "declined"
    second = call(client, "post", f"/{team.pk}/invitations", team.lead, {"user": person.pk}).json()
    assert call(client, "post", f"/join-requests/{second['id']}/withdraw", team.lead).json()["status"] == "withdrawn"
    assert call(client, "post", f"/{team.pk}/invitations", team.lead, {"user": 999999}).status_code == 400


def test_update_hand_over_leave_and_disband(client):
    team = TeamFactory()
    member = add_member(team)
    assert call(client, "patch", f"/{team.pk}", member, {"name": "Mine"}).status_code == 403
    patched = call(client, "patch", f"/{team.pk}", team.lead, {"looking_for": "a designer"})
    assert patched.status_code == 200 and patched.json()["looking_for"] == "a designer"
    assert call(client, "post", f"/{team.pk}/leave", team.lead).status_code == 409
    handed = call(client, "post", f"/{team.pk}/hand-over", team.lead, {"user": member.pk})
    assert handed.status_code == 200 and handed.json()["lead"] == member.pk
    assert call(client, "post", f"/{team.pk}/leave", team.lead).status_code == 204
    organiser = SprintMembershipFactory(sprint=team.sprint).user
    assert call(client, "post", f"/{team.pk}/disband", organiser).status_code == 204
    assert not TeamMember.objects.filter(team=team).exists()
    assert call(client, "get", f"/{team.pk}").status_code == 404


def test_draft_sprint_teams_do_not_leak(client):
    team = TeamFactory(sprint=SprintFactory(is_published=False))
    assert call(client, "get", f"/{team.pk}").status_code == 404
    assert call(client, "get", f"{SPRINTS}/{team.sprint.slug}/teams").status_code == 404
    assert not JoinRequest.objects.exists()
