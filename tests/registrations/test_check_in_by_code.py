"""Check-in by QR code: the codes, the service, the organisers' page, the participant's code and the API."""

from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.notifications.models import OutboxMessage
from sprintlab.notifications.services import outbox_render
from sprintlab.registrations import attendance, check_in_codes, emails
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def door():
    """A site whose check-in is open, its organiser, and a confirmed attendee."""
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, doors_open_soon=True)
    organiser = SiteOrganiserFactory(site=site).user
    attendee = RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Ada Lovelace"))
    return site, organiser, attendee


class TestCodes:
    def test_token_and_short_code_name_the_registration(self):
        assert check_in_codes.registration_id_from_code(check_in_codes.check_in_token(42)) == 42
        short = check_in_codes.short_code(42)
        assert short.startswith("42-") and len(short) == len("42-") + check_in_codes.SHORT_CODE_LETTERS
        assert check_in_codes.registration_id_from_code(short) == 42
        # Read out and typed: lower case, spaces, no dash, O for zero and I/L for one all read the same.
        typed = short.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert check_in_codes.registration_id_from_code(f"  {typed} ") == 42
        assert check_in_codes.registration_id_from_code(short.replace("-", "")) == 42

    def test_the_qr_code_never_changes(self):
        assert check_in_codes.check_in_token(7) == check_in_codes.check_in_token(7)
        assert check_in_codes.qr_svg(7) == check_in_codes.qr_svg(7)

    @pytest.mark.parametrize(
        "forged",
        [
            "",
            "42",
            "42-AAAAAA",
            "43-" + "X" * 6,
            "not a code",
            "x" * 500,
            "\x00",
            # Another id with the signature of 42; 42 signed for another purpose; tampered signature.
            signing.Signer(salt=check_in_codes.TOKEN_SALT).sign_object(43).split(":")[0] + ":" + "A" * 43,
            signing.Signer(salt="another purpose").sign_object(42),
            signing.dumps(42),
        ],
        ids=lambda code: f"{code[:12]!r}…{len(code)}" if ":" not in code else f"signed-{code.count(':')}-{len(code)}",
    )
    def test_forged_tampered_or_mistyped_codes_name_nobody(self, forged):
        assert check_in_codes.registration_id_from_code(forged) is None

    def test_a_changed_signature_or_id_is_refused(self):
        token = check_in_codes.check_in_token(42)
        payload, signature = token.split(":")
        assert check_in_codes.registration_id_from_code(f"{payload}:{signature[:-1]}A") is None
        other_payload = check_in_codes.check_in_token(43).split(":")[0]
        assert check_in_codes.registration_id_from_code(f"{other_payload}:{signature}") is None
        short_signature = check_in_codes.short_code(42).split("-")[1]
        assert check_in_codes.registration_id_from_code(f"43-{short_signature}") is None

    def test_codes_survive_a_key_rotation_while_the_old_key_is_a_fallback(self, settings):
        token, short = check_in_codes.check_in_token(42), check_in_codes.short_code(42)
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a new key that is long enough to be taken seriously " * 2
        assert check_in_codes.registration_id_from_code(token) == 42
        assert check_in_codes.registration_id_from_code(short) == 42
        settings.SECRET_KEY_FALLBACKS = []
        assert check_in_codes.registration_id_from_code(token) is None
        assert check_in_codes.registration_id_from_code(short) is None


class TestService:
    @pytest.mark.parametrize("code_of", [check_in_codes.check_in_token, check_in_codes.short_code])
    def test_checks_in_and_a_second_scan_changes_nothing(self, door, code_of):
        site, organiser, attendee = door
        scan = attendance.site_check_in_by_code(site=site, code=code_of(attendee.pk), actor=organiser)
        assert scan.registration.pk == attendee.pk and not scan.already_checked_in
        attendee.refresh_from_db()
        first = attendee.checked_in_at
        assert first is not None and attendee.checked_in_by == organiser

        again = attendance.site_check_in_by_code(site=site, code=code_of(attendee.pk), actor=organiser)
        assert again.already_checked_in and again.registration.checked_in_at == first
        assert AuditEntry.objects.filter(action="registration.checked_in").count() == 1

    def test_unknown_and_forged_codes_are_refused_on_the_code_field(self, door):
        site, organiser, attendee = door
        token = check_in_codes.check_in_token(attendee.pk)
        for code in ("nonsense", token[:-2] + "xx", f"{attendee.pk}-AAAAAA", check_in_codes.short_code(999_999)):
            with pytest.raises(ServiceError) as exc_info:
                attendance.site_check_in_by_code(site=site, code=code, actor=organiser)
            assert set(exc_info.value.message_dict) == {"code"}
        attendee.refresh_from_db()
        assert attendee.checked_in_at is None

    def test_another_sites_or_a_remote_registration_is_refused(self, door):
        site, organiser, _attendee = door
        elsewhere = RegistrationFactory(sprint=site.sprint, site=LocalSiteFactory(sprint=site.sprint))
        remote = RegistrationFactory(sprint=site.sprint, site=None)
        other_sprint = RegistrationFactory(site=LocalSiteFactory(doors_open_soon=True))
        for registration in (elsewhere, remote, other_sprint):
            with pytest.raises(Conflict, match="not for this site"):
                attendance.site_check_in_by_code(
                    site=site, code=check_in_codes.check_in_token(registration.pk), actor=organiser
                )
            registration.refresh_from_db()
            assert registration.checked_in_at is None

    @pytest.mark.parametrize("status", [RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED, "cancelled"])
    def test_an_unconfirmed_registration_is_refused(self, door, status):
        site, organiser, _attendee = door
        registration = RegistrationFactory(sprint=site.sprint, site=site, status=status)
        with pytest.raises(Conflict, match="Only confirmed attendees"):
            attendance.site_check_in_by_code(
                site=site, code=check_in_codes.short_code(registration.pk), actor=organiser
            )

    def test_only_the_sites_organisers_and_before_reading_the_code(self, door):
        site, _organiser, attendee = door
        for stranger in (UserFactory(), attendee.user, SiteOrganiserFactory().user):
            # Even a nonsense code answers "not yours", so the endpoint is no oracle for codes.
            for code in ("nonsense", check_in_codes.check_in_token(attendee.pk)):
                with pytest.raises(PermissionDeniedError):
                    attendance.site_check_in_by_code(site=site, code=code, actor=stranger)
        staff = StaffFactory()
        assert not attendance.site_check_in_by_code(
            site=site, code=check_in_codes.check_in_token(attendee.pk), actor=staff
        ).already_checked_in

    def test_not_before_check_in_opens(self):
        site = LocalSiteFactory()  # doors two weeks away
        organiser = SiteOrganiserFactory(site=site).user
        attendee = RegistrationFactory(sprint=site.sprint, site=site)
        with pytest.raises(Conflict, match="Check-in opens"):
            attendance.site_check_in_by_code(site=site, code=check_in_codes.short_code(attendee.pk), actor=organiser)


class TestOrganisersPage:
    def url(self, site):
        return reverse("registrations:check_in_by_code", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug})

    def test_the_page_has_the_scanner_and_its_scripts_from_this_site(self, client, door):
        site, organiser, _attendee = door
        client.force_login(organiser)
        page = client.get(
            reverse("registrations:check_in", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug})
        )
        html = page.content.decode()
        assert 'capture="environment"' in html and 'accept="image/*"' in html
        assert "/static/registrations/vendor/jsqr/jsQR.js" in html
        assert "/static/registrations/check-in-scanner.js" in html
        assert self.url(site) in html

    def test_htmx_answers_who_was_checked_in_then_that_they_already_were(self, client, door):
        site, organiser, attendee = door
        client.force_login(organiser)
        code = check_in_codes.check_in_token(attendee.pk)
        first = client.post(self.url(site), {"code": code}, headers={"HX-Request": "true"})
        html = first.content.decode()
        assert first.status_code == 200 and "scan-ok" in html and "Ada Lovelace" in html and "is checked in" in html
        assert "1 of 1 checked in" in html
        second = client.post(self.url(site), {"code": code}, headers={"HX-Request": "true"}).content.decode()
        assert "scan-already" in second and "was already checked in at" in second

    def test_refusals_are_shown_and_without_script_the_page_says_them_too(self, client, door):
        site, organiser, _attendee = door
        client.force_login(organiser)
        refused = client.post(self.url(site), {"code": "nonsense"}, headers={"HX-Request": "true"})
        assert "scan-refused" in refused.content.decode() and "Unknown code" in refused.content.decode()
        empty = client.post(self.url(site), {"code": ""}, headers={"HX-Request": "true"})
        assert "scan-refused" in empty.content.decode()
        response = client.post(self.url(site), {"code": "nonsense"}, follow=True)
        assert "Unknown code" in response.content.decode()

    def test_without_script_a_typed_short_code_checks_in(self, client, door):
        site, organiser, attendee = door
        client.force_login(organiser)
        response = client.post(self.url(site), {"code": check_in_codes.short_code(attendee.pk)}, follow=True)
        assert "Ada Lovelace is checked in." in response.content.decode()
        attendee.refresh_from_db()
        assert attendee.checked_in_at is not None

    def test_others_get_403(self, client, door):
        site, _organiser, attendee = door
        client.force_login(attendee.user)
        response = client.post(self.url(site), {"code": check_in_codes.check_in_token(attendee.pk)})
        assert response.status_code == 403
        attendee.refresh_from_db()
        assert attendee.checked_in_at is None


class TestParticipantsCode:
    def test_my_sprints_shows_the_qr_code_for_a_confirmed_seat_at_a_site_only(self, client):
        at_site = RegistrationFactory(site=LocalSiteFactory())
        client.force_login(at_site.user)
        html = client.get(reverse("registrations:mine")).content.decode()
        assert reverse("registrations:check_in_code_svg", args=[at_site.pk]) in html
        assert check_in_codes.short_code(at_site.pk) in html
        for registration in (
            RegistrationFactory(site=None),
            RegistrationFactory(site=LocalSiteFactory(), status=RegistrationStatus.WAITLISTED),
        ):
            client.force_login(registration.user)
            html = client.get(reverse("registrations:mine")).content.decode()
            assert "check-in-code" not in html and check_in_codes.short_code(registration.pk) not in html

    def test_the_code_page_and_the_svg_are_the_participants_own(self, client):
        registration = RegistrationFactory(site=LocalSiteFactory())
        page_url = reverse("registrations:check_in_code", args=[registration.pk])
        svg_url = reverse("registrations:check_in_code_svg", args=[registration.pk])
        client.force_login(registration.user)
        page = client.get(page_url)
        assert page.status_code == 200 and check_in_codes.short_code(registration.pk) in page.content.decode()
        svg = client.get(svg_url)
        assert svg["Content-Type"] == "image/svg+xml" and "private" in svg["Cache-Control"]
        assert svg.content.decode() == check_in_codes.qr_svg(registration.pk)
        for other in (UserFactory(), SiteOrganiserFactory(site=registration.site).user, StaffFactory()):
            client.force_login(other)
            assert client.get(page_url).status_code == 404
            assert client.get(svg_url).status_code == 404

    def test_no_code_once_the_sprint_is_over_or_for_a_remote_seat(self, client):
        remote = RegistrationFactory(site=None)
        client.force_login(remote.user)
        page = client.get(reverse("registrations:check_in_code", args=[remote.pk]))
        assert page.status_code == 409 and "no door" in page.content.decode()
        assert client.get(reverse("registrations:check_in_code_svg", args=[remote.pk])).status_code == 404
        past = SprintFactory(
            announced_at=timezone.now() - timedelta(days=40),
            registration_opens_at=timezone.now() - timedelta(days=30),
            registration_closes_at=timezone.now() - timedelta(days=20),
            kickoff_at=timezone.now() - timedelta(days=10),
        )
        over = RegistrationFactory(sprint=past, site=LocalSiteFactory(sprint=past))
        client.force_login(over.user)
        assert client.get(reverse("registrations:check_in_code", args=[over.pk])).status_code == 409

    def test_the_confirmation_email_links_the_code_and_gives_the_short_code(self):
        registration = RegistrationFactory(site=LocalSiteFactory())
        emails.notify(registration, emails.CONFIRMED)
        message = outbox_render(OutboxMessage.objects.get())
        assert reverse("registrations:check_in_code", args=[registration.pk]) in message.body_text
        assert check_in_codes.short_code(registration.pk) in message.body_text
        remote = RegistrationFactory(site=None)
        emails.notify(remote, emails.CONFIRMED)
        remote_message = outbox_render(OutboxMessage.objects.get(user=remote.user))
        assert "short code" not in remote_message.body_text


class TestApi:
    def by_code(self, client, site, user, code):
        return client.post(
            f"/api/v1/sites/{site.pk}/check-ins/by-code",
            {"code": code},
            content_type="application/json",
            headers=bearer_for(user),
        )

    def test_check_in_by_code_then_again(self, client, door):
        site, organiser, attendee = door
        first = self.by_code(client, site, organiser, check_in_codes.check_in_token(attendee.pk))
        assert first.status_code == 200, first.content
        assert first.json()["registration"] == attendee.pk and first.json()["already_checked_in"] is False
        again = self.by_code(client, site, organiser, check_in_codes.short_code(attendee.pk))
        assert again.status_code == 200 and again.json()["already_checked_in"] is True
        assert again.json()["checked_in_at"] == first.json()["checked_in_at"]

    def test_errors(self, client, door):
        site, organiser, attendee = door
        unknown = self.by_code(client, site, organiser, "nonsense")
        assert unknown.status_code == 400 and "code" in unknown.json()["errors"]
        elsewhere = RegistrationFactory(sprint=site.sprint, site=LocalSiteFactory(sprint=site.sprint))
        assert self.by_code(client, site, organiser, check_in_codes.short_code(elsewhere.pk)).status_code == 409
        waiting = RegistrationFactory(sprint=site.sprint, site=site, status=RegistrationStatus.WAITLISTED)
        assert self.by_code(client, site, organiser, check_in_codes.short_code(waiting.pk)).status_code == 409
        assert self.by_code(client, site, attendee.user, check_in_codes.short_code(attendee.pk)).status_code == 403
        assert self.by_code(client, site, organiser, "").status_code in (400, 422)
        assert self.by_code(client, site, organiser, "x" * 201).status_code in (400, 422)

    def test_my_check_in_code(self, client, door):
        _site, organiser, attendee = door
        url = f"/api/v1/registrations/{attendee.pk}/check-in-code"
        response = client.get(url, headers=bearer_for(attendee.user))
        assert response.status_code == 200
        data = response.json()
        assert check_in_codes.registration_id_from_code(data["token"]) == attendee.pk
        assert data["short_code"] == check_in_codes.short_code(attendee.pk)
        assert data["svg"].startswith("<?xml") and data["svg_url"].endswith(
            f"/registrations/{attendee.pk}/check-in-code.svg"
        )
        assert client.get(url, headers=bearer_for(UserFactory())).status_code == 404
        assert client.get(url, headers=bearer_for(organiser)).status_code == 403
        remote = RegistrationFactory(site=None)
        remote_url = f"/api/v1/registrations/{remote.pk}/check-in-code"
        assert client.get(remote_url, headers=bearer_for(remote.user)).status_code == 409

    def test_in_the_schema(self, client):
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        assert "/api/v1/sites/{site_id}/check-ins/by-code" in paths
        assert "/api/v1/registrations/{registration_id}/check-in-code" in paths


def test_a_scan_costs_the_same_queries_however_many_attendees(client):
    """The answer re-lists the site's attendees: one query for the list, not one per person."""
    counts = []
    for attendees in (2, 20):
        site = LocalSiteFactory(doors_open_soon=True)
        organiser = SiteOrganiserFactory(site=site).user
        people = [RegistrationFactory(sprint=site.sprint, site=site) for _ in range(attendees)]
        client.force_login(organiser)
        url = reverse("registrations:check_in_by_code", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug})
        code = check_in_codes.short_code(people[0].pk)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"code": code}, headers={"HX-Request": "true"})
        assert "is checked in" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
