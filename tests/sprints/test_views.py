import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import Sprint, Track
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def local(dt) -> str:
    """``dt`` as a datetime-local input value in the active zone."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form_data(sprint=None, **overrides) -> dict:
    """A complete, valid POST for the sprint form (no tracks or prizes)."""
    kickoff = timezone.now() + timedelta(days=40)
    data = {
        "title": "Governance Sprint",
        "slug": "gov-2027",
        "research_area": "governance",
        "tagline": "Policy in a weekend",
        "description": "# Hello",
        "rules": "",
        "code_of_conduct": "",
        "admission_mode": "open",
        "capacity": "",
        "confirm_window_hours": "72",
        "remote_allowed": "on",
        "announced_at": local(kickoff - timedelta(days=30)),
        "registration_opens_at": local(kickoff - timedelta(days=20)),
        "registration_closes_at": "",
        "kickoff_at": local(kickoff),
        "submission_deadline_at": local(kickoff + timedelta(days=2)),
        "judging_ends_at": local(kickoff + timedelta(days=8)),
        "results_published_at": local(kickoff + timedelta(days=9)),
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "prizes-TOTAL_FORMS": "0",
        "prizes-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- public pages ---------------------------------------------------------------------------


def test_list_shows_upcoming_sprints_with_counts_and_tabs(client):
    sprint = SprintFactory(title="Interpretability Hackathon")
    RegistrationFactory.create_batch(3, sprint=sprint)
    SprintFactory(title="Secret draft", is_published=False)
    response = client.get(reverse("sprints:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Interpretability Hackathon" in html and "Secret draft" not in html
    assert "<strong>3</strong> registered" in html
    assert 'aria-current="page">Upcoming' in html
    assert "data-countdown" in html


def test_list_ignores_an_unknown_tab_or_area(client):
    SprintFactory(title="Still listed")
    response = client.get(reverse("sprints:list") + "?when=<script>&area=nonsense&page=abc")
    assert response.status_code == 200
    assert "Still listed" in response.content.decode()


def test_detail_shows_counts_timeline_sites_partners_and_register_button(client):
    sprint = SprintFactory(description="Find **circuits**", rules="Be *kind*")
    sprint.partners.add(PartnerFactory(name="Apart Lab", url="https://apart.example"))
    Track.objects.create(sprint=sprint, name="Circuits track")
    site = LocalSiteFactory(sprint=sprint, name="Trinity Hall", capacity=10)
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(country="GB"))
    RegistrationFactory(sprint=sprint, user=UserFactory(country="IN"))
    client.force_login(UserFactory(timezone="Asia/Kolkata"))

    html = client.get(sprint.get_absolute_url()).content.decode()

    assert "<strong>circuits</strong>" in html and "<em>kind</em>" in html
    assert "Apart Lab" in html and "Circuits track" in html
    assert "Trinity Hall" in html and "9 seats left" in html
    assert reverse("registrations:register", kwargs={"slug": sprint.slug}) in html
    assert "Asia/Kolkata" in html
    assert 'aria-current="step"' in html
    assert reverse("sprints:edit", kwargs={"slug": sprint.slug}) not in html  # not an organiser


def test_detail_renders_times_in_the_viewers_zone(client):
    sprint = SprintFactory()
    client.force_login(UserFactory(timezone="Asia/Kolkata"))
    html = client.get(sprint.get_absolute_url()).content.decode()
    kickoff_in_kolkata = timezone.localtime(sprint.kickoff_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Kolkata"))
    assert kickoff_in_kolkata.isoformat() in html


def test_detail_tells_a_registered_person_their_status(client):
    registration = RegistrationFactory(status=RegistrationStatus.WAITLISTED)
    client.force_login(registration.user)
    html = client.get(registration.sprint.get_absolute_url()).content.decode()
    assert "You are registered — On the waitlist" in html


@pytest.mark.parametrize(
    ("sprint_kwargs", "reason", "button"),
    [
        ({"registration_opens_at_in_days": 3}, "Registration opens on", True),
        # Once closed there is nothing to press: the reason alone, no disabled button.
        ({"registration_closes_at_in_days": -1}, "Registration for this sprint has closed.", False),
    ],
)
def test_detail_disables_the_button_with_the_reason(client, sprint_kwargs, reason, button):
    now = timezone.now()
    sprint = SprintFactory(announced_at=now - timedelta(days=10))
    if "registration_opens_at_in_days" in sprint_kwargs:
        sprint.registration_opens_at = now + timedelta(days=sprint_kwargs["registration_opens_at_in_days"])
    else:
        sprint.registration_closes_at = now + timedelta(days=sprint_kwargs["registration_closes_at_in_days"])
    sprint.save()
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert reason in html
    assert ("disabled" in html) is button
    assert reverse("registrations:register", kwargs={"slug": sprint.slug}) not in html


def test_detail_offers_the_waitlist_when_the_sprint_is_full(client):
    sprint = SprintFactory(capacity=2)
    RegistrationFactory.create_batch(2, sprint=sprint)
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert "Join the waitlist" in html
    assert "All 2 seats are taken" in html


def test_detail_shows_organiser_tools_to_organisers(client):
    sprint = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    html = client.get(sprint.get_absolute_url()).content.decode()
    for url in (
        reverse("sprints:edit", kwargs={"slug": sprint.slug}),
        reverse("sprints:clone", kwargs={"slug": sprint.slug}),
        reverse("sprints:registrations", kwargs={"slug": sprint.slug}),
        reverse("localsites:applications", kwargs={"sprint_slug": sprint.slug}),
        reverse("registrations:admissions", kwargs={"slug": sprint.slug}),
    ):
        assert url in html


def test_detail_of_a_draft_is_404_for_the_public(client):
    sprint = SprintFactory(is_published=False)
    assert client.get(sprint.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(sprint.get_absolute_url()).status_code == 404


# --- create, edit, preview -------------------------------------------------------------------


def test_staff_creates_a_sprint_with_times_in_their_own_zone(client):
    staff = StaffFactory(timezone="America/Los_Angeles")
    client.force_login(staff)
    page = client.get(reverse("sprints:create"))
    assert "America/Los_Angeles" in page.content.decode()
    data = form_data(
        kickoff_at="2027-06-05T09:00",
        submission_deadline_at="2027-06-07T09:00",
        judging_ends_at="2027-06-14T09:00",
        results_published_at="2027-06-15T09:00",
        announced_at="2027-04-01T09:00",
        registration_opens_at="2027-05-01T09:00",
        **{
            "tracks-TOTAL_FORMS": "2",
            "tracks-0-name": "Policy",
            "tracks-0-description": "",
            "tracks-1-name": "",
            "tracks-1-description": "",
        },
    )
    data["partners"] = [str(PartnerFactory().pk)]
    response = client.post(reverse("sprints:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    sprint = Sprint.objects.get(slug="gov-2027")
    assert sprint.kickoff_at.isoformat() == "2027-06-05T16:00:00+00:00"  # 09:00 in Los Angeles (PDT)
    assert [t.name for t in sprint.tracks.all()] == ["Policy"]
    assert sprint.partners.count() == 1


def test_edit_keeps_everything_on_a_bad_submission_and_names_the_field(client):
    sprint = SprintFactory(title="Original")
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    data = form_data(title="Changed", slug=sprint.slug)
    data["submission_deadline_at"] = data["announced_at"]
    response = client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), data)
    assert response.status_code == 200
    assert "The submission deadline must be after kickoff." in response.content.decode()
    sprint.refresh_from_db()
    assert sprint.title == "Original"


def test_edit_updates_tracks_through_the_formset(client):
    sprint = SprintFactory()
    track = Track.objects.create(sprint=sprint, name="Old")
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    data = form_data(
        slug=sprint.slug,
        **{
            "tracks-TOTAL_FORMS": "2",
            "tracks-INITIAL_FORMS": "1",
            "tracks-0-id": str(track.pk),
            "tracks-0-sprint": str(sprint.pk),
            "tracks-0-name": "Renamed",
            "tracks-0-description": "",
            "tracks-1-name": "Added",
            "tracks-1-description": "",
        },
    )
    response = client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), data)
    assert response.status_code == 302
    assert [(t.pk == track.pk, t.name) for t in sprint.tracks.all()] == [(True, "Renamed"), (False, "Added")]


def test_preview_page_renders_without_saving(client):
    sprint = SprintFactory(title="Before")
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    data = form_data(title="After preview", slug=sprint.slug, description="Some **bold** plan", preview="1")
    response = client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing is saved until you press Save" in html
    assert "After preview" in html and "<strong>bold</strong>" in html
    sprint.refresh_from_db()
    assert sprint.title == "Before"


def test_markdown_preview_is_sanitised(client):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("sprints:preview_markdown"),
        {"description": "**hi** <script>alert(1)</script> [x](javascript:alert(1))"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<strong>hi</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_markdown_preview_needs_an_organiser(client):
    client.force_login(UserFactory())
    assert client.post(reverse("sprints:preview_markdown"), {"description": "x"}).status_code == 403


def test_cover_image_over_five_megabytes_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(StaffFactory())
    big = SimpleUploadedFile("cover.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    response = client.post(reverse("sprints:create"), {**form_data(), "cover_image": big})
    assert response.status_code == 200
    assert not Sprint.objects.exists()
    assert "cover_image" in response.context["form"].errors


def test_cover_image_that_is_not_an_image_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(StaffFactory())
    fake = SimpleUploadedFile("cover.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(reverse("sprints:create"), {**form_data(), "cover_image": fake})
    assert "cover_image" in response.context["form"].errors


# --- clone ---------------------------------------------------------------------------------------


def test_clone_page_creates_a_shifted_draft_and_opens_its_edit_page(client):
    source = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=source).user)
    new_kickoff = timezone.localtime(source.kickoff_at + timedelta(days=365))
    response = client.post(
        reverse("sprints:clone", kwargs={"slug": source.slug}),
        {"title": "Next year", "slug": "next-year", "kickoff_at": new_kickoff.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sprints:edit", kwargs={"slug": "next-year"})
    clone = Sprint.objects.get(slug="next-year")
    assert not clone.is_published
    assert clone.results_published_at - source.results_published_at == clone.kickoff_at - source.kickoff_at


def test_clone_page_refuses_a_taken_slug_next_to_the_field(client):
    source = SprintFactory()
    client.force_login(StaffFactory())
    response = client.post(
        reverse("sprints:clone", kwargs={"slug": source.slug}),
        {"title": "Copy", "slug": source.slug, "kickoff_at": "2030-01-01T10:00"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


# --- partners ------------------------------------------------------------------------------------


def test_partner_form_adds_a_partner_and_returns_to_the_form(client):
    client.force_login(StaffFactory())
    back = reverse("sprints:create")
    response = client.post(reverse("sprints:partner_create"), {"name": "FAR AI", "url": "https://far.ai", "next": back})
    assert response.status_code == 302 and response["Location"] == back


def test_partner_form_never_redirects_off_site(client):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("sprints:partner_create"), {"name": "Evil", "url": "", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("sprints:list")


# --- registrations table ---------------------------------------------------------------------------


def test_registrations_table_filters_counts_and_paginates(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, name="Stanford Hub")
    RegistrationFactory.create_batch(52, sprint=sprint)
    RegistrationFactory(
        sprint=sprint, site=site, user=UserFactory(display_name="Grace Hopper"), status=RegistrationStatus.WAITLISTED
    )
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    url = reverse("sprints:registrations", kwargs={"slug": sprint.slug})

    first = client.get(url)
    assert len(first.context["page"].object_list) == 50
    assert first.context["total"] == 53
    assert "53 registrations match" in first.content.decode()
    assert len(client.get(url + "?page=2").context["page"].object_list) == 3

    filtered = client.get(url + f"?where={site.pk}&status=waitlisted&q=grace")
    assert [r.user.display_name for r in filtered.context["page"].object_list] == ["Grace Hopper"]
    assert client.get(url + "?status=bogus&country=XX&page=999").status_code == 200


def test_csv_export_is_streamed_filtered_and_safe_in_spreadsheets(client):
    sprint = SprintFactory()
    RegistrationFactory(sprint=sprint, user=UserFactory(display_name='=HYPERLINK("http://x")'), background="+1 evil")
    RegistrationFactory(
        sprint=sprint, user=UserFactory(display_name="Plain Person"), status=RegistrationStatus.CANCELLED
    )
    client.force_login(SprintMembershipFactory(sprint=sprint, role="cohost").user)

    response = client.get(
        reverse("sprints:registrations", kwargs={"slug": sprint.slug}) + "?format=csv&status=confirmed"
    )

    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Email", "Status"]
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert "'+1 evil" in rows[1]


def test_a_valid_cover_image_is_saved_and_shown(client, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (60, 20), "navy").save(buffer, format="PNG")
    sprint = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    data = form_data(slug=sprint.slug)
    data["cover_image"] = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
    assert client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), data).status_code == 302
    sprint.refresh_from_db()
    assert sprint.cover_image.name.startswith("sprints/covers/")
    assert sprint.cover_image.url in client.get(sprint.get_absolute_url()).content.decode()


def test_a_refused_edit_keeps_the_saved_title_and_address_on_the_page(client):
    sprint = SprintFactory(title="Saved title")
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    response = client.post(
        reverse("sprints:edit", kwargs={"slug": sprint.slug}), form_data(slug="not a slug", title="x" * 300)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Edit Saved title" in html and sprint.get_absolute_url() in html
    assert {"slug", "title"} <= set(response.context["form"].errors)


def test_list_shows_drafts_only_to_their_team_and_staff(client):
    draft = SprintFactory(title="Hidden Draft", is_published=False)
    SprintFactory(title="Someone else's draft", is_published=False)
    assert "Hidden Draft" not in client.get(reverse("sprints:list")).content.decode()
    client.force_login(UserFactory())
    assert "Your drafts" not in client.get(reverse("sprints:list")).content.decode()
    client.force_login(SprintMembershipFactory(sprint=draft, role="cohost").user)
    html = client.get(reverse("sprints:list")).content.decode()
    assert "Hidden Draft" in html and "Someone else" not in html
    client.force_login(StaffFactory())
    html = client.get(reverse("sprints:list")).content.decode()
    assert "Hidden Draft" in html and "Someone else&#x27;s draft" in html


def test_timeline_reads_as_label_then_time_without_markup(client):
    sprint = SprintFactory()
    html = client.get(sprint.get_absolute_url()).content.decode()
    timeline = html[html.index('<ol class="timeline">') : html.index("</ol>", html.index('<ol class="timeline">'))]
    text = re.sub(r"<[^>]+>", "", timeline)
    # What a screen reader or a copy-and-paste gets: "Announced: Thu 14 Jan 2027", not "AnnouncedThu…".
    assert re.search(r"Announced: \s*\w{3} \d", text), text


def test_description_preview_is_a_labelled_region(client):
    sprint = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    html = client.get(reverse("sprints:edit", kwargs={"slug": sprint.slug})).content.decode()
    preview = re.search(r'<div id="description-preview"[^>]*>', html).group(0)
    assert 'role="region"' in preview and 'aria-labelledby="description-preview-label"' in preview
