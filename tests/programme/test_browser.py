"""The programme in Chromium: subscribe to the personal feed, see a moved session in it; the schedule's
"now" and "next" markers on a phone; screenshots of the schedule at desktop and phone size."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from sprintlab.programme.models import Session, SessionKind
from sprintlab.sprints.models import SprintRole
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, save_screenshot, sign_in
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory
from tests.programme.factories import SessionFactory, SpeakerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def feed_event(page, url: str):
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "text/calendar; charset=utf-8"
    [event] = [e for e in Calendar.from_ical(response.body()).walk("VEVENT") if str(e["UID"]).startswith("session-")]
    return event


def test_a_subscribed_feed_shows_a_moved_session_with_the_same_uid(browser, live_server):
    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint, title="Probing for deception")
    participant = RegistrationFactory(sprint=sprint).user
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

    person = browser.new_context()
    page = person.new_page()
    prepare_page(page)
    sign_in(page, live_server.url, participant.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/schedule/")
    page.get_by_role("button", name="Add Probing for deception to my agenda").click()
    expect(page.get_by_role("button", name="Remove Probing for deception from my agenda")).to_be_visible()

    open_page(page, f"{live_server.url}/me/calendar/")
    assert_accessible(page, "calendar feed")
    feed_url = page.locator("#feed-link").get_attribute("href")
    assert page.locator("#webcal-link").get_attribute("href") == "webcal://" + feed_url.split("://", 1)[1]
    before = feed_event(page, feed_url)

    organiser_context = browser.new_context()
    organiser_page = organiser_context.new_page()
    prepare_page(organiser_page)
    sign_in(organiser_page, live_server.url, organiser.email, PASSWORD)
    open_page(organiser_page, f"{live_server.url}/sprints/{sprint.slug}/schedule/{session.pk}/edit/")
    new_start = timezone.localtime(session.starts_at + timedelta(hours=3)).replace(second=0, microsecond=0)
    organiser_page.get_by_label("Starts").fill(new_start.strftime("%Y-%m-%dT%H:%M"))
    organiser_page.get_by_label("Ends").fill((new_start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    organiser_page.get_by_role("button", name="Save").click()
    expect(organiser_page.locator(".messages")).to_contain_text("subscribed calendars follow")

    after = feed_event(page, feed_url)
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == new_start
    assert after.decoded("DTSTART") != before.decoded("DTSTART")
    person.close()
    organiser_context.close()


def weekend_under_way():
    """A sprint that kicked off two hours ago, with sessions around the real present moment."""
    now = timezone.now()
    sprint = SprintFactory(
        title="Interpretability Hackathon 4.0",
        registration_opens_at=now - timedelta(days=20),
        kickoff_at=now - timedelta(hours=2),
    )
    site = LocalSiteFactory(sprint=sprint, name="Nairobi Garage", city="Nairobi")
    keynote = SpeakerFactory(sprint=sprint, name="Dr Amara Okafor", affiliation="University of Oxford")
    plan = [
        (-2, 45, SessionKind.KICKOFF, "Opening and kickoff", None),
        (-1, 90, SessionKind.KEYNOTE, "Keynote: what a weekend of research can find", None),
        (1, 60, SessionKind.OFFICE_HOURS, "Office hours: finding a project", None),
        (3, 30, SessionKind.CHECK_IN, "Morning stand-up at Nairobi Garage", site),
        (5, 60, SessionKind.TALK, "Talk: reading a model's features", None),
    ]
    for hours, minutes, kind, title, place in plan:
        starts = now + timedelta(hours=hours)
        session = Session.objects.create(
            sprint=sprint,
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            online_url="" if place else "https://meet.example.org/x",
            site=place,
            description="Bring your **questions**." if kind == SessionKind.KEYNOTE else "",
        )
        if kind == SessionKind.KEYNOTE:
            session.speaker_links.create(speaker=keynote, position=0)
    return sprint


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_schedule_shows_now_and_next_markers(browser, live_server, size):
    sprint = weekend_under_way()
    context = browser.new_context(**(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    prepare_page(page)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/schedule/")
    live = page.locator(".session.is-live")
    expect(live).to_have_count(1)
    expect(live.locator("[data-marker=now]")).to_be_visible()
    expect(live).to_contain_text("Keynote: what a weekend of research can find")
    expect(page.locator(".session.is-next [data-marker=next]")).to_be_visible()
    expect(page.locator(".session.is-next")).to_contain_text("Office hours: finding a project")
    assert_accessible(page, f"schedule ({size})")
    if size == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the schedule scrolls sideways on a phone ({width}px)"
    save_screenshot(page, f"programme-schedule-{size}")
    context.close()


def test_a_participant_sees_stars_resources_and_the_calendar_page(browser, live_server):
    sprint = weekend_under_way()
    participant = RegistrationFactory(sprint=sprint).user
    from tests.programme.factories import ResourceFactory

    ResourceFactory(
        sprint=sprint, category="reading", title="Toy Models of Superposition", notes="Read **sections 1–3**."
    )
    ResourceFactory(sprint=sprint, category="notebooks", title="TransformerLens main demo", notes="Runs on a free GPU.")
    ResourceFactory(sprint=sprint, category="compute", title="Cloud GPU credits", notes="40 A100 hours per team.")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    prepare_page(page)
    sign_in(page, live_server.url, participant.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/schedule/")
    page.get_by_role("button", name="Add Talk: reading a model's features to my agenda").click()
    expect(page.get_by_role("button", name="Remove Talk: reading a model's features from my agenda")).to_be_visible()
    assert_accessible(page, "schedule signed in")
    save_screenshot(page, "programme-schedule-participant-phone")
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/resources/")
    expect(page.locator(".resource strong")).to_have_text("sections 1–3")
    assert_accessible(page, "resources")
    save_screenshot(page, "programme-resources-phone")
    open_page(page, f"{live_server.url}/me/calendar/")
    save_screenshot(page, "programme-calendar-phone")
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/agenda/")
    expect(page.locator(".session")).to_have_count(2)  # the kickoff for everyone, and the starred talk
    assert_accessible(page, "agenda")
    context.close()
