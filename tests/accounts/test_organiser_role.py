"""The organisation-level organiser role: staff grant and revoke it (service, admin), every change audited."""

import pytest
from django.urls import reverse

from sprintlab.accounts.services import organiser_role_set
from sprintlab.core.errors import PermissionDeniedError
from sprintlab.core.models import AuditEntry
from tests.factories import OrganiserFactory, StaffFactory, UserFactory
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db


def test_staff_grant_and_revoke_the_role_with_an_audit_entry_each():
    staff, person = StaffFactory(), UserFactory()

    organiser_role_set(actor=staff, user=person, granted=True)
    person.refresh_from_db()
    assert person.is_organiser and person.has_perm("sprints.create_sprint")

    organiser_role_set(actor=staff, user=person, granted=False)
    person.refresh_from_db()
    assert not person.is_organiser and not person.has_perm("sprints.create_sprint")
    actions = list(
        AuditEntry.objects.filter(target_type="accounts.user", target_id=str(person.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [("account.organiser_grant", staff.pk), ("account.organiser_revoke", staff.pk)]


def test_granting_a_held_role_again_records_nothing():
    staff, person = StaffFactory(), OrganiserFactory()
    organiser_role_set(actor=staff, user=person, granted=True)
    assert not AuditEntry.objects.filter(action__startswith="account.organiser").exists()


@pytest.mark.parametrize("acting", ["self", "organiser", "participant"])
def test_only_staff_grant_the_role(acting):
    person = UserFactory()
    actor = {"self": person, "organiser": OrganiserFactory(), "participant": UserFactory()}[acting]
    with pytest.raises(PermissionDeniedError):
        organiser_role_set(actor=actor, user=person, granted=True)
    person.refresh_from_db()
    assert not person.is_organiser


def test_admin_actions_grant_and_revoke_through_the_service(admin_client):
    people = UserFactory.create_batch(2)
    url = reverse("admin:accounts_user_changelist")
    ids = [str(person.pk) for person in people]

    response = admin_client.post(url, {"action": "grant_organiser_role", "_selected_action": ids}, follow=True)
    assert response.status_code == 200
    assert all(person.has_perm("sprints.create_sprint") for person in type(people[0]).objects.filter(pk__in=ids))
    assert AuditEntry.objects.filter(action="account.organiser_grant").count() == 2

    admin_client.post(url, {"action": "revoke_organiser_role", "_selected_action": ids[:1]})
    people[0].refresh_from_db()
    assert not people[0].is_organiser
    assert AuditEntry.objects.filter(action="account.organiser_revoke", target_id=ids[0]).exists()


def test_the_change_form_shows_the_role_read_only(admin_client):
    person = UserFactory()
    html = admin_client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert "May create sprints" in html
    assert 'name="is_organiser"' not in html


ROLE_API = "/api/v1/people/{}/organiser-role"


def test_staff_grant_the_role_through_the_api(client):
    staff, person = StaffFactory(), UserFactory()

    response = client.put(ROLE_API.format(person.pk), {"granted": True}, "application/json", headers=bearer_for(staff))

    assert response.status_code == 200
    assert response.json() == {"id": person.pk, "email": person.email, "is_organiser": True}
    assert AuditEntry.objects.filter(action="account.organiser_grant", target_id=str(person.pk)).exists()


@pytest.mark.parametrize("acting", ["anonymous", "organiser", "participant"])
def test_only_staff_may_call_the_role_api(client, acting):
    person = UserFactory()
    headers = {} if acting == "anonymous" else bearer_for(OrganiserFactory() if acting == "organiser" else person)
    response = client.put(ROLE_API.format(person.pk), {"granted": True}, "application/json", headers=headers)
    assert response.status_code == (401 if acting == "anonymous" else 403)
    assert set(response.json()) == {"detail", "errors"}
    person.refresh_from_db()
    assert not person.is_organiser


def test_the_role_api_answers_404_for_an_unknown_person(client):
    response = client.put(
        ROLE_API.format(999999), {"granted": True}, "application/json", headers=bearer_for(StaffFactory())
    )
    assert response.status_code == 404
