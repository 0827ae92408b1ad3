"""The .ics feeds, read back with the icalendar library: stable UIDs, growing SEQUENCE, conditional GET."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from sprintlab.programme import services
from sprintlab.programme.models import SessionKind
from sprintlab.sprints.models import SprintRole
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.programme.factories import SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def events(response) -> dict[str, object]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_sprint_feed_is_public_and_lists_every_session(client, settings):
    settings.SITE_URL = "https://sprints.example.org"
    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint)
    session.speaker_links.create(speaker=SpeakerFactory(sprint=sprint, name="Neel", affiliation="Lab"), position=0)
    response = client.get(reverse("programme:schedule_ics", kwargs={"slug": sprint.slug}))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == sprint.title
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content.decode()
    event = events(response)[f"session-{session.uid}@sprints.example.org"]
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert event["SEQUENCE"] == 0
    assert "Neel (Lab)" in str(event["DESCRIPTION"])
    assert "public" in response["Cache-Control"]


def test_a_draft_sprints_feed_is_not_found(client):
    response = client.get(reverse("programme:schedule_ics", kwargs={"slug": SprintFactory(is_published=False).slug}))
    assert response.status_code == 404


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence_and_new_start(client):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    session = SessionFactory(sprint=sprint)
    url = reverse("programme:schedule_ics", kwargs={"slug": sprint.slug})
    [(uid, before)] = events(client.get(url)).items()
    new_start = session.starts_at + timedelta(hours=3)
    services.session_update(
        actor=organiser, session=session, starts_at=new_start, ends_at=new_start + timedelta(hours=1)
    )
    after = events(client.get(url))
    assert list(after) == [uid]
    assert after[uid]["SEQUENCE"] > before["SEQUENCE"]
    assert after[uid].decoded("DTSTART") == new_start.replace(microsecond=0)
    services.session_cancel(actor=organiser, session=session)
    cancelled = events(client.get(url))[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == 2


def test_conditional_get_answers_304_until_something_changes(client):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    session = SessionFactory(sprint=sprint)
    url = reverse("programme:schedule_ics", kwargs={"slug": sprint.slug})
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    services.session_update(actor=organiser, session=session, title="Renamed")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_the_personal_feed_holds_the_agenda_and_the_sprints_moments(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint, site=site).user
    starred = SessionFactory(sprint=sprint, title="Starred")
    SessionFactory(sprint=sprint, title="Not starred")
    kickoff = SessionFactory(sprint=sprint, kind=SessionKind.KICKOFF, title="Kickoff")
    at_my_site = SessionFactory(sprint=sprint, kind=SessionKind.CHECK_IN, title="Stand-up", site=site, online_url="")
    elsewhere = SessionFactory(sprint=sprint, title="Elsewhere", site=LocalSiteFactory(sprint=sprint), online_url="")
    services.agenda_add(actor=participant, session=starred)
    token = services.calendar_feed_token_get_or_create(actor=participant).token
    response = client.get(reverse("programme:personal_ics", kwargs={"token": token}))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    summaries = {str(event["SUMMARY"]).split(" · ")[0] for event in events(response).values()}
    assert {"Starred", "Kickoff", "Stand-up"} <= summaries
    assert not {"Not starred", "Elsewhere"} & summaries
    assert f"Kickoff: {sprint.title}" in summaries and f"Submission deadline: {sprint.title}" in summaries
    assert kickoff and at_my_site and elsewhere


def test_a_reset_token_makes_the_old_url_404(client):
    user = UserFactory()
    old = services.calendar_feed_token_get_or_create(actor=user).token
    new = services.calendar_feed_token_reset(actor=user).token
    assert client.get(reverse("programme:personal_ics", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("programme:personal_ics", kwargs={"token": new})).status_code == 200


def test_an_unstarred_session_leaves_the_personal_feed_even_for_a_client_that_sends_only_a_date(client):
    sprint = SprintFactory()
    participant = RegistrationFactory(sprint=sprint).user
    session = SessionFactory(sprint=sprint)
    services.agenda_add(actor=participant, session=session)
    url = reverse(
        "programme:personal_ics", kwargs={"token": services.calendar_feed_token_get_or_create(actor=participant).token}
    )
    first = client.get(url)
    services.agenda_remove(actor=participant, session=session)
    again = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 200
    assert f"session-{session.uid}" not in again.content.decode()


def test_moving_the_kickoff_or_deadline_raises_their_sequence_in_the_personal_feed(client):
    from sprintlab.sprints.services import sprint_update

    sprint = SprintFactory()
    participant = RegistrationFactory(sprint=sprint).user
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    url = reverse("programme:personal_ics", kwargs={"token": services.calendar_feed_token_get_or_create(
        actor=participant).token})  # fmt: skip

    def moments():
        found = events(client.get(url))
        return {uid.split("@")[0].rsplit("-", 1)[1]: event for uid, event in found.items() if uid.startswith("sprint-")}

    before = moments()
    assert {key: int(event["SEQUENCE"]) for key, event in before.items()} == {"kickoff": 0, "deadline": 0}
    # A change calendars do not show leaves the revision alone.
    sprint_update(actor=organiser, sprint=sprint, values={"tagline": "New words"})
    assert {int(event["SEQUENCE"]) for event in moments().values()} == {0}

    new_kickoff = sprint.kickoff_at.replace(microsecond=0) + timedelta(hours=2)
    sprint_update(actor=organiser, sprint=sprint, values={"kickoff_at": new_kickoff})
    moved = moments()
    assert int(moved["kickoff"]["SEQUENCE"]) == 1 and moved["kickoff"].decoded("DTSTART") == new_kickoff
    assert moved["kickoff"]["UID"] == before["kickoff"]["UID"]

    sprint_update(
        actor=organiser,
        sprint=sprint,
        values={"submission_deadline_at": sprint.submission_deadline_at + timedelta(hours=1)},
    )
    assert {key: int(event["SEQUENCE"]) for key, event in moments().items()} == {"kickoff": 2, "deadline": 2}
