"""The demo has a sprint whose weekend is under way whenever it is loaded, beside the past and open ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.accounts.models import User
from sprintlab.announcements.models import Announcement, AnnouncementStatus
from sprintlab.demo import catalogue
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.localsites.permissions import check_in_is_open
from sprintlab.mentoring.models import HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.notifications.models import InboxItem
from sprintlab.programme import selectors as programme_selectors
from sprintlab.programme.models import Session
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.registrations.permissions import may_show_check_in_code, takes_registrations
from sprintlab.sprints.models import Phase, Sprint
from sprintlab.teamfinder.models import FinderProfile, GroupingRun
from sprintlab.teams.models import Team, TeamOrigin
from sprintlab.teams.selectors import team_of
from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_a_sprint_is_running_with_its_whole_weekend_on_show(client):
    seed()
    now = timezone.now()
    sprint = Sprint.objects.get(title=catalogue.RUNNING_SPRINT_TITLE)
    assert sprint.phase_at(now) == Phase.RUNNING
    assert timedelta(hours=1) < now - sprint.kickoff_at < timedelta(hours=32)
    assert timedelta(hours=16) < sprint.submission_deadline_at - now < timedelta(days=2, hours=1)
    # The other phases stay: a past sprint, one open for registration.
    assert Sprint.objects.filter(submission_deadline_at__lt=now - timedelta(days=30)).exists()
    assert any(takes_registrations(s, now=now) for s in Sprint.objects.all())

    # The schedule shows a session on now and the next one.
    sessions = list(Session.objects.filter(sprint=sprint))
    markers = programme_selectors.now_and_next(sprint, sessions, now=now)
    assert markers.live and markers.next is not None

    # Check-in is open at the demo site organiser's site; some have arrived, some not, the participant not yet.
    participant = User.objects.get(email="participant@example.org")
    mine = Registration.objects.get(sprint=sprint, user=participant)
    assert mine.status == RegistrationStatus.CONFIRMED and mine.checked_in_at is None
    assert may_show_check_in_code(participant, mine, now=now)
    assert SiteOrganiser.objects.filter(site=mine.site, user__email="site-organiser@example.org").exists()
    assert check_in_is_open(mine.site, now=now)
    at_site = Registration.objects.filter(site=mine.site, status=RegistrationStatus.CONFIRMED)
    assert at_site.filter(checked_in_at__isnull=False).exists() and at_site.filter(checked_in_at__isnull=True).exists()
    assert not Registration.objects.filter(sprint=sprint, checked_in_at__gt=now).exists()

    # The help queue is live: requests in every state, all asked before now; slots, some booked.
    requests = HelpRequest.objects.filter(sprint=sprint)
    assert set(requests.values_list("status", flat=True)) == set(HelpStatus.values)
    assert not requests.filter(waiting_since__gt=now).exists()
    assert not requests.filter(closed_at__gt=now).exists()
    open_waits = [now - r.waiting_since for r in requests.filter(status=HelpStatus.OPEN)]
    assert max(open_waits) < timedelta(hours=1)
    slots = OfficeHourSlot.objects.filter(sprint=sprint, mentor__email="mentor@example.org")
    assert slots.exists()
    assert SlotBooking.objects.filter(slot__sprint=sprint).exists()
    assert OfficeHourSlot.objects.filter(sprint=sprint, bookings__isnull=True).exists()

    # Teams formed (by the finder and the organisers' grouping too), the participant in one, people looking.
    origins = set(Team.objects.filter(sprint=sprint).values_list("origin", flat=True))
    assert {TeamOrigin.FINDER, TeamOrigin.GROUPING} <= origins
    assert team_of(user=participant, sprint=sprint) is not None
    assert FinderProfile.objects.filter(sprint=sprint, is_looking=True).exists()
    assert GroupingRun.objects.filter(sprint=sprint).exists()

    # Announcements sent and one scheduled; the participant's inbox has them.
    announcements = Announcement.objects.filter(sprint=sprint)
    assert announcements.filter(status=AnnouncementStatus.SENT).exists()
    assert announcements.filter(status=AnnouncementStatus.SCHEDULED, scheduled_for__gt=now).exists()
    assert InboxItem.objects.filter(user=participant, url__contains=f"/sprints/{sprint.slug}/").count() >= 2
    # And the open sprint keeps its own announcements.
    assert Announcement.objects.filter(sprint__title=catalogue.OPEN_SPRINT_TITLE).exists()

    client.force_login(participant)
    page = client.get(reverse("programme:schedule", kwargs={"slug": sprint.slug})).content.decode()
    assert "Online co-working room" in page
    assert 'data-marker="now"' in page and 'data-marker="next"' in page
