"""The sprint team: organisers and partner co-hosts added by email and removed, on the page and the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.sprints.models import SprintMembership, SprintRole
from sprintlab.sprints.services import sprint_membership_add, sprint_membership_remove
from tests.factories import PartnerFactory, SprintFactory, SprintMembershipFactory, StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.roles import ROLES, make_person

pytestmark = pytest.mark.django_db
API = "/api/v1/sprints"
TEAM_MANAGERS = {"sprint_organiser", "staff"}


@pytest.fixture
def sprint_with_partner():
    sprint, partner = SprintFactory(), PartnerFactory(name="Apart Research")
    sprint.partners.add(partner)
    return sprint, partner


def team_url(sprint) -> str:
    return reverse("sprints:team", kwargs={"slug": sprint.slug})


def remove_url(membership) -> str:
    return reverse("sprints:team_remove", kwargs={"slug": membership.sprint.slug, "membership_id": membership.pk})


# Services


def test_add_cohost_with_one_of_the_sprints_partners(sprint_with_partner):
    sprint, partner = sprint_with_partner
    user = UserFactory()
    added = sprint_membership_add(
        actor=StaffFactory(), sprint=sprint, user=user, role=SprintRole.COHOST, partner=partner
    )
    membership = added.membership
    assert added.created
    assert (membership.user, membership.role, membership.partner) == (user, SprintRole.COHOST, partner)
    assert AuditEntry.objects.filter(action="sprint.membership_add", data__user_id=user.pk).exists()


def test_add_twice_changes_nothing(organiser_of):
    sprint = SprintFactory()
    user = organiser_of(sprint)
    added = sprint_membership_add(actor=StaffFactory(), sprint=sprint, user=user, role=SprintRole.ORGANISER)
    assert not added.created
    assert sprint.memberships.count() == 1
    assert not AuditEntry.objects.filter(action="sprint.membership_add").exists()


@pytest.mark.parametrize("partner_in_sprint", [False, None])
def test_cohost_needs_one_of_the_sprints_partners(partner_in_sprint):
    sprint = SprintFactory()
    partner = PartnerFactory() if partner_in_sprint is False else None
    with pytest.raises(ServiceError) as caught:
        sprint_membership_add(
            actor=StaffFactory(), sprint=sprint, user=UserFactory(), role=SprintRole.COHOST, partner=partner
        )
    assert "partner" in caught.value.message_dict
    assert not sprint.memberships.exists()


def test_remove_deletes_and_audits(organiser_of):
    sprint = SprintFactory()
    organiser_of(sprint)
    second = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    sprint_membership_remove(membership=second, actor=StaffFactory())
    assert not SprintMembership.objects.filter(pk=second.pk).exists()
    entry = AuditEntry.objects.get(action="sprint.membership_remove")
    assert entry.data["user_id"] == second.user_id and entry.target_id == str(sprint.pk)


def test_removing_the_last_organiser_is_refused(sprint_with_partner):
    sprint, partner = sprint_with_partner
    only = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    # A co-host does not count as an organiser.
    SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    with pytest.raises(Conflict):
        sprint_membership_remove(membership=only, actor=StaffFactory())
    assert SprintMembership.objects.filter(pk=only.pk).exists()
    assert not AuditEntry.objects.filter(action="sprint.membership_remove").exists()


def test_removing_a_cohost_needs_no_other_member(sprint_with_partner):
    sprint, partner = sprint_with_partner
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    sprint_membership_remove(membership=cohost, actor=StaffFactory())
    assert not sprint.memberships.exists()


# Views


def test_page_lists_the_team(client, organiser_of, sprint_with_partner):
    sprint, partner = sprint_with_partner
    organiser = organiser_of(sprint)
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner).user
    client.force_login(organiser)
    html = client.get(team_url(sprint)).content.decode()
    for text in (organiser.email, cohost.email, organiser.name, "Partner co-host", "Apart Research", "data-confirm"):
        assert text in html


def test_sprint_page_links_to_the_team_for_organisers_only(client, organiser_of):
    sprint = SprintFactory()
    client.force_login(organiser_of(sprint))
    assert team_url(sprint) in client.get(sprint.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert team_url(sprint) not in client.get(sprint.get_absolute_url()).content.decode()


def test_page_adds_a_cohost_by_email(client, organiser_of, sprint_with_partner):
    sprint, partner = sprint_with_partner
    client.force_login(organiser_of(sprint))
    person = UserFactory(email="ada@example.org")
    response = client.post(
        team_url(sprint), {"email": "ADA@example.org", "role": "cohost", "partner": partner.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == team_url(sprint)
    assert sprint.memberships.filter(user=person, role=SprintRole.COHOST, partner=partner).exists()
    assert "now has the role" in response.content.decode()


def test_page_adding_twice_says_nothing_changed(client, organiser_of):
    sprint = SprintFactory()
    organiser = organiser_of(sprint)
    client.force_login(organiser)
    response = client.post(team_url(sprint), {"email": organiser.email, "role": "organiser"}, follow=True)
    assert response.status_code == 200
    assert "nothing changed" in response.content.decode()
    assert sprint.memberships.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "nobody@example.org", "role": "organiser"}, "email"),
        ({"email": "not an email", "role": "organiser"}, "email"),
        ({"email": "EXISTING", "role": "referee"}, "role"),
        ({"email": "EXISTING", "role": "cohost"}, "partner"),
        ({"email": "EXISTING", "role": "cohost", "partner": "999999"}, "partner"),
    ],
)
def test_page_shows_a_message_per_field_and_adds_nobody(client, organiser_of, data, field):
    sprint = SprintFactory()
    client.force_login(organiser_of(sprint))
    existing = UserFactory()
    data = {**data, "email": existing.email if data["email"] == "EXISTING" else data["email"]}
    response = client.post(team_url(sprint), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert sprint.memberships.count() == 1


def test_unknown_email_message_is_clear(client, organiser_of):
    sprint = SprintFactory()
    client.force_login(organiser_of(sprint))
    response = client.post(team_url(sprint), {"email": "nobody@example.org", "role": "organiser"})
    assert "No account uses this address" in response.content.decode()


def test_page_removes_a_member(client, organiser_of):
    sprint = SprintFactory()
    client.force_login(organiser_of(sprint))
    other = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    response = client.post(remove_url(other), follow=True)
    assert response.redirect_chain[-1][0] == team_url(sprint)
    assert not SprintMembership.objects.filter(pk=other.pk).exists()


def test_page_refuses_to_remove_the_last_organiser_with_a_message(client):
    sprint = SprintFactory()
    only = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    client.force_login(StaffFactory())
    response = client.post(remove_url(only), follow=True)
    assert "at least one organiser" in response.content.decode()
    assert SprintMembership.objects.filter(pk=only.pk).exists()


def test_removing_oneself_asks_first_and_says_access_is_lost(client):
    sprint = SprintFactory()
    SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    own = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    client.force_login(own.user)
    response = client.post(remove_url(own))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You will lose access" in page and 'name="confirmed" value="yes"' in page
    assert SprintMembership.objects.filter(pk=own.pk).exists()


def test_removing_oneself_lands_on_the_sprint_page_not_a_403(client):
    sprint = SprintFactory()
    SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    own = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    client.force_login(own.user)
    response = client.post(remove_url(own), {"confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == sprint.get_absolute_url()
    assert "You no longer have the role" in response.content.decode()
    assert not SprintMembership.objects.filter(pk=own.pk).exists()


def test_removing_oneself_from_a_draft_lands_on_the_sprint_list(client):
    sprint = SprintFactory(is_published=False)
    SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    own = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    client.force_login(own.user)
    response = client.post(remove_url(own), {"confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("sprints:list")


def test_remove_is_post_only_and_scoped_to_the_sprint(client, organiser_of):
    sprint, elsewhere = SprintFactory(), SprintMembershipFactory()
    client.force_login(organiser_of(sprint))
    own = SprintMembershipFactory(sprint=sprint)
    assert client.get(remove_url(own)).status_code == 405
    foreign = reverse("sprints:team_remove", kwargs={"slug": sprint.slug, "membership_id": elsewhere.pk})
    assert client.post(foreign).status_code == 404
    assert SprintMembership.objects.filter(pk=elsewhere.pk).exists()


# API


def test_api_lists_the_team(client, organiser_of, sprint_with_partner):
    sprint, partner = sprint_with_partner
    organiser = organiser_of(sprint)
    SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    body = client.get(f"{API}/{sprint.slug}/team", headers=bearer_for(organiser)).json()
    assert [row["role"] for row in body] == ["organiser", "cohost"]
    assert body[0]["email"] == organiser.email and body[1]["partner"] == {"id": partner.pk, "name": "Apart Research"}


def test_api_adds_by_email_then_answers_200_the_second_time(client, organiser_of, sprint_with_partner):
    sprint, partner = sprint_with_partner
    headers = bearer_for(organiser_of(sprint))
    person = UserFactory()
    payload = {"email": person.email, "role": "cohost", "partner": partner.pk}
    first = client.post(f"{API}/{sprint.slug}/team", payload, content_type="application/json", headers=headers)
    assert first.status_code == 201
    assert first.json()["user_id"] == person.pk and first.json()["partner"]["id"] == partner.pk
    again = client.post(f"{API}/{sprint.slug}/team", payload, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert sprint.memberships.filter(user=person).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "nobody@example.org", "role": "organiser"}, "email"),
        ({"email": "EXISTING", "role": "referee"}, "role"),
        ({"email": "EXISTING", "role": "cohost", "partner": None}, "partner"),
        ({"email": "EXISTING", "role": "cohost", "partner": 999999}, "partner"),
    ],
)
def test_api_refuses_bad_input_per_field(client, organiser_of, payload, field):
    sprint = SprintFactory()
    headers = bearer_for(organiser_of(sprint))
    payload = {**payload, "email": UserFactory().email if payload["email"] == "EXISTING" else payload["email"]}
    response = client.post(f"{API}/{sprint.slug}/team", payload, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert sprint.memberships.count() == 1


def test_api_removes_and_refuses_the_last_organiser(client, organiser_of):
    sprint = SprintFactory()
    organiser = organiser_of(sprint)
    other = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    headers = bearer_for(organiser)
    assert client.delete(f"{API}/{sprint.slug}/team/{other.pk}", headers=headers).status_code == 204
    own = sprint.memberships.get()
    refused = client.delete(f"{API}/{sprint.slug}/team/{own.pk}", headers=headers)
    assert refused.status_code == 409 and "at least one organiser" in refused.json()["detail"]
    assert client.delete(f"{API}/{sprint.slug}/team/999999", headers=headers).status_code == 404


def test_api_unknown_sprint_is_404(client):
    assert client.get(f"{API}/no-such-sprint/team", headers=bearer_for(StaffFactory())).status_code == 404


# Permission matrix: every role × view the page, add someone, remove someone.

ACTIONS = ["view", "add", "remove"]


def attempt(client, action: str, sprint, api: bool, headers: dict):
    newcomer = UserFactory()
    # Two organisers, so that removing one is allowed whoever asks.
    target, _keeper = SprintMembershipFactory.create_batch(2, sprint=sprint, role=SprintRole.ORGANISER)
    if api:
        base = f"{API}/{sprint.slug}/team"
        return {
            "view": lambda: client.get(base, headers=headers),
            "add": lambda: client.post(
                base, {"email": newcomer.email, "role": "organiser"}, content_type="application/json", headers=headers
            ),
            "remove": lambda: client.delete(f"{base}/{target.pk}", headers=headers),
        }[action]()
    return {
        "view": lambda: client.get(team_url(sprint)),
        "add": lambda: client.post(team_url(sprint), {"email": newcomer.email, "role": "organiser"}),
        "remove": lambda: client.post(remove_url(target)),
    }[action]()


@pytest.mark.parametrize("role", ROLES)
def test_has_perm_matrix(role):
    sprint = SprintFactory()
    user = make_person(role, sprint) or AnonymousUser()
    assert user.has_perm("sprints.change_sprint", sprint) is (role in TEAM_MANAGERS)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role(client, role, action):
    sprint = SprintFactory()
    user = make_person(role, sprint)
    if user is not None:
        client.force_login(user)
    before = sprint.memberships.count()

    response = attempt(client, action, sprint, api=False, headers={})

    if role in TEAM_MANAGERS:
        assert response.status_code == (200 if action == "view" else 302)
        expected_change = {"view": 0, "add": 1, "remove": -1}[action]
    else:
        assert response.status_code == (302 if user is None else 403)
        if user is None:
            assert "/accounts/login/" in response["Location"]
        expected_change = 0
    # ``attempt`` adds two organisers, one of which it may remove.
    assert sprint.memberships.count() == before + 2 + expected_change


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_api_answers_each_role(client, role, action):
    sprint = SprintFactory()
    user = make_person(role, sprint)
    headers = bearer_for(user) if user is not None else {}

    response = attempt(client, action, sprint, api=True, headers=headers)

    if role in TEAM_MANAGERS:
        assert response.status_code == {"view": 200, "add": 201, "remove": 204}[action]
    else:
        assert response.status_code == (401 if user is None else 403)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("api", [False, True])
def test_a_drafts_team_is_404_for_outsiders(client, action, api):
    sprint = SprintFactory(is_published=False)
    user = make_person("participant", sprint)
    client.force_login(user)
    response = attempt(client, action, sprint, api=api, headers=bearer_for(user) if api else {})
    assert response.status_code == 404


# Looking people up by email is limited per person (the answer tells whether an address has an account).


def test_team_lookups_by_email_are_limited_per_person(client, organiser_of):
    from sprintlab.accounts.ratelimits import EMAIL_LOOKUPS_PER_HOUR

    sprint = SprintFactory()
    organiser = organiser_of(sprint)
    client.force_login(organiser)
    for number in range(EMAIL_LOOKUPS_PER_HOUR):
        html = client.post(team_url(sprint), {"email": f"probe{number}@example.org", "role": "organiser"}).content
        assert "No account uses this address" in html.decode()
    colleague = UserFactory()
    html = client.post(team_url(sprint), {"email": colleague.email, "role": "organiser"}).content.decode()
    assert f"looked up {EMAIL_LOOKUPS_PER_HOUR} different email addresses" in html
    assert not sprint.memberships.filter(user=colleague).exists()
    response = client.post(
        f"{API}/{sprint.slug}/team",
        {"email": colleague.email, "role": "organiser"},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 429
    assert "You can look up" in client.get(team_url(sprint)).content.decode()
