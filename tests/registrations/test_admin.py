import pytest
from django.urls import reverse

from sprintlab.registrations.models import AdmissionWave
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_registration_admin_lists_searches_filters_and_opens(admin_client):
    registration = RegistrationFactory(user__email="findme@example.org")
    RegistrationFactory()
    url = reverse("admin:registrations_registration_changelist")
    response = admin_client.get(url, {"q": "findme", "status": "confirmed"})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [registration]
    change = admin_client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))
    assert change.status_code == 200


def test_admission_wave_admin(admin_client):
    registration = RegistrationFactory()
    wave = AdmissionWave.objects.create(sprint=registration.sprint, number=1, confirm_by=registration.created_at)
    assert admin_client.get(reverse("admin:registrations_admissionwave_changelist"), {"q": "x"}).status_code == 200
    assert admin_client.get(reverse("admin:registrations_admissionwave_change", args=[wave.pk])).status_code == 200
