import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.localsites.models import LocalSite, SiteMessage, SiteStatus
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.localsites.helpers import client_for, form_data

pytestmark = pytest.mark.django_db


# A site's check-in and messages live in the registrations app, under the site's URL.
ATTENDANCE_PAGES = {"check_in": "check_in", "check_in_attendee": "check_in_attendee", "message": "site_message"}


def site_url(name, site, **kwargs):
    view = f"registrations:{ATTENDANCE_PAGES[name]}" if name in ATTENDANCE_PAGES else f"localsites:{name}"
    return reverse(view, kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug, **kwargs})


class TestApply:
    def test_apply_creates_a_pending_site(self, sprint):
        user = UserFactory()
        response = client_for(user).post(reverse("localsites:apply", args=[sprint.slug]), form_data(sprint))
        site = LocalSite.objects.get()
        assert response.status_code == 302
        assert response["Location"] == site.get_absolute_url()
        assert (site.status, site.applicant, site.timezone) == (SiteStatus.PENDING, user, "Europe/London")

    def test_the_form_prefills_the_contact(self, sprint):
        user = UserFactory(display_name="Grace Hopper")
        response = client_for(user).get(reverse("localsites:apply", args=[sprint.slug]))
        assert response.status_code == 200
        assert 'value="Grace Hopper"' in response.content.decode()
        assert '<datalist id="timezones">' in response.content.decode()

    def test_anonymous_people_are_sent_to_sign_in(self, client, sprint):
        response = client.get(reverse("localsites:apply", args=[sprint.slug]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"capacity": "-3"}, "capacity", "greater than or equal to 1"),
            ({"capacity": "many"}, "capacity", "Enter a whole number"),
            ({"timezone": "Europe/Atlantis"}, "timezone", "not a known time zone"),
            ({"latitude": "200", "longitude": "0"}, "latitude", "less than or equal to 90"),
            ({"latitude": "51.5"}, "longitude", "both latitude and longitude"),
            ({"starts_at": "not a date"}, "starts_at", "Enter a valid date/time"),
            ({"co_organisers": "ghost@example.org"}, "co_organisers", "No SprintLab account uses ghost@example.org"),
            ({"co_organisers": "not-an-email"}, "co_organisers", "is not an email address"),
            ({"name": "n" * 151}, "name", "at most 150 characters"),
            ({"country": "XX"}, "country", "Select a valid choice"),
        ],
    )
    def test_bad_input_shows_a_message_on_the_field(self, sprint, overrides, field, message):
        response = client_for(UserFactory()).post(
            reverse("localsites:apply", args=[sprint.slug]), form_data(sprint, **overrides)
        )
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
        assert 'aria-invalid="true"' in response.content.decode()
        assert not LocalSite.objects.exists()

    def test_end_before_start(self, sprint):
        data = form_data(sprint)
        data["starts_at"], data["ends_at"] = data["ends_at"], data["starts_at"]
        response = client_for(UserFactory()).post(reverse("localsites:apply", args=[sprint.slug]), data)
        assert response.context["form"].errors["ends_at"] == ["The site must close after it opens."]

    def test_hostile_text_is_stored_as_typed_and_shown_safely(self, sprint):
        hostile = {
            "name": "Café 東京 <script>alert(1)</script>",
            "description": "Hi <script>alert('x')</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>",
            "city": "Robert'); DROP TABLE localsites_localsite;--",
        }
        client = client_for(UserFactory())
        client.post(reverse("localsites:apply", args=[sprint.slug]), form_data(sprint, **hostile))
        site = LocalSite.objects.get()
        assert site.city == hostile["city"]
        page = client.get(site.get_absolute_url()).content.decode()
        assert "<script>alert" not in page
        assert 'href="javascript' not in page
        assert "<img src=x onerror" not in page
        assert "Café 東京 &lt;script&gt;" in page

    def test_finished_sprint_is_refused_with_a_reason(self):
        past = timezone.now() - timezone.timedelta(days=40)
        sprint = SprintFactory(
            announced_at=past - timezone.timedelta(days=30),
            registration_opens_at=past - timezone.timedelta(days=20),
            kickoff_at=past,
        )
        client = client_for(UserFactory())
        response = client.get(reverse("localsites:apply", args=[sprint.slug]), follow=True)
        assert "no longer takes site applications" in response.content.decode()


class TestReview:
    def test_pending_first_with_inline_forms(self, world):
        client = client_for(world.user("sprint_organiser"))
        response = client.get(reverse("localsites:applications", args=[world.sprint.slug]))
        assert response.status_code == 200
        applications = response.context["applications"]
        assert applications[0] == world.pending
        page = response.content.decode()
        assert f'hx-post="{reverse("localsites:decide", args=[world.sprint.slug, world.pending.pk])}"' in page

    def test_htmx_approve_swaps_the_row(self, world):
        client = client_for(world.user("sprint_organiser"))
        url = reverse("localsites:decide", args=[world.sprint.slug, world.pending.pk])
        response = client.post(url, {"action": "approve"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        body = response.content.decode()
        assert body.strip().startswith("<article") and f'id="application-{world.pending.pk}"' in body
        assert "Approved" in body
        world.pending.refresh_from_db()
        assert world.pending.status == SiteStatus.APPROVED
        assert OutboxMessage.objects.filter(
            to_email=world.user("applicant").email, subject__contains="approved"
        ).exists()

    def test_reject_without_reason_shows_the_error_in_place(self, world):
        client = client_for(world.user("sprint_organiser"))
        url = reverse("localsites:decide", args=[world.sprint.slug, world.pending.pk])
        response = client.post(url, {"action": "reject", "reason": ""}, HTTP_HX_REQUEST="true")
        assert "this field is required" in response.content.decode()
        assert '<details class="decision" open>' in response.content.decode()
        # Without JavaScript: the whole page, with the error, and nothing changed.
        response = client.post(url, {"action": "reject", "reason": ""})
        assert response.status_code == 400
        assert "this field is required" in response.content.decode()
        world.pending.refresh_from_db()
        assert world.pending.status == SiteStatus.PENDING

    def test_request_changes_without_js_redirects(self, world):
        client = client_for(world.user("sprint_organiser"))
        url = reverse("localsites:decide", args=[world.sprint.slug, world.pending.pk])
        response = client.post(url, {"action": "request_changes", "reason": "Which room?"})
        assert response.status_code == 302
        world.pending.refresh_from_db()
        assert (world.pending.status, world.pending.decision_reason) == (SiteStatus.CHANGES_REQUESTED, "Which room?")

    def test_applicant_sees_requested_changes_and_edits(self, world):
        world.pending.status = SiteStatus.CHANGES_REQUESTED
        world.pending.decision_reason = "Please add the room number."
        world.pending.save()
        client = client_for(world.user("applicant"))
        page = client.get(reverse("localsites:mine")).content.decode()
        assert "Please add the room number." in page
        edit_url = site_url("edit", world.pending)
        assert edit_url in page
        form = client.get(edit_url)
        assert form.status_code == 200
        assert form.context["form"].initial["name"] == world.pending.name
        data = form_data(world.sprint, name=world.pending.name, address="1 Trinity Street, Room 4")
        response = client.post(edit_url, data)
        assert response.status_code == 302
        world.pending.refresh_from_db()
        assert (world.pending.status, world.pending.address) == (SiteStatus.PENDING, "1 Trinity Street, Room 4")

    def test_withdraw(self, world):
        client = client_for(world.user("applicant"))
        response = client.post(site_url("withdraw", world.pending))
        assert response.status_code == 302
        world.pending.refresh_from_db()
        assert world.pending.status == SiteStatus.WITHDRAWN


class TestPublicPages:
    def test_list_groups_by_region_with_seats(self, sprint):
        site = LocalSiteFactory(
            sprint=sprint, country="KE", city="Nairobi", capacity=2, latitude=-1.28, longitude=36.82
        )
        RegistrationFactory(sprint=sprint, site=site)
        LocalSiteFactory(sprint=sprint, country="GB", city="Oxford")
        LocalSiteFactory(sprint=sprint, country="DE", city="Berlin", status=SiteStatus.PENDING)
        response = self_get(reverse("localsites:list", args=[sprint.slug]))
        page = response.content.decode()
        # The list is a shared fragment (rendered apart from the page): read the regions from the HTML.
        assert re.findall(r'<h2 id="region-[^"]*">([^<]*?) <span', page) == ["Africa", "Europe"]
        assert "1 seat left" in page
        assert "https://www.openstreetmap.org/?mlat=-1.280000&amp;mlon=36.820000" in page
        assert "Berlin" not in page

    def test_list_filters_by_country(self, sprint):
        LocalSiteFactory(sprint=sprint, country="KE", city="Nairobi")
        LocalSiteFactory(sprint=sprint, country="GB", city="Oxford")
        response = self_get(reverse("localsites:list", args=[sprint.slug]) + "?country=KE")
        assert "1 site where people meet in person" in response.content.decode()
        assert "Oxford</span>" not in response.content.decode()

    def test_detail_shows_both_zones_and_the_register_button(self, sprint):
        site = LocalSiteFactory(sprint=sprint, timezone="Asia/Kolkata", country="IN", city="Bengaluru")
        viewer = UserFactory(timezone="America/New_York")
        page = client_for(viewer).get(site.get_absolute_url()).content.decode()
        assert "Local time (Asia/Kolkata)" in page
        assert "Your time (<span data-timezone-name>America/New_York</span>)" in page
        local_start = site.starts_at.astimezone(site.zone).strftime("%H:%M")
        assert local_start in page
        assert f"/sprints/{sprint.slug}/register/?site={site.pk}" in page
        assert "Register at this site" in page

    def test_pending_site_is_hidden_from_the_public(self, world):
        assert self_get(world.pending.get_absolute_url(), expect=404).status_code == 404

    def test_draft_sprint_sites_are_hidden(self):
        site = LocalSiteFactory(sprint=SprintFactory(is_published=False))
        self_get(reverse("localsites:list", args=[site.sprint.slug]), expect=404)
        self_get(site.get_absolute_url(), expect=404)

    def test_unknown_site_is_404(self, sprint):
        self_get(reverse("localsites:detail", args=[sprint.slug, "nowhere"]), expect=404)


def self_get(url, expect=200):
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == expect
    return response


@pytest.fixture
def running_site(sprint):
    site = LocalSiteFactory(sprint=sprint, capacity=3, doors_open_soon=True)
    organiser = SiteOrganiserFactory(site=site).user
    ada = RegistrationFactory(
        sprint=sprint, site=site, user=UserFactory(display_name="Ada Lovelace", email="ada@example.org")
    )
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name='=HYPERLINK("http://evil")'))
    waiting = RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
    return site, organiser, ada, waiting


class TestDashboard:
    def test_counts_attendees_and_waitlist(self, running_site):
        site, organiser, _ada, waiting = running_site
        response = client_for(organiser).get(site_url("dashboard", site))
        assert response.context["counts"]["confirmed"] == 2
        assert response.context["counts"]["waitlisted"] == 1
        assert list(response.context["waitlist"]) == [waiting]
        assert site_url("check_in", site) in response.content.decode()

    def test_csv_export_is_safe_against_formulas(self, running_site):
        site, organiser, _ada, _waiting = running_site
        response = client_for(organiser).get(site_url("export", site))
        assert response["Content-Type"].startswith("text/csv")
        content = b"".join(response.streaming_content)
        # The byte-order mark tells spreadsheet programs the file is UTF-8, as the registrations CSV does.
        assert content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0][:2] == ["Name", "Email"]
        names = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil")' in names
        assert "Ada Lovelace" in names
        assert len(rows) == 4

    def test_message_everyone(self, running_site):
        site, organiser, ada, _waiting = running_site
        client = client_for(organiser)
        response = client.post(site_url("message", site), {"subject": "Pizza", "body": "At 7pm."})
        assert response.status_code == 302
        message = SiteMessage.objects.get()
        assert message.recipient_count == 2
        assert OutboxMessage.objects.filter(key=f"site-message:{message.pk}:{ada.user_id}").exists()
        assert "Pizza" in client.get(site_url("dashboard", site)).content.decode()

    def test_message_needs_a_subject(self, running_site):
        site, organiser, *_ = running_site
        response = client_for(organiser).post(site_url("message", site), {"subject": "", "body": "Hi"})
        assert response.status_code == 400
        assert response.context["message_form"].errors["subject"]
        assert not SiteMessage.objects.exists()


class TestCheckIn:
    def test_page_lists_confirmed_attendees(self, running_site):
        site, organiser, _ada, waiting = running_site
        response = client_for(organiser).get(site_url("check_in", site))
        page = response.content.decode()
        assert 'hx-trigger="input changed delay:200ms, search"' in page
        assert "Ada Lovelace" in page
        assert waiting.user.name not in page

    def test_live_search_returns_the_partial(self, running_site):
        site, organiser, _ada, _waiting = running_site
        response = client_for(organiser).get(
            site_url("check_in", site) + "?q=ada", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="check-in-results"
        )
        body = response.content.decode()
        assert body.strip().startswith('<div id="check-in-results"')
        assert "<html" not in body
        assert "Ada Lovelace" in body and "HYPERLINK" not in body

    def test_htmx_check_in_and_undo(self, running_site):
        site, organiser, ada, _waiting = running_site
        client = client_for(organiser)
        url = site_url("check_in_attendee", site, registration_id=ada.pk)
        body = client.post(url, {"action": "check_in"}, HTTP_HX_REQUEST="true").content.decode()
        ada.refresh_from_db()
        checked_in_local = ada.checked_in_at.astimezone(site.zone).strftime("%H:%M")
        assert "Checked in <time" in body and f">{checked_in_local}</time>" in body
        assert "Undo" in body
        assert 'id="checked-in-count" hx-swap-oob="true"' in body and "1 of 2 checked in" in body
        body = client.post(url, {"action": "undo"}, HTTP_HX_REQUEST="true").content.decode()
        ada.refresh_from_db()
        assert ada.checked_in_at is None
        assert ">Check in</button>" in body

    def test_check_in_without_js_redirects_back_with_an_empty_search(self, running_site):
        site, organiser, ada, _waiting = running_site
        url = site_url("check_in_attendee", site, registration_id=ada.pk)
        response = client_for(organiser).post(url, {"action": "check_in", "q": "ada"})
        assert response.status_code == 302
        assert response["Location"] == site_url("check_in", site)
        ada.refresh_from_db()
        assert ada.checked_in_at is not None
        # Undoing keeps the search: the organiser is still looking at that person.
        response = client_for(organiser).post(url, {"action": "undo", "q": "ada"})
        assert response["Location"].endswith("?q=ada")

    def test_before_check_in_opens_the_page_says_when_and_offers_no_button(self, sprint):
        site = LocalSiteFactory(sprint=sprint)
        organiser = SiteOrganiserFactory(site=site).user
        RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Early Bird"))
        html = client_for(organiser).get(site_url("check_in", site)).content.decode()
        assert "Early Bird" in html and "Check-in opens" in html
        assert 'value="check_in"' not in html

    def test_htmx_check_in_empties_the_search_box(self, running_site):
        site, organiser, ada, _waiting = running_site
        url = site_url("check_in_attendee", site, registration_id=ada.pk)
        body = (
            client_for(organiser).post(url, {"action": "check_in", "q": "ada"}, HTTP_HX_REQUEST="true").content.decode()
        )
        assert re.search(r'<input type="search" id="checkin-q" name="q" value=""[^>]*hx-swap-oob="true"', body)

    def test_waitlisted_person_cannot_be_checked_in(self, running_site):
        site, organiser, _ada, waiting = running_site
        url = site_url("check_in_attendee", site, registration_id=waiting.pk)
        body = client_for(organiser).post(url, {"action": "check_in"}, HTTP_HX_REQUEST="true").content.decode()
        assert "Only confirmed attendees can be checked in" in body
        waiting.refresh_from_db()
        assert waiting.checked_in_at is None

    def test_registration_of_another_site_is_404(self, running_site, sprint):
        site, organiser, *_ = running_site
        elsewhere = RegistrationFactory(sprint=sprint, site=LocalSiteFactory(sprint=sprint))
        url = site_url("check_in_attendee", site, registration_id=elsewhere.pk)
        assert client_for(organiser).post(url, {"action": "check_in"}).status_code == 404


def test_my_sites_lists_applications_with_status(world):
    page = client_for(world.user("site_organiser")).get(reverse("localsites:mine")).content.decode()
    assert "Pending Venue" in page and "Approved Venue" in page
    assert "Awaiting review" in page


def test_sprint_organiser_sees_the_review_link_on_the_list(world):
    SprintMembershipFactory(sprint=world.sprint, role=SprintRole.ORGANISER)
    page = client_for(world.user("sprint_organiser")).get(reverse("localsites:list", args=[world.sprint.slug]))
    assert reverse("localsites:applications", args=[world.sprint.slug]) in page.content.decode()


def test_admin_pages_work(world):
    from tests.factories import StaffFactory

    admin = StaffFactory(is_superuser=True)
    client = client_for(admin)
    for url in (
        "/admin/localsites/localsite/?status__exact=pending&q=Venue",
        "/admin/localsites/siteorganiser/?q=co",
        "/admin/localsites/sitemessage/",
        f"/admin/localsites/localsite/{world.site.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
