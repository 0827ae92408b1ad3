from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.notifications.models import InboxItem
from sprintlab.teams.models import JoinDirection, JoinRequest, JoinStatus, Team, TeamMember, TeamOrigin
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.helpers import count_queries
from tests.teams.factories import JoinRequestFactory, TeamFactory, TrackFactory, add_member

pytestmark = pytest.mark.django_db


def confirmed(sprint, **kwargs):
    user = UserFactory(**kwargs)
    RegistrationFactory(sprint=sprint, user=user)
    return user


def url(name, team=None, **kwargs):
    if team is not None:
        kwargs.setdefault("slug", team.sprint.slug)
        if name not in ("teams:list", "teams:create", "teams:join_code", "teams:mine"):
            kwargs.setdefault("team_id", team.pk)
    return reverse(name, kwargs=kwargs)


def test_list_filters_by_track_and_open_places(client):
    sprint = SprintFactory(team_size_max=2)
    track = TrackFactory(sprint=sprint, name="Probing")
    full = TeamFactory(sprint=sprint, name="Full House", track=track)
    add_member(full)
    TeamFactory(sprint=sprint, name="Open Door", track=track, looking_for="a statistician")
    TeamFactory(sprint=sprint, name="Elsewhere")
    list_url = reverse("teams:list", kwargs={"slug": sprint.slug})
    page = client.get(list_url).content.decode()
    assert "Full House" in page and "Open Door" in page and "3 teams formed" in page
    filtered = client.get(f"{list_url}?track={track.pk}&open=1").content.decode()
    assert "Open Door" in filtered and "Full House" not in filtered and "Elsewhere" not in filtered
    partial = client.get(f"{list_url}?q=statistician", headers={"HX-Request": "true", "HX-Target": "team-results"})
    assert "Open Door" in partial.content.decode() and "<h1>" not in partial.content.decode()


def test_list_query_count_does_not_grow_with_teams(client):
    sprint = SprintFactory()
    viewer = confirmed(sprint)
    client.force_login(viewer)
    list_url = reverse("teams:list", kwargs={"slug": sprint.slug})
    TeamFactory(sprint=sprint, track=TrackFactory(sprint=sprint))
    client.get(list_url)  # the first page of a session also reads the session
    small = count_queries(client, list_url)
    for _ in range(12):
        team = TeamFactory(sprint=sprint, track=TrackFactory(sprint=sprint))
        add_member(team)
        JoinRequestFactory(team=team, user=viewer)
    assert count_queries(client, list_url) == small


def test_detail_query_count_does_not_grow_with_members_and_requests(client):
    sprint = SprintFactory(team_size_max=10)
    team = TeamFactory(sprint=sprint)
    client.force_login(team.lead)
    add_member(team)
    JoinRequestFactory(team=team, user=confirmed(sprint))
    client.get(team.get_absolute_url())  # the first page of a session also reads the session
    small = count_queries(client, team.get_absolute_url())
    site = LocalSiteFactory(sprint=sprint)
    for n in range(6):
        person = UserFactory(timezone="Asia/Kolkata" if n % 2 else "")
        RegistrationFactory(sprint=sprint, user=person, site=site if n % 2 else None)
        add_member(team, person, register=False)
        JoinRequestFactory(team=team, user=confirmed(sprint))
    assert count_queries(client, team.get_absolute_url()) == small


def test_detail_shows_sites_local_times_and_code_to_members_only(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, name="Nairobi Garage", city="Nairobi")
    team = TeamFactory(sprint=sprint)
    member = UserFactory(timezone="Africa/Nairobi", display_name="Wanjiru")
    RegistrationFactory(sprint=sprint, user=member, site=site)
    add_member(team, member, register=False)
    client.force_login(member)
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Nairobi Garage" in page and "Africa/Nairobi" in page and team.invite_code in page
    assert "Remote" in page  # the lead takes part remotely
    client.force_login(confirmed(sprint))
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Wanjiru" in page and team.invite_code not in page and "Ask to join" in page
    client.logout()
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Wanjiru" not in page and team.invite_code not in page


def test_create_then_invite_link_join(client):
    sprint = SprintFactory()
    founder = confirmed(sprint)
    client.force_login(founder)
    response = client.post(url("teams:create", slug=sprint.slug), {"name": "Owls", "description": "Evals"})
    team = Team.objects.get(name="Owls")
    assert response.status_code == 302 and response["Location"] == team.get_absolute_url()
    joiner = confirmed(sprint)
    client.force_login(joiner)
    link = url("teams:join_link", slug=sprint.slug, code=team.invite_code)
    assert "Join Owls?" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    assert TeamMember.objects.filter(team=team, user=joiner).exists()


def test_create_refused_for_a_waitlisted_person_shows_why(client):
    sprint = SprintFactory()
    person = UserFactory()
    RegistrationFactory(sprint=sprint, user=person, status="waitlisted")
    client.force_login(person)
    page = client.get(url("teams:create", slug=sprint.slug)).content.decode()
    assert "confirmed registration" in page and "<form" not in page.split("<main")[1].split("</main>")[0]


def test_wrong_and_expired_codes_say_so(client):
    team = TeamFactory()
    client.force_login(confirmed(team.sprint))
    response = client.post(url("teams:join_code", slug=team.sprint.slug), {"code": "WRONG123"})
    assert "No team has this code" in response.content.decode()
    team.disbanded_at = timezone.now()
    team.save()
    page = client.get(url("teams:join_link", slug=team.sprint.slug, code=team.invite_code)).content.decode()
    assert "disbanded" in page


def test_finder_posts_a_request_and_goes_back_to_a_safe_next(client):
    team = TeamFactory()
    person = confirmed(team.sprint)
    client.force_login(person)
    endpoint = url("teams:join_request_create", team)
    response = client.post(endpoint, {"from_finder": "1", "next": "/sprints/x/finder/?page=2", "message": "Hi"})
    assert response["Location"] == "/sprints/x/finder/?page=2"
    join_request = JoinRequest.objects.get(user=person)
    assert join_request.from_finder and join_request.message == "Hi"
    again = client.post(endpoint, {"next": "https://evil.example/"})
    assert again["Location"] == team.get_absolute_url()
    assert InboxItem.objects.filter(user=team.lead).count() == 1


def test_finder_invitation_accepted_makes_a_finder_team(client):
    team = TeamFactory()
    person = confirmed(team.sprint)
    client.force_login(team.lead)
    client.post(url("teams:invite", team), {"user_id": str(person.pk), "from_finder": "1"})
    invitation = JoinRequest.objects.get(user=person, direction=JoinDirection.INVITATION)
    client.force_login(person)
    client.post(url("teams:accept", slug=team.sprint.slug, request_id=invitation.pk))
    team.refresh_from_db()
    assert team.origin == TeamOrigin.FINDER
    assert client.get(url("teams:mine", slug=team.sprint.slug))["Location"] == team.get_absolute_url()


def test_invite_with_a_bad_user_id_says_so(client):
    team = TeamFactory()
    client.force_login(team.lead)
    for bad in ("", "abc", "99999999999999999999999", "-1"):
        response = client.post(url("teams:invite", team), {"user_id": bad}, follow=True)
        assert "Choose a person to invite" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_strangers_cannot_answer_or_see_requests(client):
    team = TeamFactory()
    join_request = JoinRequestFactory(team=team, user=confirmed(team.sprint))
    client.force_login(confirmed(team.sprint))
    response = client.post(url("teams:accept", slug=team.sprint.slug, request_id=join_request.pk))
    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == JoinStatus.PENDING


def test_organiser_disbands_after_the_deadline_from_the_page(client):
    team = TeamFactory(sprint=SprintFactory(team_formation_closes_at=timezone.now() - timedelta(hours=1)))
    organiser = SprintMembershipFactory(sprint=team.sprint).user
    client.force_login(organiser)
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Disband the team" in page and team.invite_code in page
    client.post(url("teams:disband", team))
    team.refresh_from_db()
    assert not team.is_live
    client.force_login(team.lead)
    assert "Disband the team" not in client.get(url("teams:list", slug=team.sprint.slug)).content.decode()


def test_leave_hand_over_and_edit_buttons_follow_the_predicates(client):
    team = TeamFactory()
    member = add_member(team)
    client.force_login(team.lead)
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Hand over" in page and "Leave the team" not in page and "Edit" in page
    client.post(url("teams:hand_over", team), {"user_id": str(member.pk)})
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Leave the team" in page and "Hand over" not in page
    client.post(url("teams:leave", team))
    assert not TeamMember.objects.filter(user=team.lead).exists()


def test_sprint_page_and_my_sprints_show_teams(client):
    team = TeamFactory(name="Honest Owls")
    client.force_login(team.lead)
    sprint_page = client.get(team.sprint.get_absolute_url()).content.decode()
    assert "1 formed" in sprint_page and "find a team" in sprint_page
    assert "Honest Owls" in client.get(reverse("registrations:mine")).content.decode()
    client.force_login(confirmed(team.sprint))
    sprint_page = client.get(team.sprint.get_absolute_url()).content.decode()
    assert "find a team" in sprint_page and "create a team" in sprint_page
