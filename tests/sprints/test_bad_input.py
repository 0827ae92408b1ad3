"""Hostile and mistaken input: a clear message per field, and nothing changes. Pages and API alike."""

import pytest
from django.urls import reverse

from sprintlab.sprints.models import Sprint
from tests.factories import SprintFactory, SprintMembershipFactory, StaffFactory
from tests.helpers import bearer_for
from tests.sprints.test_api import BASE, new_sprint_body
from tests.sprints.test_views import form_data

pytestmark = pytest.mark.django_db

LONG_UNICODE_TITLE = "Интерпретируемость 🧠 " * 14  # 300+ characters, multi-byte
SQL_LOOKING = "Robert'); DROP TABLE sprints_sprint;--"

# (what is wrong, form overrides, API overrides, the field that must carry the message)
CASES = [
    (
        "deadline before kickoff",
        {"submission_deadline_at": "2020-01-01T10:00"},
        {"submission_deadline_at": "2027-03-04T17:00:00Z"},
        "submission_deadline_at",
    ),
    (
        "timeline out of order",
        {"results_published_at": "2020-01-01T10:00"},
        {"results_published_at": "2027-03-10T17:00:00Z"},
        "results_published_at",
    ),
    ("negative capacity", {"capacity": "-5"}, {"capacity": -5}, "capacity"),
    ("zero capacity", {"capacity": "0"}, {"capacity": 0}, "capacity"),
    ("too-long unicode title", {"title": LONG_UNICODE_TITLE}, {"title": LONG_UNICODE_TITLE}, "title"),
    ("empty title", {"title": "   "}, {"title": ""}, "title"),
    ("unknown area", {"research_area": "astrology"}, {"research_area": "astrology"}, "research_area"),
    ("unknown admission mode", {"admission_mode": "lottery"}, {"admission_mode": "lottery"}, "admission_mode"),
    ("reserved slug", {"slug": "new"}, {"slug": "new"}, "slug"),
    ("slug with spaces", {"slug": "my sprint"}, {"slug": "my sprint"}, "slug"),
]


@pytest.mark.parametrize(("case", "form_overrides", "api_overrides", "field"), CASES, ids=[c[0] for c in CASES])
def test_form_refuses_with_a_message_on_the_field(client, case, form_overrides, api_overrides, field):
    client.force_login(StaffFactory())
    response = client.post(reverse("sprints:create"), form_data(**form_overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert "Please correct the marked fields." in response.content.decode()
    assert not Sprint.objects.exists()


@pytest.mark.parametrize(("case", "form_overrides", "api_overrides", "field"), CASES, ids=[c[0] for c in CASES])
def test_api_refuses_with_a_message_on_the_field(client, case, form_overrides, api_overrides, field):
    response = client.post(
        BASE, new_sprint_body(**api_overrides), content_type="application/json", headers=bearer_for(StaffFactory())
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"] and body["detail"]
    assert not Sprint.objects.exists()


@pytest.mark.parametrize(("case", "form_overrides", "api_overrides", "field"), CASES[:4], ids=[c[0] for c in CASES[:4]])
def test_form_and_api_give_the_same_message(client, case, form_overrides, api_overrides, field):
    staff = StaffFactory()
    client.force_login(staff)
    page = client.post(reverse("sprints:create"), form_data(**form_overrides))
    api = client.post(
        BASE, new_sprint_body(**api_overrides), content_type="application/json", headers=bearer_for(staff)
    )
    assert page.context["form"].errors[field] == api.json()["errors"][field]


@pytest.mark.parametrize(
    "body", [{"capacity": "lots"}, {"kickoff_at": "next friday"}, {"remote_allowed": "perhaps"}, {"title": 42}]
)
def test_api_refuses_wrong_types_as_json_per_field(client, body):
    response = client.post(
        BASE, new_sprint_body(**body), content_type="application/json", headers=bearer_for(StaffFactory())
    )
    assert response.status_code == 422
    assert set(body) & set(response.json()["errors"])


def test_api_refuses_a_body_that_is_not_json(client):
    response = client.post(BASE, "{not json", content_type="application/json", headers=bearer_for(StaffFactory()))
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_patch_refuses_negative_capacity_and_changes_nothing(client):
    sprint = SprintFactory(capacity=40)
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.patch(
        f"{BASE}/{sprint.slug}",
        {"capacity": -1, "title": "Changed"},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 400
    sprint.refresh_from_db()
    assert (sprint.capacity, sprint.title) != (-1, "Changed") and sprint.capacity == 40


def test_sql_looking_strings_are_stored_and_shown_literally(client):
    staff = StaffFactory()
    body = new_sprint_body(title=SQL_LOOKING, tagline="1 OR 1=1; --", description=SQL_LOOKING)
    response = client.post(BASE, body, content_type="application/json", headers=bearer_for(staff))
    assert response.status_code == 201
    sprint = Sprint.objects.get(slug="mas-2027")
    assert (sprint.title, sprint.tagline) == (SQL_LOOKING, "1 OR 1=1; --")
    client.force_login(staff)
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert "Robert&#x27;); DROP TABLE sprints_sprint;--" in html
    assert Sprint.objects.count() == 1


def test_script_in_markdown_never_reaches_the_page(client):
    sprint = SprintFactory(
        description='<script>alert("x")</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))',
        rules="<iframe src='https://evil.example'></iframe>",
        tagline='<b onmouseover="alert(1)">hi</b>',
    )
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<iframe" not in html and 'href="javascript' not in html
    assert "&lt;b onmouseover" in html


def test_long_unicode_title_within_the_limit_is_kept_whole(client):
    title = ("Évaluations 評価 🧪 " * 12)[:200]
    staff = StaffFactory()
    response = client.post(
        BASE, new_sprint_body(title=title), content_type="application/json", headers=bearer_for(staff)
    )
    assert response.status_code == 201
    assert Sprint.objects.get().title == title
