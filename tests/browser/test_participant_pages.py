"""In Chromium: times in the browser's zone on the very first page, and the participant's pages at
desktop and phone size (screenshots land in test-artifacts/screenshots/)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sprintlab.registrations.models import RegistrationStatus
from tests.browser_support import PHONE, assert_accessible, save_screenshot, sign_in
from tests.factories import LocalSiteFactory, PastSprintFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def kickoff_at_1730_utc():
    return (timezone.now() + timedelta(days=14)).replace(hour=17, minute=30, second=0, microsecond=0)


def test_the_first_page_shows_times_in_the_browsers_zone(browser, live_server):
    sprint = SprintFactory(title="Kolkata Evals Sprint", kickoff_at=kickoff_at_1730_utc())
    # A new context: no cookie yet, so the server renders in UTC and the page converts.
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-GB", **DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}{sprint.get_absolute_url()}")
    hero_dates = page.locator(".hero-dates")
    expect(hero_dates).to_contain_text("23:00")  # 17:30 UTC is 23:00 in India
    expect(hero_dates).not_to_contain_text("17:30")
    expect(hero_dates).to_contain_text("Asia/Kolkata")
    expect(page.locator(".site-footer")).to_contain_text("Times are shown in Asia/Kolkata, your browser’s time zone.")
    expect(page.locator("body")).not_to_contain_text("Asia/Calcutta")
    expect(page.locator("body")).not_to_contain_text("Sign in to choose your time zone")
    # The next page comes from the server in the browser's zone already, under the canonical name.
    page.goto(f"{live_server.url}/sprints/")
    expect(page.locator("body")).not_to_have_attribute("data-timezone-fallback", re.compile(".*"))
    expect(page.locator(".site-footer")).to_contain_text("Asia/Kolkata")
    context.close()


def test_the_browser_shows_times_in_the_servers_named_styles(browser, live_server):
    kickoff = kickoff_at_1730_utc()
    # 17:30 to 20:00 UTC is one day on the server; in India it runs from 23:00 into the next day.
    sprint = SprintFactory(kickoff_at=kickoff, submission_deadline_at=kickoff + timedelta(hours=2, minutes=30))
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-GB", **DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}{sprint.get_absolute_url()}")
    start, end = kickoff + timedelta(hours=5, minutes=30), kickoff + timedelta(hours=8)
    # The same "datetime" style as the server's (core/formats/en/formats.py), the end's date shown again.
    expected = f"{start:%a} {start.day} {start:%b %Y}, 23:00 – {end:%a} {end.day} {end:%b %Y}, 01:30"
    expect(page.locator(".hero-dates .date-range")).to_have_text(expected)
    expect(page.locator(".timeline li.next time:not([data-countdown])")).to_have_text(
        f"{start:%a} {start.day} {start:%b %Y}, 23:00"
    )
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_participant_pages_at_desktop_and_phone_size(browser, live_server, size):
    user = UserFactory(email=f"ada-{size}@example.org", display_name="Ada Lovelace", timezone="")
    coming = SprintFactory(title="Multi-Agent Security Hackathon")
    site = LocalSiteFactory(
        sprint=coming, name="Nairobi AI Hub", city="Nairobi", country="KE", timezone="Africa/Nairobi"
    )
    RegistrationFactory(user=user, sprint=coming, site=site)
    cancelled = RegistrationFactory(
        user=user, sprint=SprintFactory(title="Evals Weekend"), status=RegistrationStatus.CANCELLED
    )
    RegistrationFactory(user=user, sprint=PastSprintFactory(title="Interpretability Sprint 2025"))
    context = browser.new_context(timezone_id="Asia/Kolkata", locale="en-GB", **(PHONE if size == "phone" else DESKTOP))
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, user.email, PASSWORD)

    page.goto(f"{base}/me/sprints/")
    expect(page.get_by_role("heading", name="Upcoming and running")).to_be_visible()
    expect(page.get_by_role("heading", name="Past")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar").first).to_be_visible()
    assert_accessible(page, "my sprints")
    save_screenshot(page, f"my-sprints-{size}")

    page.goto(f"{base}{cancelled.sprint.get_absolute_url()}")
    expect(page.locator(".hero").get_by_role("link", name="Register again")).to_be_visible()
    assert_accessible(page, "sprint page after cancelling")
    save_screenshot(page, f"sprint-page-register-again-{size}")

    page.goto(f"{base}{coming.get_absolute_url()}")
    expect(page.locator(".hero").get_by_role("link", name="Add to calendar")).to_be_visible()
    save_screenshot(page, f"sprint-page-registered-{size}")

    response = page.goto(f"{base}/sprints/no-such-sprint/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    assert_accessible(page, "404 page")
    save_screenshot(page, f"not-found-{size}")
    context.close()
