"""A site's people on the day: messages to attendees and check-in (``registrations.attendance``)."""

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.localsites.models import SiteMessage
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations import attendance
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return SprintFactory()


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


class TestMessages:
    def test_one_email_per_confirmed_attendee_with_stable_keys(self, sprint):
        site = LocalSiteFactory(sprint=sprint)
        organiser = SiteOrganiserFactory(site=site).user
        confirmed = [RegistrationFactory(sprint=sprint, site=site) for _ in range(3)]
        RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
        RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.CANCELLED)

        message = attendance.site_message_send(site=site, actor=organiser, subject="Doors", body="Use the side door.")

        assert message.recipient_count == 3
        keys = set(OutboxMessage.objects.values_list("key", flat=True))
        assert keys == {f"site-message:{message.pk}:{r.user_id}" for r in confirmed}
        assert all("Use the side door." in body for body in OutboxMessage.objects.values_list("body_text", flat=True))

    def test_needs_subject_and_body_and_permission(self, sprint):
        site = LocalSiteFactory(sprint=sprint)
        organiser = SiteOrganiserFactory(site=site).user
        with pytest.raises(ServiceError) as exc_info:
            attendance.site_message_send(site=site, actor=organiser, subject=" ", body="")
        assert set(errors_of(exc_info)) == {"subject", "body"}
        with pytest.raises(PermissionDeniedError):
            attendance.site_message_send(site=site, actor=UserFactory(), subject="Hi", body="Hello")
        assert not SiteMessage.objects.exists()


class TestCheckIn:
    def test_check_in_and_undo(self, sprint):
        site = LocalSiteFactory(sprint=sprint, doors_open_soon=True)
        organiser = SiteOrganiserFactory(site=site).user
        registration = RegistrationFactory(sprint=sprint, site=site)

        registration = attendance.site_check_in(registration=registration, actor=organiser)
        first_time = registration.checked_in_at
        assert first_time is not None and registration.checked_in_by == organiser
        # Twice changes nothing.
        assert attendance.site_check_in(registration=registration, actor=organiser).checked_in_at == first_time

        registration = attendance.site_check_in_undo(registration=registration, actor=organiser)
        registration.refresh_from_db()
        assert registration.checked_in_at is None and registration.checked_in_by is None
        actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
        assert actions == ["registration.checked_in", "registration.check_in_undone"]

    def test_check_in_opens_the_configured_time_before_the_doors(self, sprint, settings):
        # The sprint's kickoff is two weeks away: far too early to check anyone in.
        site = LocalSiteFactory(sprint=sprint)
        organiser = SiteOrganiserFactory(site=site).user
        registration = RegistrationFactory(sprint=sprint, site=site)
        with pytest.raises(Conflict, match="Check-in opens at"):
            attendance.site_check_in(registration=registration, actor=organiser)
        registration.refresh_from_db()
        assert registration.checked_in_at is None
        settings.CHECK_IN_OPENS_HOURS_BEFORE = (site.starts_at - timezone.now()).total_seconds() / 3600 + 1
        assert attendance.site_check_in(registration=registration, actor=organiser).checked_in_at

    @pytest.mark.parametrize(
        "status", [RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED, RegistrationStatus.OFFERED]
    )
    def test_only_confirmed_people_are_checked_in(self, sprint, status):
        site = LocalSiteFactory(sprint=sprint, doors_open_soon=True)
        organiser = SiteOrganiserFactory(site=site).user
        registration = RegistrationFactory(sprint=sprint, site=site, status=status)
        with pytest.raises(Conflict):
            attendance.site_check_in(registration=registration, actor=organiser)

    def test_remote_people_and_other_sites_organisers_are_refused(self, sprint):
        site = LocalSiteFactory(sprint=sprint, doors_open_soon=True)
        other_organiser = SiteOrganiserFactory(site=LocalSiteFactory(sprint=sprint, doors_open_soon=True)).user
        with pytest.raises(PermissionDeniedError):
            attendance.site_check_in(registration=RegistrationFactory(sprint=sprint, site=site), actor=other_organiser)
        with pytest.raises(Conflict):
            attendance.site_check_in(registration=RegistrationFactory(sprint=sprint), actor=StaffFactory())
