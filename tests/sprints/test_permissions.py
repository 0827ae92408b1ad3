"""Every role × every sensitive sprint action, through has_perm and through the pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tests.factories import SprintFactory
from tests.roles import ROLES, make_person

pytestmark = pytest.mark.django_db

ALLOWED = {
    "view_draft": {"sprint_organiser", "cohost", "staff"},
    "edit": {"sprint_organiser", "staff"},
    "clone": {"sprint_organiser", "staff"},
    "view_registrations": {"sprint_organiser", "cohost", "staff"},
    "export_csv": {"sprint_organiser", "cohost", "staff"},
    "create": {"staff"},
}
PERMS = {
    "view_draft": "sprints.view_sprint",
    "edit": "sprints.change_sprint",
    "clone": "sprints.clone_sprint",
    "view_registrations": "sprints.view_registrations",
    "export_csv": "sprints.view_registrations",
    "create": "sprints.create_sprint",
}


def url_for(action: str, sprint) -> str:
    slug = {"slug": sprint.slug}
    return {
        "view_draft": reverse("sprints:detail", kwargs=slug),
        "edit": reverse("sprints:edit", kwargs=slug),
        "clone": reverse("sprints:clone", kwargs=slug),
        "view_registrations": reverse("sprints:registrations", kwargs=slug),
        "export_csv": reverse("sprints:registrations", kwargs=slug) + "?format=csv",
        "create": reverse("sprints:create"),
    }[action]


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_has_perm_matrix(role, action):
    sprint = SprintFactory(is_published=False)
    user = make_person(role, sprint) or AnonymousUser()
    target = None if action == "create" else sprint
    assert user.has_perm(PERMS[action], target) is (role in ALLOWED[action])


@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_each_role(client, role, action):
    # The draft hides itself (404) from people outside its team; a published sprint answers 403.
    sprint = SprintFactory(is_published=action != "view_draft")
    user = make_person(role, sprint)
    if user is not None:
        client.force_login(user)

    response = client.get(url_for(action, sprint))

    if role in ALLOWED[action]:
        assert response.status_code == 200
    elif action == "view_draft":
        assert response.status_code == 404
    elif user is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("action", ["edit", "clone", "view_registrations", "export_csv"])
def test_management_pages_of_a_draft_are_404_for_outsiders(client, action):
    sprint = SprintFactory(is_published=False)
    client.force_login(make_person("participant", sprint))
    assert client.get(url_for(action, sprint)).status_code == 404


def test_cohost_reads_registrations_but_not_as_a_manager(client):
    sprint = SprintFactory()
    client.force_login(make_person("cohost", sprint))
    response = client.get(url_for("view_registrations", sprint))
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), {}).status_code == 403
