from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.localsites import services
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.notifications.models import OutboxMessage
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.localsites.helpers import application_data

pytestmark = pytest.mark.django_db


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


class TestSubmit:
    def test_creates_a_pending_site_led_by_the_applicant(self, sprint):
        applicant = UserFactory()
        co = UserFactory(email="co@example.org")
        organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

        site = services.site_application_submit(
            sprint=sprint, actor=applicant, data=application_data(sprint, co_organiser_emails=["CO@example.org"])
        )

        assert site.status == SiteStatus.PENDING
        assert site.slug == "cambridge-ai-safety-hub-cambridge"
        assert {(link.user, link.is_lead) for link in site.organiser_links.all()} == {(applicant, True), (co, False)}
        assert AuditEntry.objects.filter(action="site_application.submitted", target_id=str(site.pk)).exists()
        assert set(OutboxMessage.objects.values_list("to_email", flat=True)) == {applicant.email, organiser.email}

    def test_stores_local_times_in_utc(self, sprint):
        kickoff_local = sprint.kickoff_at.astimezone(timezone.get_fixed_timezone(330))
        data = application_data(
            sprint,
            timezone="Asia/Kolkata",
            starts_at=datetime(kickoff_local.year, kickoff_local.month, kickoff_local.day, 9, 0),
            ends_at=datetime(kickoff_local.year, kickoff_local.month, kickoff_local.day, 9, 0) + timedelta(days=2),
        )
        site = services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        site.refresh_from_db()
        assert site.starts_at.utcoffset() == timedelta(0)
        assert (site.starts_at.hour, site.starts_at.minute) == (3, 30)  # 09:00 in Kolkata is 03:30 UTC
        assert site.local_starts_at.hour == 9

    def test_applying_twice_for_the_same_venue_is_refused(self, sprint):
        applicant = UserFactory()
        services.site_application_submit(sprint=sprint, actor=applicant, data=application_data(sprint))
        with pytest.raises(Conflict) as exc_info:
            services.site_application_submit(sprint=sprint, actor=applicant, data=application_data(sprint))
        assert "already applied" in errors_of(exc_info)["name"][0]
        assert LocalSite.objects.count() == 1

    def test_slugs_are_unique_per_sprint(self, sprint):
        first = services.site_application_submit(sprint=sprint, actor=UserFactory(), data=application_data(sprint))
        second = services.site_application_submit(sprint=sprint, actor=UserFactory(), data=application_data(sprint))
        other = services.site_application_submit(
            sprint=SprintFactory(), actor=UserFactory(), data=application_data(sprint)
        )
        assert first.slug == other.slug == "cambridge-ai-safety-hub-cambridge"
        assert second.slug == "cambridge-ai-safety-hub-cambridge-2"

    def test_non_latin_names_get_a_slug(self, sprint):
        data = application_data(sprint, name="Ünïcødé Café 東京 " * 8, city="東京")
        site = services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        assert site.name == ("Ünïcødé Café 東京 " * 8).strip()
        assert site.slug.startswith("unicde-cafe-") and len(site.slug) <= 100  # ø has no ASCII form
        data = application_data(sprint, name="東京", city="東京")
        assert services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data).slug == "site"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"capacity": -5}, "capacity"),
            ({"capacity": 0}, "capacity"),
            ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
            ({"latitude": Decimal("200"), "longitude": Decimal("0")}, "latitude"),
            ({"latitude": Decimal("10")}, "longitude"),
            ({"longitude": Decimal("-181"), "latitude": Decimal("0")}, "longitude"),
            ({"name": ""}, "name"),
            ({"name": "x" * 151}, "name"),
            ({"country": "ZZ"}, "country"),
            ({"contact_email": "not an email"}, "contact_email"),
            ({"admission_mode": "lottery"}, "admission_mode"),
            ({"co_organiser_emails": ["nobody@example.org"]}, "co_organisers"),
            ({"description": "x" * 10_001}, "description"),
        ],
    )
    def test_bad_input_is_refused_per_field_and_changes_nothing(self, sprint, overrides, field):
        with pytest.raises(ServiceError) as exc_info:
            services.site_application_submit(
                sprint=sprint, actor=UserFactory(), data=application_data(sprint, **overrides)
            )
        assert field in errors_of(exc_info)
        assert not LocalSite.objects.exists()
        assert not OutboxMessage.objects.exists()

    def test_end_before_start_is_refused(self, sprint):
        data = application_data(sprint)
        data.starts_at, data.ends_at = data.ends_at, data.starts_at
        with pytest.raises(ServiceError) as exc_info:
            services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        assert errors_of(exc_info) == {"ends_at": ["The site must close after it opens."]}

    def test_times_must_overlap_the_sprint(self, sprint):
        data = application_data(sprint)
        data.starts_at -= timedelta(days=30)
        data.ends_at = data.starts_at + timedelta(hours=8)
        with pytest.raises(ServiceError) as exc_info:
            services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        assert "overlap the sprint" in errors_of(exc_info)["starts_at"][0]

    def test_a_time_skipped_by_the_clock_change_is_refused(self):
        # Clocks in London jump from 01:00 to 02:00 on Sunday 28 March 2027.
        kickoff = datetime(2027, 3, 27, 12, tzinfo=UTC)
        sprint = SprintFactory(
            announced_at=kickoff - timedelta(days=60),
            registration_opens_at=kickoff - timedelta(days=30),
            kickoff_at=kickoff,
        )
        data = application_data(sprint, starts_at=datetime(2027, 3, 28, 1, 30), ends_at=datetime(2027, 3, 28, 18))
        with pytest.raises(ServiceError) as exc_info:
            services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        assert "does not exist" in errors_of(exc_info)["starts_at"][0]

    def test_unpublished_or_finished_sprints_take_no_applications(self):
        with pytest.raises(PermissionDeniedError):
            services.site_application_submit(
                sprint=SprintFactory(is_published=False),
                actor=UserFactory(),
                data=application_data(SprintFactory.build()),
            )
        past = timezone.now() - timedelta(days=40)
        finished = SprintFactory(
            announced_at=past - timedelta(days=30), registration_opens_at=past - timedelta(days=20), kickoff_at=past
        )
        with pytest.raises(Conflict):
            services.site_application_submit(sprint=finished, actor=UserFactory(), data=application_data(finished))

    def test_coordinates_are_rounded_to_what_is_stored(self, sprint):
        data = application_data(sprint, latitude=Decimal("52.20533712345"), longitude=Decimal("0.1218171"))
        site = services.site_application_submit(sprint=sprint, actor=UserFactory(), data=data)
        site.refresh_from_db()
        assert site.latitude == Decimal("52.205337")
        assert "openstreetmap.org" in site.osm_url


def make_pending(sprint, **kwargs):
    applicant = kwargs.pop("applicant", None) or UserFactory()
    return services.site_application_submit(sprint=sprint, actor=applicant, data=application_data(sprint, **kwargs))


@pytest.fixture
def organiser(sprint):
    return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user


class TestDecisions:
    def test_approve(self, sprint, organiser):
        site = make_pending(sprint)
        OutboxMessage.objects.all().delete()
        site = services.site_application_approve(site=site, actor=organiser)
        assert (site.status, site.decided_by, site.decision_reason) == (SiteStatus.APPROVED, organiser, "")
        email = OutboxMessage.objects.get()
        assert email.to_email == site.applicant.email
        assert "approved" in email.subject
        assert site.get_absolute_url() in email.body_text
        assert AuditEntry.objects.filter(action="site_application.approved", actor=organiser).exists()

    def test_reject_needs_a_reason_and_sends_it(self, sprint, organiser):
        site = make_pending(sprint)
        OutboxMessage.objects.all().delete()
        with pytest.raises(ServiceError) as exc_info:
            services.site_application_reject(site=site, actor=organiser, reason="   ")
        assert "reason" in errors_of(exc_info)
        site.refresh_from_db()
        assert site.status == SiteStatus.PENDING
        site = services.site_application_reject(site=site, actor=organiser, reason="We already have a site nearby.")
        assert site.status == SiteStatus.REJECTED
        assert "We already have a site nearby." in OutboxMessage.objects.get().body_text

    def test_request_changes_then_resubmit(self, sprint, organiser):
        site = make_pending(sprint)
        with pytest.raises(ServiceError):
            services.site_application_request_changes(site=site, actor=organiser, message="")
        site = services.site_application_request_changes(site=site, actor=organiser, message="Add the room number.")
        assert site.status == SiteStatus.CHANGES_REQUESTED
        email = OutboxMessage.objects.filter(to_email=site.applicant.email).latest("created_at")
        assert "Add the room number." in email.body_text
        assert f"/sites/{site.slug}/edit/" in email.body_text

        data = application_data(sprint, address="17 Mill Lane, Room 4", capacity=25)
        site = services.site_application_update(site=site, actor=site.applicant, data=data)
        assert (site.status, site.address, site.capacity) == (SiteStatus.PENDING, "17 Mill Lane, Room 4", 25)
        # The organisers hear about the resubmission.
        assert OutboxMessage.objects.filter(
            to_email=organiser.email, body_text__contains="changed as you asked"
        ).exists()

    def test_update_replaces_co_organisers(self, sprint):
        first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")
        site = make_pending(sprint, co_organiser_emails=[first.email])
        services.site_application_update(
            site=site, actor=site.applicant, data=application_data(sprint, co_organiser_emails=[second.email])
        )
        assert set(site.organiser_links.values_list("user__email", "is_lead")) == {
            (site.applicant.email, True),
            (second.email, False),
        }

    def test_only_the_applicant_edits_and_only_before_a_decision(self, sprint, organiser):
        site = make_pending(sprint)
        with pytest.raises(PermissionDeniedError):
            services.site_application_update(site=site, actor=organiser, data=application_data(sprint))
        services.site_application_approve(site=site, actor=organiser)
        with pytest.raises(Conflict):
            services.site_application_update(site=site, actor=site.applicant, data=application_data(sprint))

    def test_decisions_need_the_review_permission(self, sprint):
        site = make_pending(sprint)
        cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST).user
        for user in (site.applicant, cohost, UserFactory()):
            with pytest.raises(PermissionDeniedError):
                services.site_application_approve(site=site, actor=user)
        services.site_application_approve(site=site, actor=StaffFactory())

    def test_a_decided_application_cannot_be_decided_again(self, sprint, organiser):
        site = make_pending(sprint)
        services.site_application_reject(site=site, actor=organiser, reason="No.")
        with pytest.raises(Conflict):
            services.site_application_approve(site=site, actor=organiser)

    def test_withdraw(self, sprint, organiser):
        site = make_pending(sprint)
        with pytest.raises(PermissionDeniedError):
            services.site_application_withdraw(site=site, actor=organiser)
        assert services.site_application_withdraw(site=site, actor=site.applicant).status == SiteStatus.WITHDRAWN
        with pytest.raises(Conflict):
            services.site_application_withdraw(site=site, actor=site.applicant)

    def test_an_approved_site_with_people_cannot_be_withdrawn(self, sprint):
        site = LocalSiteFactory(sprint=sprint)
        RegistrationFactory(sprint=sprint, site=site)
        with pytest.raises(Conflict):
            services.site_application_withdraw(site=site, actor=site.applicant)
