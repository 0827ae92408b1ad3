"""A wave skips, with a reason the organiser sees, people who changed place or status while it was sent.

The change is simulated between the wave's first read of the chosen people and its locks, which
is where a concurrent switch or cancellation lands (see test_races.py for the real race).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import Conflict
from sprintlab.core.models import AuditEntry
from sprintlab.registrations import admissions, seats
from sprintlab.registrations.models import AdmissionWave, Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, SprintFactory, SprintMembershipFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db
S = RegistrationStatus


@pytest.fixture
def sprint_with_full_site():
    """Reviewed sprint without remote places; S has room, T's only seat is taken; A and Z applied at S."""
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, remote_allowed=False)
    s, t = (
        LocalSiteFactory(sprint=sprint, capacity=5, name="Sidney"),
        LocalSiteFactory(sprint=sprint, capacity=1, name="Trinity"),
    )
    holder = register(sprint=sprint, site=t)
    Registration.objects.filter(pk=holder.pk).update(status=S.CONFIRMED)
    a, z = register(sprint=sprint, site=s), register(sprint=sprint, site=s)
    return sprint, s, t, a, z


def meanwhile(monkeypatch, registration, **fields):
    """Change ``registration`` just before the wave takes its first lock."""
    original = seats.lock_sprint

    def change_then_lock(sprint):
        Registration.objects.filter(pk=registration.pk).update(**fields)
        return original(sprint)

    monkeypatch.setattr(seats, "lock_sprint", change_then_lock)


def send_wave(sprint, *, admit):
    return admissions.admission_wave_create(
        sprint=sprint,
        admit=[r.pk for r in admit],
        waitlist=[],
        decline=[],
        message="",
        confirm_by=timezone.now() + timedelta(days=2),
        actor=SprintMembershipFactory(sprint=sprint).user,
    )


def test_a_person_who_switched_to_a_full_site_is_skipped_not_moved_to_no_place(monkeypatch, sprint_with_full_site):
    sprint, s, t, a, z = sprint_with_full_site
    meanwhile(monkeypatch, z, site=t)

    wave = send_wave(sprint, admit=[a, z])

    a.refresh_from_db()
    z.refresh_from_db()
    assert (a.status, a.site) == (S.OFFERED, s)
    assert (z.status, z.site) == (S.APPLIED, t)
    assert wave.admitted_count == 1
    assert wave.skipped == [
        {
            "registration": z.pk,
            "person": z.user.name,
            "reason": "Skipped: they moved to Trinity while the wave was being sent; decide about them again.",
        }
    ]
    assert AuditEntry.objects.get(action="registration.admission_wave").data["skipped"] == [z.pk]


def test_a_person_who_cancelled_meanwhile_is_skipped(monkeypatch, sprint_with_full_site):
    sprint, _s, _t, a, z = sprint_with_full_site
    meanwhile(monkeypatch, z, status=S.CANCELLED)

    wave = send_wave(sprint, admit=[a, z])

    assert Registration.objects.get(pk=z.pk).status == S.CANCELLED
    assert wave.skipped[0]["reason"] == "Skipped: they are now “Cancelled”."


def test_a_wave_whose_people_all_changed_is_refused_with_the_reasons(monkeypatch, sprint_with_full_site):
    sprint, _s, t, _a, z = sprint_with_full_site
    meanwhile(monkeypatch, z, site=t)

    with pytest.raises(Conflict, match="moved to Trinity"):
        send_wave(sprint, admit=[z])

    assert not AdmissionWave.objects.exists()


def test_the_api_answer_lists_the_skipped_people(monkeypatch, client, sprint_with_full_site):
    sprint, _s, t, a, z = sprint_with_full_site
    meanwhile(monkeypatch, z, site=t)
    organiser = SprintMembershipFactory(sprint=sprint).user
    body = {
        "sprint": sprint.slug,
        "admit": [a.pk, z.pk],
        "confirm_by": (timezone.now() + timedelta(days=2)).isoformat(),
    }

    response = client.post(
        "/api/v1/registrations/admission-waves", body, content_type="application/json", headers=bearer_for(organiser)
    )

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["admitted_count"] == 1
    assert [(entry["registration"], entry["person"]) for entry in answer["skipped"]] == [(z.pk, z.user.name)]
    assert "moved to Trinity" in answer["skipped"][0]["reason"]


def test_the_admissions_page_shows_who_was_skipped_and_why(monkeypatch, client, sprint_with_full_site):
    sprint, _s, t, a, z = sprint_with_full_site
    meanwhile(monkeypatch, z, site=t)
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    url = reverse("registrations:admissions", kwargs={"slug": sprint.slug})
    deadline = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(url, {"selected": [a.pk, z.pk], "decision": "admit", "confirm_by": deadline}, follow=True)

    html = response.content.decode()
    assert "Wave 1 sent: 1 admitted" in html
    assert f"{z.user.name}: Skipped: they moved to Trinity" in html  # the message after sending
    later = client.get(url).content.decode()
    assert "they moved to Trinity while the wave was being sent" in later  # and the past waves table
