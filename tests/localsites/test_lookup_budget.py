"""Co-organisers are looked up by email: the answer says whether an address has an account, so each
person may look up a limited number of different addresses an hour, on the page and the API alike."""

import json

import pytest
from django.urls import reverse

from sprintlab.accounts.ratelimits import EMAIL_LOOKUPS_PER_HOUR
from sprintlab.localsites.models import LocalSite
from tests.factories import UserFactory
from tests.localsites.helpers import api_client, api_json, client_for, form_data

pytestmark = pytest.mark.django_db
TOO_MANY = f"looked up {EMAIL_LOOKUPS_PER_HOUR} different email addresses"


def probe(count: int, start: int = 0) -> list[str]:
    return [f"probe{number}@example.org" for number in range(start, start + count)]


def test_the_page_stops_answering_after_the_hourly_budget(sprint):
    user = UserFactory()
    client = client_for(user)
    apply_url = reverse("localsites:apply", args=[sprint.slug])
    for batch in range(EMAIL_LOOKUPS_PER_HOUR // 5):
        html = client.post(apply_url, form_data(sprint, co_organisers="\n".join(probe(5, batch * 5)))).content.decode()
        assert "No SprintLab account uses" in html
    # Asking again about an address already looked up costs nothing (correcting a form stays possible) …
    html = client.post(apply_url, form_data(sprint, co_organisers=probe(1)[0])).content.decode()
    assert "No SprintLab account uses" in html
    # … a new one is refused, without saying whether it has an account.
    colleague = UserFactory(email="real.colleague@example.org")
    html = client.post(apply_url, form_data(sprint, co_organisers=colleague.email)).content.decode()
    assert TOO_MANY in html and "No SprintLab account" not in html
    assert not LocalSite.objects.exists()
    # Someone else still has their own budget.
    response = client_for(UserFactory()).post(apply_url, form_data(sprint, co_organisers=colleague.email))
    assert response.status_code == 302


def test_the_api_answers_429_past_the_budget(sprint):
    client = api_client(UserFactory())
    url = f"/api/v1/sprints/{sprint.slug}/site-applications"
    response = client.post(
        url, json.dumps(api_json(sprint, co_organisers=probe(EMAIL_LOOKUPS_PER_HOUR))), content_type="application/json"
    )
    assert response.status_code == 400 and "No SprintLab account uses" in response.json()["detail"]
    response = client.post(
        url, json.dumps(api_json(sprint, co_organisers=probe(1, start=1000))), content_type="application/json"
    )
    assert response.status_code == 429
    assert TOO_MANY in response.json()["detail"]
