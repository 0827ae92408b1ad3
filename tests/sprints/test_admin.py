import pytest
from django.urls import reverse

from sprintlab.sprints.models import Prize, Track
from tests.factories import PartnerFactory, SprintFactory, SprintMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["sprint", "partner", "sprintmembership", "track", "prize"])
def test_admin_lists_search_and_filter(admin_client, model):
    sprint = SprintFactory(title="Evals Sprint")
    sprint.partners.add(PartnerFactory())
    Track.objects.create(sprint=sprint, name="Evals")
    Prize.objects.create(sprint=sprint, name="First")
    SprintMembershipFactory(sprint=sprint)
    url = reverse(f"admin:sprints_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url + "?q=evals").status_code == 200


def test_admin_sprint_page_has_the_inlines(admin_client):
    sprint = SprintFactory()
    html = admin_client.get(reverse("admin:sprints_sprint_change", args=[sprint.pk])).content.decode()
    for prefix in ("tracks-TOTAL_FORMS", "prizes-TOTAL_FORMS", "memberships-TOTAL_FORMS"):
        assert prefix in html
