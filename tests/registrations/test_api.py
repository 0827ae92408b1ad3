from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db
S = RegistrationStatus
URL = "/api/v1/registrations"


@pytest.fixture
def api(client):
    """A client for one signed-in (by token) user: api.post(path, json) / api.get(path)."""

    class Api:
        def __init__(self, user):
            self.user = user
            self.headers = bearer_for(user)

        def post(self, path, body=None):
            return client.post(URL + path, body or {}, content_type="application/json", headers=self.headers)

        def get(self, path):
            return client.get(URL + path, headers=self.headers)

        def as_user(self, user):
            return Api(user)

    return Api(UserFactory())


def body(sprint_, **overrides):
    return {
        "sprint": sprint_.slug,
        "site": None,
        "experience_level": "some",
        "accepted_code_of_conduct": True,
        **overrides,
    }


class TestCreate:
    def test_201_then_200_with_the_same_registration(self, api):
        sprint = SprintFactory()
        first = api.post("", body(sprint, motivation="Learn"))
        assert first.status_code == 201
        data = first.json()
        assert (data["status"], data["sprint"], data["site"], data["remote"]) == ("confirmed", sprint.slug, None, True)
        again = api.post("", body(sprint, motivation="Other"))
        assert again.status_code == 200 and again.json()["id"] == data["id"] and again.json()["motivation"] == "Learn"

    def test_at_a_site(self, api):
        site = LocalSiteFactory()
        data = api.post("", body(site.sprint, site=site.pk)).json()
        assert (data["site"], data["site_name"], data["remote"]) == (site.pk, site.name, False)

    def test_waitlisted_with_position(self, api):
        site = LocalSiteFactory(capacity=1)
        RegistrationFactory(sprint=site.sprint, site=site)
        data = api.post("", body(site.sprint, site=site.pk)).json()
        assert (data["status"], data["waitlist_position"]) == ("waitlisted", 1)

    def test_requires_a_token(self, client):
        response = client.post(URL, body(SprintFactory()), content_type="application/json")
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("overrides", "status", "field"),
        [
            ({"site": 999999}, 400, "site"),
            ({"accepted_code_of_conduct": False}, 400, "accepted_code_of_conduct"),
            ({"sprint": "no-such-sprint"}, 400, "sprint"),
            ({"experience_level": "guru"}, 422, "experience_level"),
            ({"site": "abc"}, 422, "site"),
            ({"first_sprint": {"nested": 1}}, 422, "first_sprint"),
            ({"background": "x" * 301}, 422, "background"),
            ({"motivation": "é" * 3001}, 422, "motivation"),
        ],
    )
    def test_bad_input_answers_per_field_and_changes_nothing(self, api, overrides, status, field):
        response = api.post("", body(SprintFactory(), **overrides))
        assert response.status_code == status, response.json()
        assert field in response.json()["errors"]
        assert not Registration.objects.exists()

    def test_site_of_another_sprint(self, api):
        response = api.post("", body(SprintFactory(), site=LocalSiteFactory().pk))
        assert response.status_code == 400
        assert response.json()["errors"]["site"] == ["This site belongs to another sprint."]

    def test_missing_required_field(self, api):
        response = api.post("", {"sprint": SprintFactory().slug})
        assert response.status_code == 422 and "experience_level" in response.json()["errors"]

    @pytest.mark.parametrize(
        ("sprint_fields", "reason"),
        [
            ({"is_published": False}, "not published"),
            ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "Registration opens on"),
            ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
        ],
    )
    def test_unpublished_closed_and_not_open_are_409_with_the_reason(self, api, sprint_fields, reason):
        response = api.post("", body(SprintFactory(**sprint_fields)))
        assert response.status_code == 409 and reason in response.json()["detail"]

    def test_full_without_waitlist_is_409(self, api):
        site = LocalSiteFactory(capacity=1, name="Tiny Room")
        RegistrationFactory(sprint=site.sprint, site=site)
        response = api.post("", body(site.sprint, site=site.pk, join_waitlist=False))
        assert response.status_code == 409 and "Tiny Room is full." in response.json()["detail"]

    def test_html_is_stored_literally(self, api):
        data = api.post("", body(SprintFactory(), motivation="<b>hi</b>'; DROP TABLE x;--")).json()
        assert data["motivation"] == "<b>hi</b>'; DROP TABLE x;--"


class TestReadAndChange:
    def test_mine_and_detail(self, api):
        registration = register(api.user, sprint=SprintFactory())
        register(sprint=registration.sprint)
        assert [r["id"] for r in api.get("/mine").json()] == [registration.pk]
        assert api.get(f"/{registration.pk}").json()["id"] == registration.pk

    def test_others_registrations_are_404(self, api):
        other = register(sprint=SprintFactory())
        for response in (
            api.get(f"/{other.pk}"),
            api.post(f"/{other.pk}/cancel"),
            api.post(f"/{other.pk}/switch", {"site": None}),
            api.post(f"/{other.pk}/confirm"),
            api.get("/424242"),
        ):
            assert response.status_code == 404
        other.refresh_from_db()
        assert other.status == S.CONFIRMED

    def test_cancel_promotes(self, api):
        site = LocalSiteFactory(capacity=1)
        mine = register(api.user, sprint=site.sprint, site=site)
        waiting = register(sprint=site.sprint, site=site)
        assert api.post(f"/{mine.pk}/cancel").json()["status"] == "cancelled"
        waiting.refresh_from_db()
        assert waiting.status == S.CONFIRMED
        assert api.post(f"/{mine.pk}/cancel").status_code == 409

    def test_switch(self, api):
        site = LocalSiteFactory()
        mine = register(api.user, sprint=site.sprint)
        data = api.post(f"/{mine.pk}/switch", {"site": site.pk}).json()
        assert (data["site"], data["status"]) == (site.pk, "confirmed")
        assert api.post(f"/{mine.pk}/switch", {"site": site.pk}).status_code == 400
        assert api.post(f"/{mine.pk}/switch", {"site": LocalSiteFactory().pk}).status_code == 400
        assert api.post(f"/{mine.pk}/switch", {"site": None}).json()["remote"] is True

    def test_confirm(self, api):
        mine = RegistrationFactory(user=api.user, status=S.OFFERED, confirm_by=timezone.now() + timedelta(hours=1))
        assert api.post(f"/{mine.pk}/confirm").json()["status"] == "confirmed"

    def test_confirm_late_is_409(self, api):
        mine = RegistrationFactory(user=api.user, status=S.OFFERED, confirm_by=timezone.now() - timedelta(hours=1))
        assert api.post(f"/{mine.pk}/confirm").status_code == 409


class TestAdmissionWaves:
    def test_organiser_creates_a_wave(self, api):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        site = LocalSiteFactory(sprint=sprint, capacity=1)
        a, b = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
        organiser = api.as_user(SprintMembershipFactory(sprint=sprint).user)
        confirm_by = (timezone.now() + timedelta(days=2)).isoformat()
        response = organiser.post(
            "/admission-waves",
            {"sprint": sprint.slug, "admit": [a.pk], "decline": [b.pk], "message": "Welcome", "confirm_by": confirm_by},
        )
        assert response.status_code == 201
        assert (response.json()["number"], response.json()["admitted_count"]) == (1, 1)

    def test_over_capacity_is_409(self, api):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        site = LocalSiteFactory(sprint=sprint, capacity=1)
        ids = [register(sprint=sprint, site=site).pk for _ in range(2)]
        organiser = api.as_user(SprintMembershipFactory(sprint=sprint).user)
        response = organiser.post(
            "/admission-waves",
            {"sprint": sprint.slug, "admit": ids, "confirm_by": (timezone.now() + timedelta(days=1)).isoformat()},
        )
        assert response.status_code == 409 and "1 free seat" in response.json()["detail"]

    def test_participants_are_refused(self, api):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        registration = register(api.user, sprint=sprint)
        response = api.post("/admission-waves", {"sprint": sprint.slug, "admit": [registration.pk]})
        assert response.status_code == 403
        hidden = SprintFactory(is_published=False)
        assert api.post("/admission-waves", {"sprint": hidden.slug, "admit": [1]}).status_code == 404


def test_openapi_documents_the_registration_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/registrations",
        "/api/v1/registrations/mine",
        "/api/v1/registrations/{registration_id}/cancel",
        "/api/v1/registrations/{registration_id}/switch",
        "/api/v1/registrations/admission-waves",
    ):
        assert path in paths
