"""NUL and lone surrogates are refused where input enters, with a message per field, never a 500.

PostgreSQL refuses NUL in text and no driver encodes a lone surrogate, so on PostgreSQL each of
these requests used to answer a 500 page (run them with DATABASE_URL=postgres://…).
"""

import re

import pytest
from django.urls import reverse

from sprintlab.accounts.models import User
from sprintlab.core.unstorable_text import decoded_form_pairs, unstorable_text_errors
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import Sprint
from tests.factories import LocalSiteFactory, SprintFactory, StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.localsites.helpers import form_data as site_form_data
from tests.sprints.test_api import new_sprint_body
from tests.sprints.test_views import form_data as sprint_form_data

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Remove the NUL character (U+0000)"
SURROGATE_MESSAGE = "lone surrogate"


def assert_api_refusal(response, field, message, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert message in body["detail"] and field in body["detail"]
    assert any(message in text for text in body["errors"][field]), body


def assert_page_refusal(response, field, message):
    assert response.status_code == 400, response.content[:300]
    html = response.content.decode()
    assert re.search(rf"<li>{re.escape(field)}: [^<]*{re.escape(message)}", html), html
    assert "Nothing was saved" in html


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/sprints/%00", "slug"),
        ("/api/v1/sprints/%00/registrations", "slug"),
        ("/api/v1/sprints/{slug}/sites?q=%00", "q"),
        ("/api/v1/sprints/{slug}/sites?country=%00", "country"),
        ("/api/v1/sprints?when=%00", "when"),
        ("/api/v1/site-applications?sprint=a%00b", "sprint"),
    ],
)
def test_api_refuses_nul_in_paths_and_query_strings(client, url, field):
    sprint = SprintFactory()
    response = client.get(url.format(slug=sprint.slug), headers=bearer_for(StaffFactory()))
    assert_api_refusal(response, field, NUL_MESSAGE)


def test_api_refuses_invalid_utf8_in_a_query_string_like_a_lone_surrogate(client):
    sprint = SprintFactory()
    response = client.get(f"/api/v1/sprints/{sprint.slug}/sites?q=%ED%BF%BF")  # U+DFFF encoded as UTF-8
    assert_api_refusal(response, "q", SURROGATE_MESSAGE)


@pytest.mark.parametrize(
    ("text", "message"),
    [("a\\u0000b", NUL_MESSAGE), ("\\udfff", SURROGATE_MESSAGE), ("x\\ud800y", SURROGATE_MESSAGE)],
)
def test_patch_me_refuses_unstorable_text_and_changes_nothing(client, text, message):
    user = UserFactory(bio="Unchanged")
    response = client.patch(
        "/api/v1/me", f'{{"bio": "{text}"}}', content_type="application/json", headers=bearer_for(user)
    )
    assert_api_refusal(response, "bio", message, status=422)
    assert User.objects.get(pk=user.pk).bio == "Unchanged"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"description": "\x00"}, "description"),
        ({"tracks": [{"name": "ok"}, {"name": "bad\x00"}]}, "tracks.1.name"),
        ({"prizes": [{"name": "ok", "description": "\udfff"}]}, "prizes.0.description"),
    ],
)
def test_sprint_create_refuses_unstorable_text_anywhere_in_the_body(client, body, field):
    staff = StaffFactory()
    response = client.post(
        "/api/v1/sprints", new_sprint_body(**body), content_type="application/json", headers=bearer_for(staff)
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Sprint.objects.exists()


def test_site_application_refuses_nul_per_field(client):
    sprint = SprintFactory()
    body = {
        "name": "Hub\x00",
        "address": "1 Mill Lane",
        "city": "Camb\x00ridge",
        "country": "GB",
        "capacity": 20,
        "timezone": "Europe/London",
        "starts_at": sprint.kickoff_at.isoformat(),
        "ends_at": sprint.submission_deadline_at.isoformat(),
        "contact_name": "Ada",
        "contact_email": "ada@example.org",
        "co_organisers": ["co\x00@example.org"],
    }
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/site-applications",
        body,
        content_type="application/json",
        headers=bearer_for(UserFactory()),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "city", "co_organisers.0"}
    assert not LocalSite.objects.exists()


def test_registration_answers_refuse_a_lone_surrogate(client):
    sprint = SprintFactory()
    body = '{"sprint": "%s", "experience_level": "some", "motivation": "\\udfff", "accepted_code_of_conduct": true}'
    response = client.post(
        "/api/v1/registrations", body % sprint.slug, content_type="application/json", headers=bearer_for(UserFactory())
    )
    assert_api_refusal(response, "motivation", SURROGATE_MESSAGE, status=422)
    assert not Registration.objects.exists()


def test_unstorable_keys_and_deep_nesting_are_refused_without_a_crash(client):
    headers = bearer_for(UserFactory())
    response = client.patch("/api/v1/me", '{"bio\\u0000": "x"}', content_type="application/json", headers=headers)
    assert response.status_code == 422 and NUL_MESSAGE in response.json()["detail"]
    deep = '{"bio": ' + "[" * 900 + '"\\u0000"' + "]" * 900 + "}"
    response = client.patch("/api/v1/me", deep, content_type="application/json", headers=headers)
    assert 400 <= response.status_code < 500


# --- pages and forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/sprints/{slug}/sites/?q=%00", "q"),
        ("/sprints/{slug}/sites/?country=%00", "country"),
        ("/staff/outbox/?q=%00", "q"),
        ("/sprints/{slug}/registrations/?q=x%00", "q"),
        ("/admin/sprints/sprint/?q=%00", "q"),
        ("/sprints/?when=%ED%BF%BF", "when"),
        ("/sprints/%00/", "path"),
    ],
)
def test_pages_refuse_unstorable_query_strings_and_paths(client, url, field):
    sprint = SprintFactory()
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(url.format(slug=sprint.slug))
    message = SURROGATE_MESSAGE if "%ED" in url else NUL_MESSAGE
    assert_page_refusal(response, field, message)


def test_sprint_form_refuses_nul_in_a_track_name(client):
    client.force_login(StaffFactory())
    data = sprint_form_data(
        **{"tracks-TOTAL_FORMS": "1", "tracks-0-name": "Circuits\x00", "tracks-0-description": "ok"}
    )
    assert_page_refusal(client.post(reverse("sprints:create"), data), "tracks-0-name", NUL_MESSAGE)
    assert not Sprint.objects.exists()


def test_site_application_form_refuses_nul(client):
    sprint = SprintFactory()
    client.force_login(UserFactory())
    data = site_form_data(sprint, address="1 Mill\x00Lane")
    response = client.post(reverse("localsites:apply", kwargs={"sprint_slug": sprint.slug}), data)
    assert_page_refusal(response, "address", NUL_MESSAGE)
    assert not LocalSite.objects.exists()


def test_a_urlencoded_form_with_invalid_utf8_is_refused(client):
    user = UserFactory(bio="Unchanged")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), b"display_name=Ada&bio=%ED%BF%BF", content_type="application/x-www-form-urlencoded"
    )
    assert_page_refusal(response, "bio", SURROGATE_MESSAGE)
    assert User.objects.get(pk=user.pk).bio == "Unchanged"


def test_sign_up_refuses_nul_before_allauth_reads_it(client):
    response = client.post(
        reverse("account_signup"), {"email": "a\x00@example.org", "password1": "x" * 12, "password2": "x" * 12}
    )
    assert_page_refusal(response, "email", NUL_MESSAGE)
    assert not User.objects.exists()


def test_ordinary_text_passes_untouched(client):
    site = LocalSiteFactory(name="Café Ω 🧠")
    response = client.get(f"/sprints/{site.sprint.slug}/sites/?q=Caf%C3%A9+%CE%A9")
    assert response.status_code == 200 and "Café Ω 🧠" in response.content.decode()


# --- the helpers -----------------------------------------------------------------------------


def test_errors_name_nested_paths_and_hostile_keys():
    errors = unstorable_text_errors([("a", {"b": ["ok", "x\x00"], "c\udfff": 1}), ("d", "fine")])
    assert set(errors) == {"a.b.1", "a.c\ufffd"}


def test_form_pairs_keep_invalid_utf8_visible():
    assert list(decoded_form_pairs(b"q=a+b%C3%A9&x=%FF&&flag")) == [("q", "a bé"), ("x", "\udcff"), ("flag", "")]


def test_api_refuses_invalid_utf8_in_a_path_with_json(client):
    response = client.post("/api/v1/registrations/%ED%BF%BF/cancel", headers=bearer_for(UserFactory()))
    assert_api_refusal(response, "path", SURROGATE_MESSAGE)
