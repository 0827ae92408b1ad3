"""Check-in and messages to attendees moved into the registrations app; their URLs did not move."""

from django.urls import reverse

from sprintlab.api.api import api


def test_the_check_in_pages_keep_their_urls_under_the_site():
    site = {"sprint_slug": "s", "slug": "venue"}
    assert reverse("registrations:check_in", kwargs=site) == "/sprints/s/sites/venue/check-in/"
    assert (
        reverse("registrations:check_in_attendee", kwargs={**site, "registration_id": 7})
        == "/sprints/s/sites/venue/check-in/7/"
    )
    assert reverse("registrations:site_message", kwargs=site) == "/sprints/s/sites/venue/dashboard/message/"


def test_the_check_in_api_keeps_its_paths_and_operation_ids():
    paths = api.get_openapi_schema()["paths"]
    assert paths["/api/v1/sites/{site_id}/check-ins"]["post"]["operationId"] == (
        "sprintlab_localsites_api_create_check_in"
    )
    assert paths["/api/v1/sites/{site_id}/check-ins/{registration_id}"]["delete"]["operationId"] == (
        "sprintlab_localsites_api_delete_check_in"
    )
