from datetime import UTC, datetime, timedelta

import pytest

from sprintlab.core.errors import Conflict
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations import services
from tests.factories import LocalSiteFactory, SprintFactory, UserFactory
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db

KICKOFF = datetime(2030, 3, 1, 17, 0, tzinfo=UTC)  # 22:30 in Kolkata, 12:00 in New York


def sprint_at(kickoff=KICKOFF, **fields):
    return SprintFactory(
        kickoff_at=kickoff,
        submission_deadline_at=kickoff + timedelta(days=2),
        title="Evals, Round 2; London",
        **fields,
    )


def test_confirmation_shows_times_in_the_participants_zone_with_an_ics(django_capture_on_commit_callbacks, mailoutbox):
    sprint = sprint_at()
    user = UserFactory(timezone="Asia/Kolkata")
    with django_capture_on_commit_callbacks(execute=True):
        register(user, sprint=sprint)
    [email] = mailoutbox
    assert email.to == [user.email]
    assert "You're registered" in email.subject
    assert "Fri 1 Mar 2030, 22:30" in email.body
    assert "Asia/Kolkata" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (f"{sprint.slug}.ics", "text/calendar")
    assert "DTSTART:20300301T170000Z" in content
    assert "SUMMARY:Evals\\, Round 2\\; London" in content
    assert "LOCATION:Online" in content


def test_empty_zone_means_utc(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(timezone="")
    with django_capture_on_commit_callbacks(execute=True):
        register(user, sprint=sprint_at())
    assert "Fri 1 Mar 2030, 17:00" in mailoutbox[0].body
    assert "UTC" in mailoutbox[0].body


def test_site_times_in_the_participants_zone_and_local_time(django_capture_on_commit_callbacks, mailoutbox):
    sprint = sprint_at()
    site = LocalSiteFactory(
        sprint=sprint,
        name="Kenya AI Hub",
        city="Nairobi",
        country="KE",
        timezone="Africa/Nairobi",
        starts_at=KICKOFF - timedelta(hours=1),
        ends_at=KICKOFF + timedelta(days=1),
    )
    user = UserFactory(timezone="America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        register(user, sprint=sprint, site=site)
    body = mailoutbox[0].body
    assert "Kenya AI Hub" in body
    assert "Fri 1 Mar 2030, 11:00" in body  # doors open, New York time
    assert "19:00 local time in Africa/Nairobi" in body
    content = mailoutbox[0].attachments[0][1]
    assert content.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20300301T160000Z" in content


def test_waitlist_email_has_no_calendar(django_capture_on_commit_callbacks, mailoutbox):
    site = LocalSiteFactory(capacity=1)
    register(sprint=site.sprint, site=site)
    with django_capture_on_commit_callbacks(execute=True):
        register(sprint=site.sprint, site=site)
    assert "waitlist" in mailoutbox[-1].subject and not mailoutbox[-1].attachments


def test_names_are_not_html_escaped_in_text_emails(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(display_name="Ana & <Bo>")
    with django_capture_on_commit_callbacks(execute=True):
        register(user, sprint=sprint_at())
    assert "Hello Ana & <Bo>," in mailoutbox[0].body


def test_nothing_is_queued_when_the_registration_fails():
    with pytest.raises(Conflict):
        register(sprint=SprintFactory(is_published=False))
    assert not OutboxMessage.objects.exists()


def test_each_transition_has_its_own_idempotent_key():
    registration = register(sprint=SprintFactory())
    services.registration_cancel(registration=registration, actor=registration.user)
    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    assert keys == [f"registration:{registration.pk}:1:confirmed", f"registration:{registration.pk}:2:cancelled"]


def test_offer_email_gives_the_deadline_in_the_participants_zone(django_capture_on_commit_callbacks, mailoutbox):
    from sprintlab.registrations import admissions
    from sprintlab.sprints.models import AdmissionMode
    from tests.factories import SprintMembershipFactory

    sprint = sprint_at(admission_mode=AdmissionMode.REVIEWED)
    user = UserFactory(timezone="Asia/Kolkata")
    registration = register(user, sprint=sprint)
    with django_capture_on_commit_callbacks(execute=True):
        admissions.admission_wave_create(
            sprint=sprint,
            admit=[registration.pk],
            waitlist=[],
            decline=[],
            message="See you!",
            confirm_by=datetime(2030, 2, 20, 12, 0, tzinfo=UTC),
            actor=SprintMembershipFactory(sprint=sprint).user,
        )
    assert "Please confirm your seat by Wed 20 Feb 2030, 17:30 (Asia/Kolkata)" in mailoutbox[-1].body
    assert "See you!" in mailoutbox[-1].body
