import json

import pytest

from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory
from tests.localsites.helpers import api_client, api_json

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


class TestPublicReads:
    def test_list_sites_with_seats_and_region(self, client, sprint):
        site = LocalSiteFactory(sprint=sprint, country="VN", city="Hanoi", capacity=4)
        RegistrationFactory(sprint=sprint, site=site)
        RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
        LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING)
        response = client.get(f"/api/v1/sprints/{sprint.slug}/sites")
        assert response.status_code == 200
        [item] = response.json()
        assert (item["id"], item["region"], item["seats_taken"], item["seats_left"]) == (site.pk, "Asia", 1, 3)
        assert item["country_name"] == "Vietnam"
        assert item["url"] == site.get_absolute_url()

    def test_filter_by_country(self, client, sprint):
        LocalSiteFactory(sprint=sprint, country="VN")
        LocalSiteFactory(sprint=sprint, country="BR")
        assert [s["country"] for s in client.get(f"/api/v1/sprints/{sprint.slug}/sites?country=BR").json()] == ["BR"]

    def test_unknown_or_draft_sprint_is_404(self, client):
        assert client.get("/api/v1/sprints/nope/sites").status_code == 404
        draft = SprintFactory(is_published=False)
        response = client.get(f"/api/v1/sprints/{draft.slug}/sites")
        assert response.status_code == 404
        assert response.json()["detail"] == "Not found."

    def test_get_site_hides_pending_ones_from_strangers(self, client, world):
        assert client.get(f"/api/v1/sites/{world.site.pk}").json()["organisers"][0]["is_lead"] is True
        assert client.get(f"/api/v1/sites/{world.pending.pk}").status_code == 404
        organiser = api_client(world.user("sprint_organiser"))
        assert organiser.get(f"/api/v1/sites/{world.pending.pk}").json()["status"] == "pending"


class TestApplications:
    def test_apply_with_a_token(self, sprint):
        user = UserFactory()
        response = post(api_client(user), f"/api/v1/sprints/{sprint.slug}/site-applications", api_json(sprint))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "pending"
        assert body["applicant_email"] == user.email
        assert LocalSite.objects.get().applicant == user

    def test_apply_needs_authentication(self, client, sprint):
        response = post(client, f"/api/v1/sprints/{sprint.slug}/site-applications", api_json(sprint))
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"capacity": -1}, "capacity"),
            ({"timezone": "Nowhere/Land"}, "timezone"),
            ({"latitude": 200, "longitude": 0}, "latitude"),
            ({"country": "'; DROP TABLE x;--"}, "country"),
            ({"co_organisers": ["ghost@example.org"]}, "co_organisers"),
            ({"contact_email": "nope"}, "contact_email"),
            ({"name": "名" * 151}, "name"),
        ],
    )
    def test_bad_input_is_400_with_a_message_per_field(self, sprint, overrides, field):
        response = post(
            api_client(UserFactory()), f"/api/v1/sprints/{sprint.slug}/site-applications", api_json(sprint, **overrides)
        )
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
        assert not LocalSite.objects.exists()

    def test_long_unicode_and_hostile_text_within_limits_is_kept_as_typed(self, sprint):
        name = "Ünïcødé 東京 💡 " * 10 + "<script>alert(1)</script>"
        response = post(
            api_client(UserFactory()),
            f"/api/v1/sprints/{sprint.slug}/site-applications",
            api_json(sprint, name=name[:150], city="x'); DROP TABLE localsites_localsite;--"),
        )
        assert response.status_code == 201, response.content
        assert response.json()["name"] == name[:150].strip()
        assert LocalSite.objects.get().city == "x'); DROP TABLE localsites_localsite;--"

    def test_end_before_start_is_400(self, sprint):
        data = api_json(sprint)
        data["starts_at"], data["ends_at"] = data["ends_at"], data["starts_at"]
        response = post(api_client(UserFactory()), f"/api/v1/sprints/{sprint.slug}/site-applications", data)
        assert response.status_code == 400
        assert response.json()["errors"] == {"ends_at": ["The site must close after it opens."]}

    def test_wrong_types_are_422(self, sprint):
        response = post(
            api_client(UserFactory()),
            f"/api/v1/sprints/{sprint.slug}/site-applications",
            api_json(sprint, capacity="lots"),
        )
        assert response.status_code == 422
        assert "capacity" in response.json()["errors"]

    def test_times_with_an_offset_are_taken_as_instants(self, sprint):
        data = api_json(
            sprint, starts_at=sprint.kickoff_at.isoformat(), ends_at=sprint.submission_deadline_at.isoformat()
        )
        response = post(api_client(UserFactory()), f"/api/v1/sprints/{sprint.slug}/site-applications", data)
        assert response.status_code == 201
        assert LocalSite.objects.get().starts_at == sprint.kickoff_at

    def test_list_mine_and_reviewable(self, world):
        items = api_client(world.user("applicant")).get("/api/v1/site-applications").json()["items"]
        assert {item["id"] for item in items} == {world.pending.pk, world.site.pk}
        items = (
            api_client(world.user("sprint_organiser")).get("/api/v1/site-applications?status=pending").json()["items"]
        )
        assert [item["id"] for item in items] == [world.pending.pk]
        assert api_client(world.user("other_user")).get("/api/v1/site-applications").json()["count"] == 0
        assert api_client(world.user("staff")).get("/api/v1/site-applications?status=bogus").status_code == 422

    def test_patch_by_the_applicant_while_pending(self, world):
        client = api_client(world.user("applicant"))
        response = patch(client, f"/api/v1/site-applications/{world.pending.pk}", {"capacity": 12, "city": "Ely"})
        assert response.status_code == 200, response.content
        assert (response.json()["capacity"], response.json()["city"]) == (12, "Ely")
        response = patch(client, f"/api/v1/site-applications/{world.pending.pk}", {"capacity": 0})
        assert response.status_code == 400 and "capacity" in response.json()["errors"]
        assert patch(client, f"/api/v1/site-applications/{world.site.pk}", {"capacity": 12}).status_code == 409
        other = api_client(world.user("sprint_organiser"))
        assert patch(other, f"/api/v1/site-applications/{world.pending.pk}", {"capacity": 12}).status_code == 403

    def test_decisions(self, world):
        organiser = api_client(world.user("sprint_organiser"))
        url = f"/api/v1/site-applications/{world.pending.pk}"
        response = post(organiser, f"{url}/reject", {"reason": ""})
        assert response.status_code == 400
        assert "reason" in response.json()["errors"]
        response = post(organiser, f"{url}/request-changes", {"reason": "Add a room number."})
        assert response.json()["status"] == "changes_requested"
        assert response.json()["decision_reason"] == "Add a room number."
        assert post(organiser, f"{url}/approve").json()["status"] == "approved"
        assert post(organiser, f"{url}/reject", {"reason": "Too late"}).status_code == 409
        subjects = set(
            OutboxMessage.objects.filter(to_email=world.user("applicant").email).values_list("subject", flat=True)
        )
        assert any("Changes requested" in s for s in subjects) and any("approved" in s for s in subjects)

    def test_applications_of_public_sites_stay_private(self, world):
        url = f"/api/v1/site-applications/{world.site.pk}"
        assert api_client(world.user("participant")).get(url).status_code == 404
        assert api_client(world.user("applicant")).get(url).json()["applicant_email"] == world.user("applicant").email
        assert "applicant_email" not in api_client(None).get(f"/api/v1/sites/{world.site.pk}").json()

    def test_decisions_by_others_are_refused(self, world):
        url = f"/api/v1/site-applications/{world.pending.pk}/approve"
        assert post(api_client(world.user("applicant")), url).status_code == 403
        assert post(api_client(world.user("cohost")), url).status_code == 404  # cannot even see it
        assert post(api_client(world.user("other_user")), url).status_code == 404
        assert post(api_client(world.user("staff")), url).status_code == 200


class TestCheckIns:
    def test_check_in_and_undo(self, world):
        registration = world.site.registrations.get()
        client = api_client(world.user("site_organiser"))
        response = post(client, f"/api/v1/sites/{world.site.pk}/check-ins", {"registration": registration.pk})
        assert response.status_code == 200, response.content
        assert response.json()["checked_in_at"] is not None
        response = client.delete(f"/api/v1/sites/{world.site.pk}/check-ins/{registration.pk}")
        assert response.status_code == 200
        assert response.json()["checked_in_at"] is None

    def test_refusals(self, world, sprint):
        registration = world.site.registrations.get()
        waiting = RegistrationFactory(sprint=sprint, site=world.site, status=RegistrationStatus.WAITLISTED)
        url = f"/api/v1/sites/{world.site.pk}/check-ins"
        assert post(api_client(world.user("participant")), url, {"registration": registration.pk}).status_code == 403
        assert (
            post(api_client(world.user("other_site_organiser")), url, {"registration": registration.pk}).status_code
            == 403
        )
        organiser = api_client(world.user("site_organiser"))
        assert post(organiser, url, {"registration": waiting.pk}).status_code == 409
        assert post(organiser, url, {"registration": 999999}).status_code == 404
        assert post(organiser, url, {"registration": "x"}).status_code == 422

    def test_attendees_for_site_organisers_only(self, world):
        url = f"/api/v1/sites/{world.site.pk}/attendees"
        [attendee] = api_client(world.user("site_organiser")).get(url).json()
        assert attendee["email"] == world.user("participant").email
        assert api_client(world.user("participant")).get(url).status_code == 403
        assert api_client(None).get(url).status_code == 401


def test_openapi_lists_the_sites_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/sprints/{slug}/sites" in paths
    assert "/api/v1/site-applications/{site_id}/request-changes" in paths
    assert "/api/v1/sites/{site_id}/check-ins/{registration_id}" in paths
