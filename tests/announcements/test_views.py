"""The announcement pages and API: write, preview, send, list; query counts that do not grow."""

import pytest
from django.core import mail
from django.urls import reverse

from sprintlab.announcements.models import Announcement, AnnouncementStatus, Audience
from sprintlab.sprints.models import SprintRole
from tests.announcements.factories import AnnouncementFactory
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint_with_people():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    attendees = [RegistrationFactory(sprint=sprint, site=site) for _ in range(3)]
    remote = RegistrationFactory(sprint=sprint)
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    return sprint, site, attendees, remote, organiser


def test_write_review_and_send_from_the_pages(client, sprint_with_people, django_capture_on_commit_callbacks):
    sprint, site, attendees, remote, organiser = sprint_with_people
    client.force_login(organiser)
    create_url = reverse("announcements:create", kwargs={"slug": sprint.slug})
    assert client.get(create_url).status_code == 200
    preview = client.post(
        reverse("announcements:preview", kwargs={"slug": sprint.slug}),
        {"audience": "site", "site": site.pk, "body": "Doors open at **9**"},
        headers={"HX-Request": "true"},
    )
    assert "3 people will receive it" in preview.content.decode()
    assert "<strong>9</strong>" in preview.content.decode()
    response = client.post(
        create_url, {"audience": "site", "site": site.pk, "title": "Doors", "body": "Doors open at 9."}
    )
    announcement = Announcement.objects.get()
    assert response.url == reverse("announcements:detail", kwargs={"slug": sprint.slug, "pk": announcement.pk})
    send_url = reverse("announcements:send", kwargs={"slug": sprint.slug, "pk": announcement.pk})
    unconfirmed = client.post(send_url, {})
    assert "Tick the box" in unconfirmed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url, {"confirm": "on"})
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in attendees)
    detail = client.get(reverse("announcements:detail", kwargs={"slug": sprint.slug, "pk": announcement.pk}))
    assert 'data-channel="email"' in detail.content.decode()

    client.force_login(remote.user)
    listing = client.get(reverse("announcements:list", kwargs={"slug": sprint.slug})).content.decode()
    assert "Doors" not in listing
    client.force_login(attendees[0].user)
    listing = client.get(reverse("announcements:list", kwargs={"slug": sprint.slug})).content.decode()
    assert "Doors" in listing


def test_a_site_organiser_cannot_address_another_site_through_the_form(client, sprint_with_people):
    sprint, _site, _attendees, _remote, _organiser = sprint_with_people
    other = LocalSiteFactory(sprint=sprint)
    lead = SiteOrganiserFactory(site=other).user
    client.force_login(lead)
    response = client.post(
        reverse("announcements:create", kwargs={"slug": sprint.slug}),
        {"audience": "site", "site": _site.pk, "title": "x", "body": "y"},
    )
    assert response.status_code == 200
    assert not Announcement.objects.exists()


def test_the_list_costs_the_same_for_more_announcements(client, sprint_with_people, django_assert_max_num_queries):
    sprint, _site, _attendees, _remote, organiser = sprint_with_people
    client.force_login(organiser)
    url = reverse("announcements:list", kwargs={"slug": sprint.slug})
    AnnouncementFactory.create_batch(2, sprint=sprint)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    AnnouncementFactory.create_batch(10, sprint=sprint, audience=Audience.SITE, site=_site)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_api(client, sprint_with_people, django_capture_on_commit_callbacks):
    sprint, site, attendees, _remote, organiser = sprint_with_people
    base = f"/api/v1/sprints/{sprint.slug}/announcements"
    headers = bearer_for(organiser)
    preview = client.post(f"{base}/preview", {"audience": "site", "site": site.pk}, "application/json", headers=headers)
    assert preview.json() == {"recipients": 3}
    created = client.post(
        base, {"audience": "everyone", "title": "Welcome", "body": "Hello **all**"}, "application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    announcement_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{base}/{announcement_id}/send", {}, "application/json", headers=headers)
    assert sent.status_code == 202
    detail = client.get(f"{base}/{announcement_id}", headers=headers).json()
    assert detail["status"] == "sent" and detail["recipient_count"] == 4
    assert detail["delivery"]["email"]["sent"] == 4
    again = client.post(f"{base}/{announcement_id}/send", {}, "application/json", headers=headers)
    assert again.status_code == 409 and again.json()["detail"]
    stranger = bearer_for(UserFactory())
    refused = client.post(
        base, {"audience": "everyone", "title": "x", "body": "y"}, "application/json", headers=stranger
    )
    assert refused.status_code == 403
    participant = bearer_for(attendees[0].user)
    assert client.get(f"{base}/{announcement_id}", headers=participant).json()["delivery"] is None
    assert [a["id"] for a in client.get(base, headers=participant).json()["items"]] == [announcement_id]
    assert client.get(base).status_code == 401


def test_the_sprint_page_leads_participants_to_the_announcements_they_received(
    client, sprint_with_people, django_capture_on_commit_callbacks
):
    from sprintlab.announcements.services import announcement_send_now

    sprint, site, attendees, remote, organiser = sprint_with_people
    to_site = AnnouncementFactory(sprint=sprint, author=organiser, audience=Audience.SITE, site=site, title="Doors")
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send_now(actor=organiser, announcement=to_site)
    list_url = reverse("announcements:list", kwargs={"slug": sprint.slug})
    sprint_url = sprint.get_absolute_url()

    client.force_login(attendees[0].user)
    assert f'href="{list_url}"' in client.get(sprint_url).content.decode()
    listed = client.get(list_url).content.decode()
    assert "Doors" in listed and reverse("notifications:inbox") in listed

    # A remote participant finds the list too, without the site's announcement in it.
    client.force_login(remote.user)
    assert f'href="{list_url}"' in client.get(sprint_url).content.decode()
    assert "Doors" not in client.get(list_url).content.decode()

    # The organisers find it; someone who never registered and visitors are not offered it.
    client.force_login(organiser)
    assert f'href="{list_url}"' in client.get(sprint_url).content.decode()
    client.force_login(UserFactory())
    assert f'href="{list_url}"' not in client.get(sprint_url).content.decode()
    client.logout()
    assert f'href="{list_url}"' not in client.get(sprint_url).content.decode()
