"""Mentor help in Chromium: the queue refreshes itself and a mentor claims; a team books on a phone; axe-core."""

import pytest
from playwright.sync_api import expect

from sprintlab.mentoring import views_help
from sprintlab.mentoring.models import HelpStatus, SlotBooking
from tests.browser_support import SCREENSHOTS, assert_accessible, open_page, prepare_page, sign_in
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    make_mentor,
    make_team_member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_the_queue_shows_a_new_request_without_a_reload_and_a_mentor_claims_it(page, live_server, monkeypatch):
    monkeypatch.setattr(views_help, "QUEUE_POLL_SECONDS", 1)
    sprint = RunningSprintFactory()
    mentor = make_mentor(sprint)
    prepare_page(page)
    sign_in(page, live_server.url, mentor.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/mentors/queue/")
    expect(page.get_by_text("Nobody is waiting for help right now.")).to_be_visible()
    assert_accessible(page, "empty queue")

    request = HelpRequestFactory(sprint=sprint, topic="Our monitor flags everything")
    expect(page.get_by_role("link", name="Our monitor flags everything")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "mentoring-queue-desktop.png")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".messages")).to_contain_text("It is yours")
    request.refresh_from_db()
    assert request.status == HelpStatus.CLAIMED and request.claimed_by == mentor
    assert_accessible(page, "claimed request")


def test_a_team_member_books_office_hours_on_a_phone(page, live_server):
    sprint = RunningSprintFactory()
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint), topic="Eval harness clinic")
    member = make_team_member(sprint)
    page.set_viewport_size({"width": 390, "height": 844})
    prepare_page(page)
    sign_in(page, live_server.url, member.email, PASSWORD)
    open_page(page, f"{live_server.url}/sprints/{sprint.slug}/mentors/")
    assert_accessible(page, "mentors")
    page.get_by_role("button", name="Book").click()
    expect(page.locator(".messages")).to_contain_text("Booked:")
    page.screenshot(path=SCREENSHOTS / "mentoring-mentors-phone.png", full_page=True)
    assert SlotBooking.objects.filter(slot=slot).count() == 1
