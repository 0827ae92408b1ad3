"""A raised capacity gives its new seats to waiting people in order, whichever way it is raised."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from sprintlab.sprints.services import sprint_update
from tests.factories import LocalSiteFactory, SprintFactory, SprintMembershipFactory, StaffFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import register
from tests.sprints.test_views import form_data

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def full_sprint_with_queue():
    """Sprint of 2 seats, site A (5 seats) and remote; then people wait at A, remote, A in that order."""
    sprint = SprintFactory(capacity=2)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    seated = [register(sprint=sprint, site=site), register(sprint=sprint)]
    waiting = [register(sprint=sprint, site=site), register(sprint=sprint), register(sprint=sprint, site=site)]
    assert statuses(*seated, *waiting) == [S.CONFIRMED] * 2 + [S.WAITLISTED] * 3
    return sprint, site, waiting


def test_raising_the_sprint_capacity_promotes_waiting_people_in_queue_order_across_places():
    sprint, _site, (first_at_site, second_remote, third_at_site) = full_sprint_with_queue()
    organiser = SprintMembershipFactory(sprint=sprint).user

    sprint_update(actor=organiser, sprint=sprint, values={"capacity": 4})

    assert statuses(first_at_site, second_remote, third_at_site) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    granted = OutboxMessage.objects.filter(key__endswith=":seat_granted")
    assert {m.to_email for m in granted} == {first_at_site.user.email, second_remote.user.email}


def test_removing_the_sprint_capacity_seats_everyone_whose_place_has_room():
    sprint, _site, waiting = full_sprint_with_queue()

    sprint_update(actor=StaffFactory(), sprint=sprint, values={"capacity": None})

    assert statuses(*waiting) == [S.CONFIRMED] * 3


def test_lowering_the_capacity_promotes_nobody():
    sprint, _site, waiting = full_sprint_with_queue()

    sprint_update(actor=StaffFactory(), sprint=sprint, values={"capacity": 1})

    assert statuses(*waiting) == [S.WAITLISTED] * 3


def test_a_raise_in_a_reviewed_sprint_offers_the_seat_to_confirm():
    sprint = SprintFactory(capacity=1, admission_mode=AdmissionMode.REVIEWED)
    first, second = register(sprint=sprint), register(sprint=sprint)
    Registration.objects.filter(pk=first.pk).update(status=S.CONFIRMED)
    Registration.objects.filter(pk=second.pk).update(status=S.WAITLISTED)

    sprint_update(actor=StaffFactory(), sprint=sprint, values={"capacity": 2})

    second.refresh_from_db()
    assert second.status == S.OFFERED and second.confirm_by is not None


def test_raising_the_capacity_through_the_api_promotes(client):
    sprint, _site, (first, *_rest) = full_sprint_with_queue()
    organiser = SprintMembershipFactory(sprint=sprint).user

    response = client.patch(
        f"/api/v1/sprints/{sprint.slug}",
        {"capacity": 3},
        content_type="application/json",
        headers=bearer_for(organiser),
    )

    assert response.status_code == 200, response.json()
    assert statuses(first) == [S.CONFIRMED]


def test_raising_the_capacity_on_the_edit_page_promotes(client):
    sprint, _site, (first, *_rest) = full_sprint_with_queue()
    client.force_login(SprintMembershipFactory(sprint=sprint).user)

    response = client.post(
        reverse("sprints:edit", kwargs={"slug": sprint.slug}), form_data(slug=sprint.slug, capacity="3")
    )

    assert response.status_code == 302
    assert statuses(first) == [S.CONFIRMED]


class _FormFields(HTMLParser):
    """The values a browser would submit for the form with id ``form_id`` on a page."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._in_form = self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:  # a browser drops the newline right after <textarea>
            self.data[self._textarea][0] += data.removeprefix("\n") if not self.data[self._textarea][0] else data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def _admin_change(client, url: str, form_id: str, **changes):
    page = _FormFields(form_id)
    page.feed(client.get(url).content.decode())
    data = {**page.data, **{name: [str(value)] for name, value in changes.items()}}
    return client.post(url, data)


def test_raising_a_site_capacity_in_the_admin_promotes_people_waiting_there(admin_client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=1)
    register(sprint=sprint, site=site)
    first, second = register(sprint=sprint, site=site), register(sprint=sprint, site=site)

    url = reverse("admin:localsites_localsite_change", args=[site.pk])
    response = _admin_change(admin_client, url, "localsite_form", capacity=2)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert statuses(first, second) == [S.CONFIRMED, S.WAITLISTED]


def test_raising_a_sprint_capacity_in_the_admin_promotes(admin_client):
    sprint, _site, (first, second, _third) = full_sprint_with_queue()

    url = reverse("admin:sprints_sprint_change", args=[sprint.pk])
    response = _admin_change(admin_client, url, "sprint_form", capacity=4)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert statuses(first, second) == [S.CONFIRMED, S.CONFIRMED]
