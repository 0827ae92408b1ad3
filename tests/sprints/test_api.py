from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sprintlab.core.models import AuditEntry
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import Sprint, Track
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sprints"


def new_sprint_body(**overrides) -> dict:
    return {
        "title": "Multi-agent Sprint",
        "slug": "mas-2027",
        "research_area": "multi_agent",
        "announced_at": "2027-01-01T12:00:00Z",
        "registration_opens_at": "2027-02-01T12:00:00Z",
        "kickoff_at": "2027-03-05T17:00:00Z",
        "submission_deadline_at": "2027-03-07T17:00:00Z",
        "judging_ends_at": "2027-03-14T17:00:00Z",
        "results_published_at": "2027-03-15T17:00:00Z",
        **overrides,
    }


def test_list_is_public_paginated_and_filtered(client):
    sprint = SprintFactory(research_area="governance")
    SprintFactory(research_area="evaluations")
    SprintFactory(is_published=False, research_area="governance")
    RegistrationFactory.create_batch(2, sprint=sprint)
    body = client.get(f"{BASE}?area=governance").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["slug"], item["registered_count"], item["phase"]) == (sprint.slug, 2, "registration")
    assert item["url"].endswith(f"/sprints/{sprint.slug}/")
    assert client.get(f"{BASE}?when=past").json()["count"] == 0


def test_list_refuses_unknown_filters_with_field_messages(client):
    response = client.get(f"{BASE}?when=someday&area=astrology")
    assert response.status_code == 400
    assert "when" in response.json()["errors"]


def test_detail_has_timeline_stats_and_content(client):
    sprint = SprintFactory()
    sprint.partners.add(PartnerFactory(name="Apart"))
    Track.objects.create(sprint=sprint, name="Circuits")
    site = LocalSiteFactory(sprint=sprint)
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(country="KE"))
    RegistrationFactory(sprint=sprint)
    body = client.get(f"{BASE}/{sprint.slug}").json()
    assert [step["key"] for step in body["timeline"]][:3] == ["announced_at", "registration_opens_at", "kickoff_at"]
    assert body["next_step"]["key"] == "kickoff_at"
    assert body["stats"] == {"registered": 2, "remote": 1, "at_sites": 1, "countries": 1, "approved_sites": 1}
    assert body["tracks"][0]["name"] == "Circuits" and body["partners"][0]["name"] == "Apart"
    assert body["registration_is_open"] is True


def test_detail_of_a_draft_is_404_except_for_its_team(client):
    sprint = SprintFactory(is_published=False)
    assert client.get(f"{BASE}/{sprint.slug}").status_code == 404
    assert client.get(f"{BASE}/{sprint.slug}", headers=bearer_for(UserFactory())).status_code == 404
    organiser = SprintMembershipFactory(sprint=sprint).user
    assert client.get(f"{BASE}/{sprint.slug}", headers=bearer_for(organiser)).status_code == 200


def test_staff_create_sprint_with_tracks_and_partners(client):
    partner = PartnerFactory()
    body = new_sprint_body(
        partners=[partner.pk], tracks=[{"name": "Cooperation"}], prizes=[{"name": "First", "amount": "$500"}]
    )
    response = client.post(BASE, body, content_type="application/json", headers=bearer_for(StaffFactory()))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["is_published"] is False and data["phase"] == "draft"
    assert data["tracks"][0]["name"] == "Cooperation" and data["prizes"][0]["amount"] == "$500"
    assert Sprint.objects.get(slug="mas-2027").partners.get() == partner


def test_naive_times_are_read_as_utc(client):
    body = new_sprint_body(kickoff_at="2027-03-05T17:00:00")
    response = client.post(BASE, body, content_type="application/json", headers=bearer_for(StaffFactory()))
    assert response.status_code == 201
    assert Sprint.objects.get().kickoff_at.isoformat() == "2027-03-05T17:00:00+00:00"


def test_create_needs_a_token_and_staff(client):
    assert client.post(BASE, new_sprint_body(), content_type="application/json").status_code == 401
    response = client.post(BASE, new_sprint_body(), content_type="application/json", headers=bearer_for(UserFactory()))
    assert response.status_code == 403
    assert not Sprint.objects.exists()


def test_create_refuses_an_unknown_partner(client):
    response = client.post(
        BASE, new_sprint_body(partners=[999999]), content_type="application/json", headers=bearer_for(StaffFactory())
    )
    assert response.status_code == 400
    assert "partners" in response.json()["errors"]
    assert not Sprint.objects.exists()


def test_organiser_patches_only_the_sent_fields(client):
    sprint = SprintFactory(tagline="Keep me")
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.patch(
        f"{BASE}/{sprint.slug}",
        {"title": "New title", "capacity": 80},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 200, response.json()
    sprint.refresh_from_db()
    assert (sprint.title, sprint.capacity, sprint.tagline) == ("New title", 80, "Keep me")
    assert AuditEntry.objects.filter(action="sprint.update", actor=organiser).exists()


def test_patch_by_a_cohost_is_forbidden(client):
    sprint = SprintFactory()
    cohost = SprintMembershipFactory(sprint=sprint, role="cohost").user
    response = client.patch(
        f"{BASE}/{sprint.slug}", {"title": "Hijacked"}, content_type="application/json", headers=bearer_for(cohost)
    )
    assert response.status_code == 403
    sprint.refresh_from_db()
    assert sprint.title != "Hijacked"


def test_clone_through_the_api(client):
    source = SprintFactory()
    organiser = SprintMembershipFactory(sprint=source).user
    kickoff = (source.kickoff_at + timedelta(days=91)).isoformat()
    response = client.post(
        f"{BASE}/{source.slug}/clone",
        {"kickoff_at": kickoff, "slug": "copy"},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 201, response.json()
    clone = Sprint.objects.get(slug="copy")
    assert clone.judging_ends_at - source.judging_ends_at == timedelta(days=91)
    assert response.json()["is_published"] is False


def test_registrations_endpoint_for_organisers_and_cohosts(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(country="BR"))
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.WAITLISTED)
    url = f"{BASE}/{sprint.slug}/registrations"
    cohost = SprintMembershipFactory(sprint=sprint, role="cohost").user

    body = client.get(url, headers=bearer_for(cohost)).json()
    assert body["count"] == 2
    assert body["items"][0]["site"]["id"] == site.pk and body["items"][0]["person"]["country"] == "BR"

    waiting = client.get(url + "?status=waitlisted", headers=bearer_for(cohost)).json()
    assert [item["status"] for item in waiting["items"]] == ["waitlisted"]
    assert client.get(url + "?where=remote", headers=bearer_for(cohost)).json()["count"] == 1

    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer_for(RegistrationFactory(sprint=sprint).user)).status_code == 403


def test_registrations_endpoint_query_count_is_fixed(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    headers = bearer_for(SprintMembershipFactory(sprint=sprint).user)
    url = f"{BASE}/{sprint.slug}/registrations"
    client.get(url, headers=headers)  # the token's last-used time is written once
    RegistrationFactory.create_batch(3, sprint=sprint, site=site)

    with CaptureQueriesContext(connection) as small:
        client.get(url, headers=headers)
    RegistrationFactory.create_batch(30, sprint=sprint, site=site)
    with CaptureQueriesContext(connection) as large:
        client.get(url, headers=headers)
    assert len(small) == len(large)


def test_openapi_documents_the_sprint_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/sprints",
        "/api/v1/sprints/{slug}",
        "/api/v1/sprints/{slug}/clone",
        "/api/v1/sprints/{slug}/registrations",
    } <= set(paths)
